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
  /** Whether a line at `level` is written (lets a hot path skip building a line nobody reads). */
  enabled(level: LogLevel): boolean;
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
  return new PinoCycleLogger(root, options, now, cid, startedAt);
}

/**
 * One logger (a cycle's, or the root's with no cid). A class, not an object of closures: a cycle logger is made
 * every cycle of every bot (~8 closures each was half a KiB of garbage a decision in a 1,000-bot fleet), and most
 * cycles write nothing. `log` and the level methods may be passed around as functions; call `events`, `cycle`
 * and `end` on the logger.
 */
class PinoCycleLogger implements CycleLogger {
  readonly cid: string;
  readonly #root: pino.Logger;
  readonly #options: LoggerOptions;
  readonly #now: () => number;
  readonly #cidOrNull: string | null;
  readonly #startedAt: number | undefined;
  readonly #min: number;
  /**
   * Bound once per child (pino does not merge a key bound twice: it would print both). Made on the first line
   * written: a cycle logger is made every cycle, and most cycles (the grid's, below info) write none.
   */
  #child: pino.Logger | undefined;

  constructor(
    root: pino.Logger,
    options: LoggerOptions,
    now: () => number,
    cid: string | null,
    startedAt: number | undefined,
  ) {
    this.cid = cid ?? '';
    this.#root = root;
    this.#options = options;
    this.#now = now;
    this.#cidOrNull = cid;
    this.#startedAt = startedAt;
    this.#min = LOG_LEVEL_RANK[options.minLevel ?? 'debug'];
  }

  #pinoChild(): pino.Logger {
    if (this.#child === undefined) {
      this.#child = this.#root.child({ botId: this.#options.botId, cid: this.#cidOrNull });
      this.#child.level = this.#options.minLevel ?? 'debug';
    }
    return this.#child;
  }

  log = (level: LogLevel, category: LogCategory, msg: string, fields?: Record<string, unknown>): void => {
    if (LOG_LEVEL_RANK[level] < this.#min) return;
    const base = this.#pinoChild();
    const obj: Record<string, unknown> = { category };
    const clean = redactFields(fields ?? {});
    for (const [k, v] of Object.entries(clean)) obj[RESERVED.has(k) ? `field_${k}` : k] = v;
    if (this.#startedAt !== undefined) obj.duration = this.#now() - this.#startedAt;
    const text = redactText(msg);
    base[level](obj, text);
    this.#options.onEvent?.({
      level,
      category,
      botId: this.#options.botId,
      cid: this.#cidOrNull,
      msg: text,
      fields: clean,
    });
  };

  enabled(level: LogLevel): boolean {
    return LOG_LEVEL_RANK[level] >= this.#min;
  }

  get debug(): Emit {
    return (c, m, f) => this.log('debug', c, m, f);
  }
  get info(): Emit {
    return (c, m, f) => this.log('info', c, m, f);
  }
  get warn(): Emit {
    return (c, m, f) => this.log('warn', c, m, f);
  }
  get error(): Emit {
    return (c, m, f) => this.log('error', c, m, f);
  }

  events(events: readonly LogEvent[]): void {
    for (const e of events) this.log(e.level, e.category, e.msg, e.fields);
  }

  cycle(childCid: string): CycleLogger {
    return makeLogger(this.#root, this.#options, this.#now, childCid, this.#now());
  }

  end(fields?: Record<string, unknown>): number {
    const duration = this.#startedAt === undefined ? 0 : this.#now() - this.#startedAt;
    this.log('info', 'CYCLE', 'cycle end', fields);
    return duration;
  }
}
