/**
 * The structured logger every part of the runner uses, on `pino`: one JSON line per event,
 * `{level, ts, botId, cid, category, ...fields, duration, msg}` (pretty on a terminal, see sink.ts). Callers
 * see only the `Logger` interface below; the sink (stdout, a file, a test's array) is the composition root's
 * choice. Every line passes the redaction guard (redact.ts) before pino sees it.
 */
import pino from 'pino';
import { redactFields, redactText } from './redact.ts';
import { LOG_LEVEL_RANK, type LogCategory, type LogEvent, type LogLevel } from './types.ts';

/** What a log event hands to a listener (notifications): already redacted. */
export interface LoggedEvent {
  level: LogLevel;
  category: LogCategory;
  botId: string;
  cid: string | null;
  msg: string;
  fields: Record<string, unknown>;
}

export interface LoggerOptions {
  botId: string;
  /** A line sink (tests, tools): each JSON line, without its newline. Ignored when `root` is given. */
  write?: (line: string) => void;
  /** The runner's pino logger (sink.ts); this bot's lines are its child. */
  root?: pino.Logger;
  /** Epoch ms; defaults to Date.now. Only with `write` (a shared root has one clock). */
  now?: () => number;
  /** Events below this level are dropped (default 'debug': keep everything). */
  minLevel?: LogLevel;
  /** Sees every event written (after redaction), e.g. to notify on errors. */
  onEvent?: (e: LoggedEvent) => void;
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
const RESERVED = new Set(['ts', 'time', 'level', 'category', 'botId', 'cid', 'msg', 'duration']);

/** pino settings shared by every sink: level labels, an ISO `ts`, no pid/hostname (one runner per host). */
export function pinoOptions(now: () => number = Date.now): pino.LoggerOptions {
  return {
    level: 'debug',
    base: null,
    messageKey: 'msg',
    formatters: { level: (label) => ({ level: label }) },
    timestamp: () => `,"ts":"${new Date(now()).toISOString()}"`,
  };
}

export function createLogger(options: LoggerOptions): Logger {
  const root =
    options.root ??
    pino(pinoOptions(options.now), {
      write: (s: string) => options.write?.(s.endsWith('\n') ? s.slice(0, -1) : s),
    });
  const now = options.root ? Date.now : (options.now ?? Date.now);
  return makeLogger(root, options, now, null, undefined);
}

function makeLogger(
  root: pino.Logger,
  options: LoggerOptions,
  now: () => number,
  cid: string | null,
  startedAt: number | undefined,
): CycleLogger {
  const min = LOG_LEVEL_RANK[options.minLevel ?? 'debug'];
  // Bound once per child (pino does not merge a key bound twice: it would print both). Made on the first line
  // written: a cycle logger is made every cycle, and most cycles (the grid's, below info) write none.
  let child: pino.Logger | undefined;
  const pinoChild = (): pino.Logger => {
    if (child === undefined) {
      child = root.child({ botId: options.botId, cid });
      child.level = options.minLevel ?? 'debug';
    }
    return child;
  };
  const log = (level: LogLevel, category: LogCategory, msg: string, fields?: Record<string, unknown>) => {
    if (LOG_LEVEL_RANK[level] < min) return;
    const base = pinoChild();
    const obj: Record<string, unknown> = { category };
    const clean = redactFields(fields ?? {});
    for (const [k, v] of Object.entries(clean)) obj[RESERVED.has(k) ? `field_${k}` : k] = v;
    if (startedAt !== undefined) obj.duration = now() - startedAt;
    const text = redactText(msg);
    base[level](obj, text);
    options.onEvent?.({ level, category, botId: options.botId, cid, msg: text, fields: clean });
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
    cycle: (childCid) => makeLogger(root, options, now, childCid, now()),
    end: (fields) => {
      const duration = startedAt === undefined ? 0 : now() - startedAt;
      log('info', 'CYCLE', 'cycle end', fields);
      return duration;
    },
  };
  return logger;
}
