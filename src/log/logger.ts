/**
 * A tiny structured JSON logger: one line per event,
 * `{ts, level, category, botId, cid, msg, ...fields, duration}` (`duration`: ms since the cycle began, on every
 * line of a cycle). The runner owns the sink (`write`) and the clock (`now`, injectable for tests); every line
 * passes the redaction guard first.
 */
import { redactFields, redactText } from './redact.ts';
import { LOG_LEVEL_RANK, type LogCategory, type LogEvent, type LogLevel } from './types.ts';

export interface LoggerOptions {
  write: (line: string) => void;
  botId: string;
  /** Epoch ms; defaults to Date.now. */
  now?: () => number;
  /** Events below this level are dropped (default 'debug': keep everything). */
  minLevel?: LogLevel;
}

type Emit = (category: LogCategory, msg: string, fields?: Record<string, unknown>) => void;

export interface Logger {
  log(level: LogLevel, category: LogCategory, msg: string, fields?: Record<string, unknown>): void;
  debug: Emit;
  info: Emit;
  warn: Emit;
  error: Emit;
  /** Writes events a decision function returned. */
  events(events: readonly LogEvent[]): void;
  /** A child for one cycle: its lines carry `cid` and `duration` (ms since the child was made). */
  cycle(cid: string): CycleLogger;
}

export interface CycleLogger extends Logger {
  readonly cid: string;
  /** Writes the cycle's closing line (category CYCLE) and returns its duration in ms. */
  end(fields?: Record<string, unknown>): number;
}

/** Keys the logger sets itself; a field with one of these names is written as `field_<name>`. */
const RESERVED = new Set(['ts', 'level', 'category', 'botId', 'cid', 'msg', 'duration']);

export function createLogger(options: LoggerOptions): Logger {
  return makeLogger(options, null, undefined);
}

function makeLogger(options: LoggerOptions, cid: string | null, startedAt: number | undefined): CycleLogger {
  const now = options.now ?? Date.now;
  const min = LOG_LEVEL_RANK[options.minLevel ?? 'debug'];

  const log = (level: LogLevel, category: LogCategory, msg: string, fields?: Record<string, unknown>) => {
    if (LOG_LEVEL_RANK[level] < min) return;
    const t = now();
    const line: Record<string, unknown> = {
      ts: new Date(t).toISOString(),
      level,
      category,
      botId: options.botId,
      cid,
      msg: redactText(msg),
    };
    for (const [k, v] of Object.entries(redactFields(fields ?? {}))) {
      line[RESERVED.has(k) ? `field_${k}` : k] = v;
    }
    if (startedAt !== undefined) line.duration = t - startedAt;
    options.write(JSON.stringify(line));
  };

  const logger: CycleLogger = {
    cid: cid ?? '',
    log,
    debug: (c, m, f) => log('debug', c, m, f),
    info: (c, m, f) => log('info', c, m, f),
    warn: (c, m, f) => log('warn', c, m, f),
    error: (c, m, f) => log('error', c, m, f),
    events: (events) => {
      for (const e of events) log(e.level, e.category, e.msg, e.fields);
    },
    cycle: (childCid) => makeLogger(options, childCid, now()),
    end: (fields) => {
      const duration = startedAt === undefined ? 0 : now() - startedAt;
      log('info', 'CYCLE', 'cycle end', fields);
      return duration;
    },
  };
  return logger;
}
