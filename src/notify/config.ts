/**
 * Notification settings, read from the runner's environment (or `.env`), documented in docs/notifications.md.
 * Every channel is off until its variables are set. Problems are reported without echoing a value: webhook
 * URLs and bot tokens are secrets (a Discord webhook URL carries its token in the path).
 */
export interface NotifyConfig {
  webhookUrl?: string;
  telegram?: { token: string; chatId: string; apiUrl: string };
  discordWebhookUrl?: string;
  /** Send fills (batched per bot per `fillsEveryMs`). Default off. */
  fills: boolean;
  fillsEveryMs: number;
  /** Daily summary at this UTC time (minutes after midnight); null = off. */
  summaryAtMinute: number | null;
  /** The same message (same key) is sent at most once per this many ms. */
  dedupMs: number;
  /** Per channel: at most this many messages per minute (a burst of 5, then spread out). */
  maxPerMinute: number;
}

export class NotifyConfigError extends Error {
  // Reported like a bad config (one line, no stack): the CLI treats ConfigError as the user's to fix.
  override name = 'ConfigError';
  readonly problems: string[];
  constructor(problems: string[]) {
    super(
      problems.length === 1
        ? `notifications: ${problems[0]}`
        : `notifications: ${problems.length} problems:\n  ${problems.join('\n  ')}`,
    );
    this.problems = problems;
  }
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** https anywhere; plain http only to this machine (a local relay, or a test's loopback server). */
function urlProblem(name: string, text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `${name} is not a URL`;
  }
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && LOOPBACK.has(url.hostname)) return undefined;
  return `${name} must be an https:// URL (plain http only to 127.0.0.1/localhost)`;
}

const ON = new Set(['on', '1', 'true', 'yes']);
const OFF = new Set(['off', '0', 'false', 'no']);

export function notifyConfigFromEnv(env: NodeJS.ProcessEnv): NotifyConfig {
  const problems: string[] = [];
  const get = (k: string): string | undefined => {
    const v = env[k]?.trim();
    return v === undefined || v === '' ? undefined : v;
  };
  const url = (k: string): string | undefined => {
    const v = get(k);
    if (v === undefined) return undefined;
    const p = urlProblem(k, v);
    if (p) problems.push(p);
    return p ? undefined : v;
  };
  const int = (k: string, dflt: number, min: number, max: number): number => {
    const v = get(k);
    if (v === undefined) return dflt;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${k} must be a whole number from ${min} to ${max} (got "${v}")`);
      return dflt;
    }
    return n;
  };

  const webhookUrl = url('NOTIFY_WEBHOOK_URL');
  const discordWebhookUrl = url('DISCORD_WEBHOOK_URL');
  const token = get('TELEGRAM_BOT_TOKEN');
  const chatId = get('TELEGRAM_CHAT_ID');
  let telegram: NotifyConfig['telegram'];
  if ((token === undefined) !== (chatId === undefined)) {
    problems.push('Telegram needs both TELEGRAM_BOT_TOKEN and TELEGRAM_CHAT_ID');
  } else if (token !== undefined && chatId !== undefined) {
    // BotFather tokens are `<digits>:<35 url-safe characters>`; a typo is caught here, not by a 404 later.
    if (!/^\d+:[A-Za-z0-9_-]{20,}$/.test(token)) {
      problems.push(
        'TELEGRAM_BOT_TOKEN does not look like a bot token (<digits>:<letters>, from @BotFather)',
      );
    }
    if (!/^(-?\d+|@[A-Za-z][A-Za-z0-9_]{3,})$/.test(chatId)) {
      problems.push(`TELEGRAM_CHAT_ID must be a numeric chat id or @channelname (got "${chatId}")`);
    }
    const apiUrl = url('TELEGRAM_API_URL') ?? 'https://api.telegram.org';
    telegram = { token, chatId, apiUrl: apiUrl.replace(/\/+$/, '') };
  }

  const fillsText = get('NOTIFY_FILLS') ?? 'off';
  const fills = ON.has(fillsText.toLowerCase());
  if (!fills && !OFF.has(fillsText.toLowerCase())) {
    problems.push(`NOTIFY_FILLS must be on or off (got "${fillsText}")`);
  }

  const summaryText = get('NOTIFY_SUMMARY_AT') ?? '00:00';
  let summaryAtMinute: number | null = null;
  if (summaryText.toLowerCase() !== 'off') {
    const m = /^(\d{1,2}):(\d\d)$/.exec(summaryText);
    const h = m ? Number(m[1]) : Number.NaN;
    const min = m ? Number(m[2]) : Number.NaN;
    if (!(h >= 0 && h <= 23 && min >= 0 && min <= 59)) {
      problems.push(`NOTIFY_SUMMARY_AT must be HH:MM (UTC) or off (got "${summaryText}")`);
    } else summaryAtMinute = h * 60 + min;
  }

  const config: NotifyConfig = {
    ...(webhookUrl ? { webhookUrl } : {}),
    ...(discordWebhookUrl ? { discordWebhookUrl } : {}),
    ...(telegram ? { telegram } : {}),
    fills,
    fillsEveryMs: int('NOTIFY_FILLS_EVERY_S', 60, 1, 86_400) * 1000,
    summaryAtMinute,
    dedupMs: int('NOTIFY_DEDUP_MINUTES', 10, 0, 1440) * 60_000,
    maxPerMinute: int('NOTIFY_MAX_PER_MINUTE', 20, 1, 600),
  };
  if (problems.length > 0) throw new NotifyConfigError(problems);
  return config;
}

/** The channel names configured (safe to log: no URL, no token). */
export function channelNames(c: NotifyConfig): string[] {
  return [
    c.webhookUrl ? 'webhook' : '',
    c.telegram ? 'telegram' : '',
    c.discordWebhookUrl ? 'discord' : '',
  ].filter(Boolean);
}
