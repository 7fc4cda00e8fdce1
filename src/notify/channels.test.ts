import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { discordChannel, telegramChannel, webhookChannel } from './channels.ts';
import type { NotifyMessage } from './message.ts';
import { Outbox } from './outbox.ts';
import { type Loopback, startLoopback } from './test-support/loopback.ts';

const TOKEN = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
const msg = (over: Partial<NotifyMessage> = {}): NotifyMessage => ({
  kind: 'verdict',
  severity: 'warn',
  botId: 'sol-grid',
  title: 'sol-grid: risk trading normally → REDUCE-ONLY (REDUCE_ONLY)',
  lines: ['A_leverage: leverage 4.1 above 4'],
  dedupKey: 'k',
  ts: 1_700_000_000_000,
  ...over,
});

describe('channels: one plain HTTPS POST each (against a loopback server)', () => {
  let lb: Loopback;
  before(async () => {
    lb = await startLoopback();
  });
  after(() => lb.close());
  beforeEach(() => {
    lb.received.length = 0;
  });

  it('Telegram: sendMessage on the bot path with the chat id and plain text', async () => {
    const r = await telegramChannel({ token: TOKEN, chatId: '-100123', apiUrl: lb.url }).send(msg());
    assert.deepEqual(r, { ok: true });
    const [req] = lb.received;
    assert.equal(req?.method, 'POST');
    assert.equal(req?.path, `/bot${TOKEN}/sendMessage`);
    assert.equal(req?.headers['content-type'], 'application/json');
    assert.deepEqual(req?.body, {
      chat_id: '-100123',
      text: '⚠️ sol-grid: risk trading normally → REDUCE-ONLY (REDUCE_ONLY)\nA_leverage: leverage 4.1 above 4',
      disable_web_page_preview: true,
      disable_notification: false,
    });
  });

  it('Discord: content cut to 2000 characters, no mentions', async () => {
    const url = `${lb.url}/api/webhooks/42/secret-webhook-token`;
    const long = msg({ severity: 'info', lines: ['x'.repeat(3000)] });
    assert.deepEqual(await discordChannel(url).send(long), { ok: true });
    const body = lb.received[0]?.body as { content: string; allowed_mentions: unknown; username: string };
    assert.equal(lb.received[0]?.path, '/api/webhooks/42/secret-webhook-token');
    assert.equal(body.content.length, 2000);
    assert.ok(body.content.startsWith('ℹ️ sol-grid'));
    assert.ok(body.content.endsWith('…'));
    assert.deepEqual(body.allowed_mentions, { parse: [] });
    assert.equal(body.username, 'zero-perps');
  });

  it('webhook: the message as JSON, with the note appended', async () => {
    assert.deepEqual(await webhookChannel(`${lb.url}/hook`).send(msg(), '(2 dropped)'), { ok: true });
    assert.deepEqual(lb.received[0]?.body, {
      source: 'zero-perps',
      kind: 'verdict',
      severity: 'warn',
      botId: 'sol-grid',
      title: 'sol-grid: risk trading normally → REDUCE-ONLY (REDUCE_ONLY)',
      lines: ['A_leverage: leverage 4.1 above 4', '(2 dropped)'],
      text: '⚠️ sol-grid: risk trading normally → REDUCE-ONLY (REDUCE_ONLY)\nA_leverage: leverage 4.1 above 4\n(2 dropped)',
      ts: 1_700_000_000_000,
    });
  });

  it('errors: 429 says how long to wait, 5xx retry, other 4xx give up — and never carry the token', async () => {
    const tg = telegramChannel({ token: TOKEN, chatId: '1', apiUrl: lb.url });
    // Telegram's own 429 shape; the description echoes the request path (with the token) to prove scrubbing.
    lb.script(
      {
        status: 429,
        body: {
          ok: false,
          error_code: 429,
          description: 'Too Many Requests: retry after 3',
          parameters: { retry_after: 3 },
        },
      },
      { status: 502, body: { description: `bad gateway for /bot${TOKEN}/sendMessage` } },
      { status: 401, body: { ok: false, description: `Unauthorized ${TOKEN}` } },
    );
    assert.deepEqual(await tg.send(msg()), {
      ok: false,
      retry: true,
      retryAfterMs: 3000,
      error: 'HTTP 429: Too Many Requests: retry after 3',
    });
    assert.deepEqual(await tg.send(msg()), {
      ok: false,
      retry: true,
      error: 'HTTP 502: bad gateway for /bot[redacted]/sendMessage',
    });
    assert.deepEqual(await tg.send(msg()), {
      ok: false,
      retry: false,
      error: 'HTTP 401: Unauthorized [redacted]',
    });
    // Discord's 429: Retry-After header (seconds).
    lb.script({ status: 429, headers: { 'retry-after': '2' }, body: { retry_after: 2, global: false } });
    const dc = await discordChannel(`${lb.url}/api/webhooks/1/tok-abcdef`).send(msg());
    assert.equal(dc.ok === false && dc.retryAfterMs, 2000);
  });

  it('a refused connection is a retry, and its text carries no URL secret', async () => {
    const dead = await startLoopback();
    const url = `${dead.url}/api/webhooks/9/very-secret-token`;
    await dead.close();
    const r = await discordChannel(url).send(msg());
    assert.equal(r.ok, false);
    assert.ok(!r.ok && r.retry);
    assert.ok(!r.ok && !r.error.includes('very-secret-token'), !r.ok ? r.error : '');
    assert.match(!r.ok ? r.error : '', /^request failed: ECONNREFUSED/);
  });
});

