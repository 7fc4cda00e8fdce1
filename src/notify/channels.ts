/**
 * The three channels, each one plain HTTPS POST with fetch (no SDK):
 * - webhook: `{source, kind, severity, botId, title, text, lines, ts}` to NOTIFY_WEBHOOK_URL;
 * - Telegram: Bot API `sendMessage` (https://core.telegram.org/bots/api#sendmessage), plain text ≤ 4096 chars;
 * - Discord: an incoming webhook (https://discord.com/developers/docs/resources/webhook#execute-webhook),
 *   `content` ≤ 2000 chars, mentions disabled.
 * A send answers ok, retry (network error, 5xx, 429 with the server's wait) or give up (other 4xx). Error
 * texts are scrubbed of the channel's secrets (token, URL) before anyone sees them.
 */
import type { NotifyConfig } from './config.ts';
import { type NotifyMessage, renderText } from './message.ts';

export type SendResult = { ok: true } | { ok: false; retry: boolean; retryAfterMs?: number; error: string };

export interface Channel {
  readonly name: string;
  /** `note` is appended to the text (e.g. how many messages the rate limit dropped). */
  send(m: NotifyMessage, note?: string): Promise<SendResult>;
}

const TIMEOUT_MS = 10_000;

/** Replaces every secret (and its URL-encoded form) in `text`. */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) {
    if (s.length < 4) continue;
    out = out.split(s).join('[redacted]').split(encodeURIComponent(s)).join('[redacted]');
  }
  return out;
}

/** Seconds from a Retry-After header or a JSON body (Telegram `parameters.retry_after`, Discord `retry_after`). */
function retryAfterMs(res: Response, body: unknown): number | undefined {
  const header = Number(res.headers.get('retry-after'));
  if (Number.isFinite(header) && header > 0) return header * 1000;
  const b = body as { retry_after?: unknown; parameters?: { retry_after?: unknown } } | null;
  const v = Number(b?.parameters?.retry_after ?? b?.retry_after);
  return Number.isFinite(v) && v > 0 ? v * 1000 : undefined;
}

async function post(url: string, payload: unknown, secrets: readonly string[]): Promise<SendResult> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'zero-perps' },
      body: JSON.stringify(payload),
      signal: AbortSignal.timeout(TIMEOUT_MS),
      redirect: 'error',
    });
  } catch (err) {
    const e = err as Error & { cause?: { message?: string; code?: string } };
    const why = e.cause?.code ?? e.cause?.message ?? e.message;
    return { ok: false, retry: true, error: scrub(`request failed: ${why}`, secrets) };
  }
  const text = await res.text().catch(() => '');
  if (res.ok) return { ok: true };
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: the status says enough
  }
  const desc =
    (body as { description?: unknown; message?: unknown } | null)?.description ??
    (body as { message?: unknown } | null)?.message;
  const error = scrub(
    `HTTP ${res.status}${typeof desc === 'string' ? `: ${desc.slice(0, 200)}` : ''}`,
    secrets,
  );
  if (res.status === 429) return { ok: false, retry: true, retryAfterMs: retryAfterMs(res, body), error };
  return { ok: false, retry: res.status >= 500, error };
}

export function webhookChannel(url: string): Channel {
  return {
    name: 'webhook',
    send: (m, note) =>
      post(
        url,
        {
          source: 'zero-perps',
          kind: m.kind,
          severity: m.severity,
          botId: m.botId ?? null,
          title: m.title,
          lines: note ? [...m.lines, note] : m.lines,
          text: renderText(m, 10_000, note),
          ts: m.ts,
        },
        [url],
      ),
  };
}

export function telegramChannel(t: { token: string; chatId: string; apiUrl: string }): Channel {
  const url = `${t.apiUrl}/bot${t.token}/sendMessage`;
  return {
    name: 'telegram',
    send: (m, note) =>
      post(
        url,
        {
          chat_id: t.chatId,
          text: renderText(m, 4096, note),
          disable_web_page_preview: true,
          // Info-level messages arrive silently; warnings and emergencies make a sound.
          disable_notification: m.severity === 'info',
        },
        [t.token, url],
      ),
  };
}

export function discordChannel(webhookUrl: string): Channel {
  return {
    name: 'discord',
    send: (m, note) =>
      post(
        webhookUrl,
        { content: renderText(m, 2000, note), username: 'zero-perps', allowed_mentions: { parse: [] } },
        [webhookUrl, new URL(webhookUrl).pathname, webhookUrl.split('/').pop() ?? ''],
      ),
  };
}

export function channelsFor(c: NotifyConfig): Channel[] {
  const out: Channel[] = [];
  if (c.webhookUrl) out.push(webhookChannel(c.webhookUrl));
  if (c.telegram) out.push(telegramChannel(c.telegram));
  if (c.discordWebhookUrl) out.push(discordChannel(c.discordWebhookUrl));
  return out;
}
