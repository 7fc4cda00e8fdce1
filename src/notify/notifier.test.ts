import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { discordChannel, telegramChannel, webhookChannel } from './channels.ts';
import { channelNames, notifyConfigFromEnv } from './config.ts';
import type { NotifyMessage } from './message.ts';
import { Notifier } from './notifier.ts';
import { type Loopback, startLoopback } from './test-support/loopback.ts';

const TOKEN = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';

describe('Notifier: fan-out and dedup', () => {
  let lb: Loopback;
  before(async () => {
    lb = await startLoopback();
  });
  after(() => lb.close());

  it('sends a message to every channel once per key per window; a later one says how many were held', async () => {
    let t = Date.UTC(2025, 4, 1);
    const n = new Notifier(
      [
        webhookChannel(`${lb.url}/hook`),
        telegramChannel({ token: TOKEN, chatId: '7', apiUrl: lb.url }),
        discordChannel(`${lb.url}/api/webhooks/1/abcdef`),
      ],
      { dedupMs: 600_000, maxPerMinute: 600, now: () => t },
    );
    const m = (title: string, key: string): NotifyMessage => ({
      kind: 'error',
      severity: 'critical',
      botId: 'b',
      title,
      lines: [],
      dedupKey: key,
      ts: t,
    });
    assert.equal(n.notify(m('db write failed', 'b:db')), true);
    t += 60_000;
    assert.equal(n.notify(m('db write failed', 'b:db')), false, 'same key inside the window');
    assert.equal(n.notify(m('db write failed', 'b:db')), false);
    assert.equal(n.notify(m('venue call failed', 'b:venue')), true, 'another key passes');
    t += 600_000;
    assert.equal(n.notify(m('db write failed', 'b:db')), true, 'after the window');
    assert.equal(await n.flush(5000), true);
    assert.equal(n.deduplicated, 2);
    const hooks = lb.received.filter((r) => r.path === '/hook').map((r) => r.body);
    assert.deepEqual(
      hooks.map((h) => h.title),
      ['db write failed', 'venue call failed', 'db write failed'],
    );
    assert.deepEqual((hooks[2] as { lines: string[] }).lines, [
      '(2 similar notification(s) held back since 2025-05-01T00:00:00.000Z)',
    ]);
    assert.equal(lb.received.filter((r) => r.path.endsWith('/sendMessage')).length, 3);
    assert.equal(lb.received.filter((r) => r.path === '/api/webhooks/1/abcdef').length, 3);
  });

  it('no channel configured: nothing is queued', () => {
    const n = new Notifier([], { dedupMs: 0, maxPerMinute: 1 });
    assert.equal(n.enabled, false);
    assert.equal(
      n.notify({ kind: 'test', severity: 'info', title: 't', lines: [], dedupKey: 'k', ts: 0 }),
      false,
    );
  });
});

describe('notifyConfigFromEnv', () => {
  it('everything off by default; summary at 00:00 UTC, 10 min dedup, 20/min', () => {
    const c = notifyConfigFromEnv({});
    assert.deepEqual(c, {
      fills: false,
      fillsEveryMs: 60_000,
      summaryAtMinute: 0,
      dedupMs: 600_000,
      maxPerMinute: 20,
    });
    assert.deepEqual(channelNames(c), []);
  });

  it('reads every channel and option', () => {
    const c = notifyConfigFromEnv({
      NOTIFY_WEBHOOK_URL: 'https://hooks.example.com/zp',
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_CHAT_ID: '-1001234',
      DISCORD_WEBHOOK_URL: 'https://discord.com/api/webhooks/1/xyz',
      NOTIFY_FILLS: 'on',
      NOTIFY_FILLS_EVERY_S: '30',
      NOTIFY_SUMMARY_AT: '18:30',
      NOTIFY_DEDUP_MINUTES: '5',
      NOTIFY_MAX_PER_MINUTE: '10',
    });
    assert.deepEqual(channelNames(c), ['webhook', 'telegram', 'discord']);
    assert.deepEqual(c.telegram, { token: TOKEN, chatId: '-1001234', apiUrl: 'https://api.telegram.org' });
    assert.deepEqual(
      [c.fills, c.fillsEveryMs, c.summaryAtMinute, c.dedupMs, c.maxPerMinute],
      [true, 30_000, 18 * 60 + 30, 300_000, 10],
    );
    assert.equal(notifyConfigFromEnv({ NOTIFY_SUMMARY_AT: 'off' }).summaryAtMinute, null);
  });

  it('lists every problem in one error, without echoing a URL or token', () => {
    const secretUrl = 'http://hooks.example.com/api/webhooks/1/SECRETPART';
    assert.throws(
      () =>
        notifyConfigFromEnv({
          DISCORD_WEBHOOK_URL: secretUrl,
          NOTIFY_WEBHOOK_URL: 'not a url SECRETPART',
          TELEGRAM_BOT_TOKEN: 'SECRETPART',
          NOTIFY_FILLS: 'sometimes',
          NOTIFY_SUMMARY_AT: '25:00',
          NOTIFY_MAX_PER_MINUTE: '0',
        }),
      (err: Error & { problems?: string[] }) => {
        assert.equal(err.name, 'ConfigError', 'reported by the CLI as one message, no stack');
        assert.ok(!err.message.includes('SECRETPART'), err.message);
        assert.deepEqual(err.problems, [
          'NOTIFY_WEBHOOK_URL is not a URL',
          'DISCORD_WEBHOOK_URL must be an https:// URL (plain http only to 127.0.0.1/localhost)',
          'Telegram needs both TELEGRAM_BOT_TOKEN and TELEGRAM_CHAT_ID',
          'NOTIFY_FILLS must be on or off (got "sometimes")',
          'NOTIFY_SUMMARY_AT must be HH:MM (UTC) or off (got "25:00")',
          'NOTIFY_MAX_PER_MINUTE must be a whole number from 1 to 600 (got "0")',
        ]);
        return true;
      },
    );
    assert.throws(
      () => notifyConfigFromEnv({ TELEGRAM_BOT_TOKEN: 'SECRETPART-typo', TELEGRAM_CHAT_ID: '12' }),
      /TELEGRAM_BOT_TOKEN does not look like a bot token/,
    );
  });
});
