/**
 * Secrets stay secret, commands need the token, the server listens on loopback only, the page is locked down.
 *
 * A paper runner (the real CLI, temp PGlite, no network) starts with a known dummy key in PRIVATE_KEY and
 * KEYPAIR_PATH, serves every GET endpoint, commands with and without the token and bad requests, and the
 * dashboard in headless Chromium; then it is stopped. Live mode is started with the same key (valid, through
 * the Drift SDK to an RPC at 127.0.0.1:1, which fails) and with malformed keys. Then the key — base58, base64,
 * hex, JSON array, and every 8-character piece of its base58 — is searched for in: stdout/stderr and the log
 * file, every row of every table, every API response body and header, the page, its assets and everything it
 * fetched, and the live-mode errors.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  BIN,
  type ChildRunner,
  ROOT,
  startChild,
  waitFor,
} from '../../src/runner/test-support/child-runner.ts';
import { chromiumMissing, launchChromium } from '../test-support/chromium.ts';
import { checkCsp } from '../test-support/csp-check.ts';
import { dummyKey, findLeaks, wholeForms, windowsOf } from '../test-support/dummy-key.ts';
import { corpusReaders, filesUnder } from '../test-support/leak-corpus.ts';

const KEY_SEED = 0x5ec12e7;
const key = dummyKey(KEY_SEED);
const TOKEN = 'security-test-token-4f9a1c';
const dir = mkdtempSync(join(tmpdir(), 'zp-security-'));
const keyFile = join(dir, 'id.json');
writeFileSync(keyFile, key.jsonArray);
const logFile = join(dir, 'runner.log');

/** Everything the grep looks at: [where it came from, text]. */
const corpus: [string, string][] = [];
const extraNeedles: [string, string][] = [];
const { call, readEvents, dumpDatabase } = corpusReaders(corpus, TOKEN);

const BOT_ROUTES = ['sol-grid', 'drift-kmno-spread'];

/** Runs `zero-perps start` to its (failing) end without a network: returns all it printed and its exit. */
function runToFailure(args: string[], env: Record<string, string>): { code: number | null; out: string } {
  const r = spawnSync(process.execPath, [BIN, 'start', '--port', '0', ...args], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: '', API_TOKEN: TOKEN, PRIVATE_KEY: '', KEYPAIR_PATH: '', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, out: `${r.stdout}\n${r.stderr}` };
}

