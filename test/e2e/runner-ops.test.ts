/**
 * Operating a real runner (`zero-perps start`, paper replay, child process): scrape its /metrics, receive its
 * notifications on a loopback HTTP server standing in for Telegram, Discord and a webhook, read its
 * --log-file; and check that no channel secret reaches its output, its log file or its API.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Loopback, startLoopback } from '../../src/notify/test-support/loopback.ts';
import { type Family, parseExposition } from '../test-support/prometheus-text.ts';
import { type RunnerProcess, startRunner } from '../test-support/runner-process.ts';

const root = new URL('../../', import.meta.url).pathname;
const TG_TOKEN = '555000111:AAE-e2e-telegram-token_abcdefghijkl';
const DISCORD_SECRET = 'e2e-discord-webhook-secret';

interface Bot {
  id: string;
  markets: string[];
  equity: number;
  health: number;
  leverage: number;
  verdict: string | null;
  openOrders: unknown[];
  pnl: Record<string, number>;
}

async function eventually(check: () => Promise<string[]>, tries = 30, waitMs = 500): Promise<void> {
  let last: string[] = [];
  for (let i = 0; i < tries; i++) {
    last = await check();
    if (last.length === 0) return;
    await new Promise((r) => setTimeout(r, waitMs));
  }
  assert.fail(last.join('\n'));
}

const near = (a: number | undefined, b: number, tol = 1e-6) =>
  a !== undefined && Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));

describe('a real runner: /metrics, notifications, --log-file, no secret out', () => {
  let lb: Loopback;
  let runner: RunnerProcess;
  let dir: string;
  let logFile: string;

  before(async () => {
    lb = await startLoopback();
    dir = mkdtempSync(join(tmpdir(), 'zp-ops-'));
    logFile = join(dir, 'runner.log');
    runner = await startRunner({
      env: {
        NOTIFY_WEBHOOK_URL: `${lb.url}/hook`,
        TELEGRAM_BOT_TOKEN: TG_TOKEN,
        TELEGRAM_CHAT_ID: '-100200300',
        TELEGRAM_API_URL: lb.url,
        DISCORD_WEBHOOK_URL: `${lb.url}/api/webhooks/77/${DISCORD_SECRET}`,
        NOTIFY_FILLS: 'on',
        NOTIFY_FILLS_EVERY_S: '2',
      },
      args: ['--log-file', logFile, '--log-level', 'info'],
    });
  });

  after(async () => {
    await runner?.stop();
    await lb?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const scrape = async (): Promise<Map<string, Family>> => {
    const res = await fetch(`${runner.base}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    return parseExposition(await res.text());
  };
  const bots = async (): Promise<Bot[]> => {
    const list = (await (await fetch(`${runner.base}/api/bots`)).json()) as { id: string }[];
    return Promise.all(
      list.map(async (b) => (await (await fetch(`${runner.base}/api/bots/${b.id}`)).json()) as Bot),
    );
  };
  const value = (f: Family | undefined, labels: Record<string, string>): number | undefined =>
    f?.samples.find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;

  it('/metrics: counters typed counter, per-bot gauges by bot and symbol, equal to the API figures', async () => {
    const first = await scrape();
    for (const [name, f] of first) {
      if (name.startsWith('zp_') && name.endsWith('_total'))
        assert.equal(f.type, 'counter', `${name} is a counter`);
      for (const s of f.samples)
        assert.equal(s.labels.market, undefined, `${name} has no market-number label`);
    }
    for (const name of ['zp_loop_latency_seconds', 'zp_db_flush_seconds']) {
      assert.equal(first.get(name)?.type, 'histogram', name);
    }
    for (const name of [
      'zp_bot_equity_usdc',
      'zp_bot_pnl_usdc',
      'zp_bot_health',
      'zp_bot_leverage',
      'zp_bot_verdict',
      'zp_bot_open_orders',
      'zp_bot_position_base',
      'zp_fills_total',
      'zp_rpc_errors_total',
      'zp_decisions_total',
      'process_resident_memory_bytes',
    ]) {
      assert.ok(first.has(name), `${name} is exported`);
    }
    // The bots keep trading between the two reads: compare until a scrape and an API read agree.
    await eventually(async () => {
      const m = await scrape();
      const bad: string[] = [];
      for (const b of await bots()) {
        const eq = value(m.get('zp_bot_equity_usdc'), { bot: b.id });
        if (!near(eq, b.equity)) bad.push(`${b.id} equity: metrics ${eq}, api ${b.equity}`);
        if (!near(value(m.get('zp_bot_health'), { bot: b.id }), b.health)) bad.push(`${b.id} health`);
        if (!near(value(m.get('zp_bot_leverage'), { bot: b.id }), b.leverage)) bad.push(`${b.id} leverage`);
        for (const part of ['realized', 'unrealized', 'funding', 'fees', 'total']) {
          const v = value(m.get('zp_bot_pnl_usdc'), { bot: b.id, part });
          if (!near(v, b.pnl[part] ?? Number.NaN, 1e-5))
            bad.push(`${b.id} pnl ${part}: ${v} vs ${b.pnl[part]}`);
        }
        const verdicts = m
          .get('zp_bot_verdict')
          ?.samples.filter((s) => s.labels.bot === b.id && s.value === 1);
        if (b.verdict !== null && (verdicts?.length !== 1 || verdicts[0]?.labels.kind !== b.verdict)) {
          bad.push(`${b.id} verdict: metrics ${JSON.stringify(verdicts)}, api ${b.verdict}`);
        }
        const orders = m.get('zp_bot_open_orders')?.samples.filter((s) => s.labels.bot === b.id) ?? [];
        const symbols = [...new Set(orders.map((s) => s.labels.symbol))].sort();
        if (JSON.stringify(symbols) !== JSON.stringify([...b.markets].sort())) {
          bad.push(`${b.id} open-order symbols ${symbols} vs markets ${b.markets}`);
        }
        const n = orders.reduce((a, s) => a + s.value, 0);
        if (n !== b.openOrders.length)
          bad.push(`${b.id} open orders: metrics ${n}, api ${b.openOrders.length}`);
      }
      return bad;
    });
  });

  it('/metrics: zp_fills_total by bot, symbol and side adds up to the fills the API lists', async () => {
    await eventually(
      async () => {
        const m = await scrape();
        const bad: string[] = [];
        for (const b of await bots()) {
          const counted = (m.get('zp_fills_total')?.samples ?? [])
            .filter((s) => s.labels.bot === b.id)
            .reduce((a, s) => a + s.value, 0);
          let listed = 0;
          let before: string | null = null;
          do {
            const q: string = before === null ? '' : `&before=${encodeURIComponent(before)}`;
            const page = (await (
              await fetch(`${runner.base}/api/bots/${b.id}/fills?limit=500${q}`)
            ).json()) as {
              items: { market: string }[];
              nextBefore: string | null;
            };
            listed += page.items.length;
            before = page.nextBefore;
          } while (before !== null);
          if (counted !== listed) bad.push(`${b.id}: zp_fills_total ${counted}, API lists ${listed}`);
          if (b.id === 'sol-grid' && counted === 0) bad.push('sol-grid has not traded yet');
        }
        return bad;
      },
      // The demo grid's first fill comes some 10–40 s after start.
      150,
      500,
    );
    const fills = (await scrape()).get('zp_fills_total')?.samples ?? [];
    assert.ok(
      fills.every(
        (s) => ['buy', 'sell'].includes(s.labels.side ?? '') && /-PERP$/.test(s.labels.symbol ?? ''),
      ),
    );
  });

  it('a pause from the API reaches the webhook, Telegram and Discord; fills arrive batched', async () => {
    const res = await fetch(`${runner.base}/api/bots/sol-grid/pause`, {
      method: 'POST',
      headers: { authorization: `Bearer ${runner.token}` },
    });
    assert.equal(res.status, 200);
    const isPause = (text: unknown) =>
      String(text).includes('sol-grid: risk trading normally → PAUSED (PAUSE)');
    await lb.waitFor((r) => r.path === '/hook' && isPause(r.body.title));
    await lb.waitFor((r) => r.path === `/bot${TG_TOKEN}/sendMessage` && isPause(r.body.text));
    await lb.waitFor((r) => r.path === `/api/webhooks/77/${DISCORD_SECRET}` && isPause(r.body.content));
    const [batch] = await lb.waitFor(
      (r) => r.path === '/hook' && r.body.kind === 'fills' && r.body.botId === 'sol-grid',
    );
    assert.match(String(batch?.body.title), /^sol-grid: \d+ fills? \(\d+ buy, \d+ sell\)$/);
    const m = await scrape();
    assert.ok((value(m.get('zp_notifications_total'), { channel: 'telegram', outcome: 'sent' }) ?? 0) >= 1);
  });

  it('logs: JSON lines on stdout (not a terminal) and the same lines appended to --log-file', () => {
    const lines = readFileSync(logFile, 'utf8').trim().split('\n');
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.ok(parsed.some((l) => l.botId === 'runner' && l.msg === 'runner started'));
    assert.ok(
      parsed.some((l) => l.botId === 'runner' && l.msg === 'notifications on: webhook, telegram, discord'),
    );
    assert.ok(
      parsed.some(
        (l) => l.category === 'RISK' && typeof l.cid === 'string' && typeof l.duration === 'number',
      ),
    );
    for (const l of parsed)
      assert.deepEqual(Object.keys(l).slice(0, 5), ['level', 'ts', 'botId', 'cid', 'category']);
    assert.ok(runner.output().includes('"msg":"runner started"'), 'stdout carries the same JSON lines');
  });

  it('no channel secret in the output, the log file, the API or /metrics', async () => {
    const bodies = await Promise.all(
      ['/api/health', '/api/bots', '/api/bots/sol-grid', '/metrics'].map(async (p) =>
        (await fetch(`${runner.base}${p}`)).text(),
      ),
    );
    for (const [where, text] of [
      ['output', runner.output()],
      ['log file', readFileSync(logFile, 'utf8')],
      ...bodies.map((b, i) => [`GET #${i}`, b]),
    ] as const) {
      assert.ok(!text.includes(TG_TOKEN), `${where} carries the Telegram token`);
      assert.ok(!text.includes(TG_TOKEN.split(':')[1] as string), `${where} carries the token's secret part`);
      assert.ok(!text.includes(DISCORD_SECRET), `${where} carries the Discord webhook secret`);
      assert.ok(!text.includes(`${lb.url}/hook`), `${where} carries the webhook URL`);
    }
  });
});

describe('start-up problems are one line, exit 2, nothing started', () => {
  const start = (args: string[], env: NodeJS.ProcessEnv = {}) => {
    const dir = mkdtempSync(join(tmpdir(), 'zp-ops-bad-'));
    try {
      const e: NodeJS.ProcessEnv = { ...process.env, ZERO_PERPS_PGLITE_DIR: join(dir, 'pg'), ...env };
      for (const k of ['DATABASE_URL', 'RPC_URL', 'PRIVATE_KEY', 'KEYPAIR_PATH']) delete e[k];
      return spawnSync(process.execPath, [join(root, 'bin/zero-perps.js'), 'start', '--port', '0', ...args], {
        env: e,
        encoding: 'utf8',
        timeout: 60_000,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it('--log-file on a directory, in a missing folder, or where nothing can be written', () => {
    for (const [path, want] of [
      [tmpdir(), `--log-file ${tmpdir()} is a directory; give a file path`],
      [
        '/nonexistent-zp/x.log',
        '--log-file /nonexistent-zp/x.log: the folder /nonexistent-zp does not exist',
      ],
      ['/sys/zp.log', '--log-file /sys/zp.log: permission denied'],
    ] as const) {
      const r = start(['--log-file', path]);
      assert.equal(r.status, 2, r.stderr);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.ok(r.stderr.startsWith(`zero-perps start: ${want}`), r.stderr);
      assert.equal(r.stdout, '');
    }
  });

  it('a bad notification setting names the variable and never echoes the secret', () => {
    const r = start([], { DISCORD_WEBHOOK_URL: `http://hooks.example.com/api/webhooks/1/${DISCORD_SECRET}` });
    assert.equal(r.status, 2, r.stderr);
    assert.equal(
      r.stderr.trim(),
      'zero-perps start: notifications: DISCORD_WEBHOOK_URL must be an https:// URL (plain http only to 127.0.0.1/localhost)',
    );
    assert.ok(!`${r.stdout}${r.stderr}`.includes(DISCORD_SECRET));
  });
});
