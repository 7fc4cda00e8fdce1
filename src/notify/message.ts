/** A notification as the runner composes it; each channel renders it its own way. */

export type NotifyKind = 'verdict' | 'fills' | 'emergency' | 'error' | 'summary' | 'test';
export type Severity = 'info' | 'warn' | 'critical';

export interface NotifyMessage {
  kind: NotifyKind;
  severity: Severity;
  /** The bot it is about; absent for runner-wide messages (the daily summary). */
  botId?: string;
  /** One line. */
  title: string;
  /** Details, one per line. */
  lines: string[];
  /** Messages with the same key within the dedup window are sent once. */
  dedupKey: string;
  /** Wall-clock ms when it was composed. */
  ts: number;
}

const MARK: Record<Severity, string> = { info: 'ℹ️', warn: '⚠️', critical: '🚨' };

/** Plain text (no markup, so nothing needs escaping), cut to `max` characters. */
export function renderText(m: NotifyMessage, max: number, note?: string): string {
  const text = [`${MARK[m.severity]} ${m.title}`, ...m.lines, ...(note ? [note] : [])].join('\n');
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