describe('security', () => {
  let r: ChildRunner | undefined;
  const paperDb = join(dir, 'paper-db');
  after(() => {
    if (r && r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('a paper runner with a key in the environment serves the API and the page', async () => {
    console.log(`dummy key from seed ${KEY_SEED}: public half only is printable`);
    r = await startChild(
      ['--mode', 'paper', '--replay', '--speed', '20000', '--log-level', 'debug', '--log-file', logFile],
      {
        ZERO_PERPS_PGLITE_DIR: paperDb,
        DATABASE_URL: '',
        RPC_URL: '',
        API_TOKEN: TOKEN,
        PRIVATE_KEY: key.base58,
        KEYPAIR_PATH: keyFile,
      },
    );
    const base = r.url;
    await waitFor(async () => {
      const f = await (await fetch(`${base}/api/bots/sol-grid/fills?limit=1`)).json();
      return (f as { items: unknown[] }).items.length > 0 ? true : undefined;
    }, 'a first fill');

    // Every GET endpoint, with good and bad parameters.
    const gets = ['/api/health', '/api/bots', '/metrics', '/api/nope', '/api/bots/nope', '/'];
    for (const id of BOT_ROUTES) {
      gets.push(
        `/api/bots/${id}`,
        `/api/bots/${id}/objective`,
        `/api/bots/${id}/fills?limit=500`,
        `/api/bots/${id}/verdicts?limit=500`,
        `/api/bots/${id}/history?limit=5000`,
        `/api/bots/${id}/fills?limit=0`,
        `/api/bots/${id}/fills?before=%25%25`,
        `/api/bots/${id}/verdicts?limit=x`,
        `/api/bots/${id}/nope`,
      );
    }
    for (const p of gets) await call(base, 'GET', p);
    await readEvents(base, 1200);

    // Every mutating route refuses a missing or wrong token with 401, whatever the body.
    const mutating: [string, string, string][] = [['POST', '/api/bots', JSON.stringify({ name: 'x' })]];
    for (const id of BOT_ROUTES) {
      mutating.push(
        ['POST', `/api/bots/${id}/pause`, ''],
        ['POST', `/api/bots/${id}/resume`, '{}'],
        ['POST', `/api/bots/${id}/reduce-only`, '{"on":true}'],
        ['PUT', `/api/bots/${id}/objective`, '{"note":"x"}'],
      );
    }
    for (const [method, path, body] of mutating) {
      for (const token of [null, '', 'wrong', `${TOKEN} `.repeat(2), TOKEN.slice(1), key.base58]) {
        const a = await call(base, method, path, body || undefined, token);
        assert.equal(a.status, 401, `${method} ${path} with token ${JSON.stringify(token)}`);
        assert.match(a.headers.get('www-authenticate') ?? '', /^Bearer/);
      }
    }
    for (const method of ['DELETE', 'PATCH']) {
      assert.equal((await call(base, method, '/api/bots/sol-grid', undefined, null)).status, 401);
    }

    // Commands with the token, good and bad, so their answers and errors are searched too.
    assert.equal((await call(base, 'POST', '/api/bots/sol-grid/pause')).status, 200);
    assert.equal((await call(base, 'POST', '/api/bots/sol-grid/reduce-only', '{"on":true}')).status, 200);
    assert.equal((await call(base, 'POST', '/api/bots/sol-grid/resume', '{}')).status, 200);
    assert.equal(
      (await call(base, 'PUT', '/api/bots/sol-grid/objective', '{"params":{"stepPct":0.6}}')).status,
      200,
    );
    assert.equal(
      (await call(base, 'PUT', '/api/bots/sol-grid/objective', '{"risk":{"maxLeverage":-1}}')).status,
      400,
    );
    assert.equal(
      (await call(base, 'PUT', '/api/bots/sol-grid/objective', `{"note":"${key.base58}"`)).status,
      400,
    );
    assert.equal((await call(base, 'POST', '/api/bots', '{"name":"sec-bad","strategy":"grid"}')).status, 400);
    assert.equal((await call(base, 'POST', '/api/bots', '{not json')).status, 400);
    assert.equal((await call(base, 'POST', '/api/bots', 'x'.repeat(70_000))).status, 413);
    const created = await call(
      base,
      'POST',
      '/api/bots',
      JSON.stringify({ name: 'sec-btc', strategy: 'grid', market: 'BTC-PERP', collateral: 300 }),
    );
    assert.equal(created.status, 201, created.text);
    await call(base, 'GET', '/api/bots/sec-btc');

    // Loopback only: the banner's address, the socket's address, and a connection via another address fails.
    const port = Number(new URL(base).port);
    assert.equal(new URL(base).hostname, '127.0.0.1');
    const ss = spawnSync('ss', ['-ltnH', `sport = :${port}`], { encoding: 'utf8' });
    if (ss.status === 0 && ss.stdout.trim()) {
      for (const line of ss.stdout.trim().split('\n'))
        assert.match(line, new RegExp(`\\s127\\.0\\.0\\.1:${port}\\s`), line);
    }
    const others = Object.values(networkInterfaces())
      .flat()
      .filter((a) => a && !a.internal)
      .map((a) => a?.address as string);
    for (const address of others) {
      const reached = await new Promise<boolean>((resolve) => {
        const s = connect({ host: address, port, timeout: 2000 });
        s.once('connect', () => {
          s.destroy();
          resolve(true);
        });
        s.once('error', () => resolve(false));
        s.once('timeout', () => {
          s.destroy();
          resolve(false);
        });
      });
      assert.equal(reached, false, `the API must not answer on ${address}:${port}`);
    }
    console.log(
      `listening on ${base}; unreachable via ${others.join(', ') || '(no other address on this machine)'}`,
    );

    // The page and every response it fetched, in headless Chromium.
    if (chromiumMissing) {
      console.log(`page part skipped: ${chromiumMissing}`);
    } else {
      assert.ok(existsSync(join(ROOT, 'web/dist/index.html')), 'web/dist is built (npm run build:web)');
      const browser = await launchChromium();
      try {
        const page = await browser.newPage();
        const pending: Promise<void>[] = [];
        const csps: [string, string | null][] = [];
        page.on('console', (m) => corpus.push(['page console', m.text()]));
        page.on('response', (resp) => {
          const headers = resp.headers();
          const head = Object.entries(headers)
            .map(([k, v]) => `${k}: ${v}`)
            .join('\n');
          if (resp.request().resourceType() === 'document')
            csps.push([resp.url(), headers['content-security-policy'] ?? null]);
          if ((headers['content-type'] ?? '').startsWith('text/event-stream')) {
            corpus.push([`page fetched ${resp.url()}`, head]);
            return;
          }
          pending.push(
            resp
              .body()
              .then((b) => {
                corpus.push([`page fetched ${resp.url()}`, `${head}\n\n${b.toString('utf8')}`]);
              })
              .catch(() => {}),
          );
        });
        await page.goto(`${base}/`);
        await page.locator('[data-testid="bot-row"]').first().waitFor({ timeout: 20_000 });
        corpus.push(['page HTML (overview)', await page.content()]);
        await page.locator('[data-testid="bot-row"][data-bot-id="sol-grid"]').click();
        await page.locator('[data-testid="bot-view"]').waitFor({ timeout: 20_000 });
        await page.waitForTimeout(1000);
        corpus.push(['page HTML (bot view)', await page.content()]);
        // A deep link: a second document, served by the index.html fallback.
        await page.goto(`${base}/bots/drift-kmno-spread#/bots/drift-kmno-spread`);
        await page.locator('[data-testid="bot-view"]').waitFor({ timeout: 20_000 });
        corpus.push(['page HTML (deep link)', await page.content()]);
        await Promise.all(pending);
        assert.ok(csps.length >= 2);
        for (const [url, csp] of csps) checkCsp(csp, url);
      } finally {
        await browser.close();
      }
    }
    for (const f of filesUnder(join(ROOT, 'web/dist'))) corpus.push([`asset ${f}`, readFileSync(f, 'utf8')]);

    r.child.kill('SIGINT');
    const exit = await r.exited;
    assert.equal(exit.code, 0, r.stdout().slice(-2000));
    corpus.push(
      ['runner stdout', r.stdout()],
      ['runner stderr', r.stderr()],
      ['log file', readFileSync(logFile, 'utf8')],
    );
    const rows = await dumpDatabase(paperDb, 'paper db');
    console.log(`paper runner: ${rows} database rows, ${r.stdout().length} bytes of logs`);
  });

  it('every response carries a restrictive CSP and the other security headers', () => {
    const answers = corpus.filter(([s]) => /^(GET|POST|PUT|DELETE|PATCH) /.test(s));
    assert.ok(answers.length > 50);
    for (const [source, text] of answers) {
      const head = text.slice(0, text.indexOf('\n\n'));
      const csp = /^content-security-policy: (.*)$/im.exec(head)?.[1] ?? null;
      checkCsp(csp, source);
      assert.match(head, /^x-content-type-options: nosniff$/im, source);
      assert.match(head, /^x-frame-options: DENY$/im, source);
    }
  });

  it('live mode with the key, valid or malformed, fails on a dead RPC without echoing it', () => {
    const rpc = { RPC_URL: 'http://127.0.0.1:1' };
    const liveDb = join(dir, 'live-db');
    const valid = runToFailure(['--mode', 'live', '--yes'], {
      ...rpc,
      KEYPAIR_PATH: keyFile,
      ZERO_PERPS_PGLITE_DIR: liveDb,
      DEBUG: '1',
    });
    assert.notEqual(valid.code, 0, 'live mode cannot start without its RPC');
    // The key itself was accepted: the failure is the network's, after the key was loaded.
    assert.doesNotMatch(valid.out, /live mode: (PRIVATE_KEY|KEYPAIR_PATH)|needs a signing key/, valid.out);
    assert.match(valid.out, /fetch failed|ECONNREFUSED|bad port/, valid.out.slice(-2000));
    corpus.push(['live (valid key file, dead RPC) output', valid.out]);

    const flipped = Buffer.from(key.secret);
    flipped[63] = (flipped[63] as number) ^ 1;
    const malformed: [string, Record<string, string>][] = [
      [
        'base58, one character made invalid',
        { PRIVATE_KEY: `${key.base58.slice(0, 40)}0${key.base58.slice(41)}` },
      ],
      ['base58, truncated', { PRIVATE_KEY: key.base58.slice(0, 60) }],
      ['base64 with the public half altered', { PRIVATE_KEY: flipped.toString('base64') }],
      ['hex', { PRIVATE_KEY: key.secret.toString('hex') }],
      ['JSON array of 63 bytes', { PRIVATE_KEY: JSON.stringify([...key.secret.subarray(0, 63)]) }],
      ['JSON array, broken', { PRIVATE_KEY: key.jsonArray.slice(0, -1) }],
      ['both PRIVATE_KEY and KEYPAIR_PATH', { PRIVATE_KEY: key.base58, KEYPAIR_PATH: keyFile }],
    ];
    const badFile = join(dir, 'bad.json');
    writeFileSync(badFile, `[${[...key.secret].join(',')},256]`);
    malformed.push(['key file with a 65th, out-of-range byte', { KEYPAIR_PATH: badFile }]);
    for (const [what, env] of malformed) {
      const out = runToFailure(['--mode', 'live', '--yes'], {
        ...rpc,
        ...env,
        DEBUG: '1',
        ZERO_PERPS_PGLITE_DIR: liveDb,
      });
      assert.notEqual(out.code, 0, what);
      assert.match(
        out.out,
        /live mode: |signing key/,
        `${what}: a key error, not another failure:\n${out.out}`,
      );
      corpus.push([`live (${what}) output`, out.out]);
      for (const v of Object.values(env))
        if (v !== keyFile && v !== badFile) extraNeedles.push(...windowsOf(v, what));
    }
  });

  it('the key appears nowhere: logs, database, API, page, assets, errors', async () => {
    const liveDb = join(dir, 'live-db');
    if (existsSync(liveDb)) await dumpDatabase(liveDb, 'live db');
    const bytes = corpus.reduce((a, [, t]) => a + t.length, 0);
    console.log(
      `searched ${corpus.length} sources, ${(bytes / 1e6).toFixed(1)} MB, for ${key.needles.length + extraNeedles.length} forms of the key`,
    );
    assert.ok(corpus.some(([s]) => s.startsWith('page HTML')) || chromiumMissing, 'the page was captured');
    const leaks = findLeaks(corpus, [...key.needles, ...extraNeedles]);
    // The raw database files too (pages, WAL), for the whole-key forms.
    const raw: [string, string][] = [];
    for (const folder of [paperDb, liveDb].filter(existsSync)) {
      for (const f of filesUnder(folder)) {
        if (statSync(f).size > 0) raw.push([`raw file ${f}`, readFileSync(f, 'latin1')]);
      }
    }
    leaks.push(...findLeaks(raw, wholeForms(key)));
    assert.deepEqual(
      leaks.slice(0, 10).map((l) => `${l.needle} in ${l.source}: …${l.context}…`),
      [],
      `${leaks.length} leak(s) of the key`,
    );
  });
});