describe('Outbox: retries, 429 waits, rate limit, bounded queue (loopback server, simulated clock)', () => {
  let lb: Loopback;
  before(async () => {
    lb = await startLoopback();
  });
  after(() => lb.close());
  beforeEach(() => {
    lb.received.length = 0;
  });

  /** A clock that only moves when the outbox sleeps: waits are recorded, none is real. */
  function fakeClock() {
    let t = 0;
    const waits: number[] = [];
    return {
      waits,
      now: () => t,
      sleep: async (ms: number) => {
        waits.push(ms);
        t += ms;
      },
    };
  }

  it('retries a 500 with backoff and waits what a 429 asks, then delivers', async () => {
    const clock = fakeClock();
    const given: string[] = [];
    const box = new Outbox(webhookChannel(`${lb.url}/hook`), {
      maxPerMinute: 600,
      ...clock,
      onGiveUp: (_c, e) => given.push(e),
    });
    lb.script({ status: 500 }, { status: 429, body: { retry_after: 7 } });
    box.push(msg());
    assert.equal(await box.idle(5000), true);
    assert.equal(lb.received.length, 3, 'two failures, then the delivery');
    assert.deepEqual(clock.waits, [1000, 7000]);
    assert.deepEqual([box.sent, box.failed, given], [1, 0, []]);
  });

  it('gives up after its attempts, and at once on a permanent error', async () => {
    const clock = fakeClock();
    const given: string[] = [];
    const box = new Outbox(webhookChannel(`${lb.url}/hook`), {
      maxPerMinute: 600,
      attempts: 3,
      ...clock,
      onGiveUp: (_c, e) => given.push(e),
    });
    lb.script(
      { status: 503 },
      { status: 503 },
      { status: 503 },
      { status: 404, body: { message: 'Unknown Webhook' } },
    );
    box.push(msg({ title: 'a' }));
    box.push(msg({ title: 'b' }));
    await box.idle(5000);
    assert.deepEqual(clock.waits, [1000, 2000]);
    assert.deepEqual(given, ['HTTP 503', 'HTTP 404: Unknown Webhook']);
    assert.equal(lb.received.length, 4);
    assert.deepEqual([box.sent, box.failed], [0, 2]);
  });

  it('sends a burst, then at most maxPerMinute: 8 messages at 60/min with a burst of 3 wait 5 × 1 s', async () => {
    const clock = fakeClock();
    const box = new Outbox(webhookChannel(`${lb.url}/hook`), { maxPerMinute: 60, burst: 3, ...clock });
    for (let i = 0; i < 8; i++) box.push(msg({ title: `m${i}` }));
    await box.idle(5000);
    assert.deepEqual(
      lb.received.map((r) => r.body.title),
      ['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7'],
      'in order, none lost',
    );
    assert.deepEqual(clock.waits, [1000, 1000, 1000, 1000, 1000]);
  });

  it('a full queue drops the oldest non-critical message and says so in the next one sent', async () => {
    const clock = fakeClock();
    const box = new Outbox(webhookChannel(`${lb.url}/hook`), {
      maxPerMinute: 60,
      burst: 1,
      maxQueue: 3,
      ...clock,
    });
    // Pushed at once: the queue keeps 3 — both criticals and the newest info; three infos are dropped.
    box.push(msg({ title: 'first', severity: 'critical' }));
    box.push(msg({ title: 'crit', severity: 'critical' }));
    for (const t of ['i1', 'i2', 'i3', 'i4']) box.push(msg({ title: t, severity: 'info' }));
    assert.equal(box.pending, 3);
    assert.equal(box.dropped, 3);
    await box.idle(5000);
    assert.equal(box.dropped, 0, 'the drop count was reported and reset');
    assert.deepEqual(
      lb.received.map((r) => r.body.title),
      ['first', 'crit', 'i4'],
    );
    const notes = lb.received.map((r) => (r.body.lines as string[]).at(-1));
    assert.equal(notes[0], '(3 other notification(s) dropped: too many at once)');
    assert.notEqual(notes[1], notes[0], 'said once');
  });
});
