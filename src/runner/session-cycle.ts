/**
 * A session's decision cycles, each run once one is due (BotSession.cycle): read the venue account (skipped while
 * nothing moved), the venue's books where the engine checks liquidity, decide, record the verdict and the engine's
 * changed memory, send the commands while the lease is held, then let the engine check what they did. Every line a
 * cycle logs carries its correlation id (cid), its closing line the cycle's duration.
 */
import type { Verdict } from '../domain/intent.ts';
import type { OrderCommand } from '../domain/types.ts';
import type { CycleLogger, Logger } from '../log/logger.ts';
import type { VenuePort } from '../venue/port.ts';
import type { DecisionBooks, EngineDecision } from './bot-engine.ts';
import type { BotSeries } from './bot-series.ts';
import type { BotSession, SessionOptions } from './bot-session.ts';
import type { PendingWrites } from './pending-writes.ts';
import type { AccountReader } from './session-account.ts';
import type { MemoryNotes } from './session-memory.ts';

/** A key of a verdict without reasons, by kind (the verdict recorded only when its key changes). */
const BARE_VERDICT_KEY: Record<Verdict['kind'], string> = {
  APPROVE: 'APPROVE|',
  CLAMP: 'CLAMP|',
  REDUCE_ONLY: 'REDUCE_ONLY|',
  PAUSE: 'PAUSE|',
};

/**
 * The parts of its session a cycle works with beyond the session's own surface: the session's options it reads
 * (as SessionOptions documents them), its account reader and series, and its memory notes and write buffer.
 */
export interface CycleParts
  extends Pick<SessionOptions, 'liquidationPrice' | 'leaseHeld' | 'metrics' | 'log'> {
  account: AccountReader;
  series: BotSeries;
  /** The engine memory documents the session has written. */
  memory: MemoryNotes;
  /** The session's write buffer (made on first use). */
  writes: () => PendingWrites;
}

export class SessionCycles {
  /** The logger of the cycle being run (its lines carry the cycle's cid and duration), if one is. */
  current: CycleLogger | undefined;
  readonly #session: BotSession;
  readonly #parts: CycleParts;
  #count = 0;
  #verdictKey = '';
  #leaseWarned = false;

  constructor(session: BotSession, parts: CycleParts) {
    this.#session = session;
    this.#parts = parts;
  }

  /** Runs a cycle at `ts` (the bot's clock) for `trigger`; returns its decision. */
  async run(ts: number, trigger: string): Promise<EngineDecision> {
    const started = performance.now();
    const cid = `${this.#session.name}-${++this.#count}`;
    const log = this.#parts.log.cycle(cid);
    this.current = log;
    try {
      return await this.#run(ts, trigger, cid, log, started);
    } finally {
      this.current = undefined;
    }
  }

  async #run(
    ts: number,
    trigger: string,
    cid: string,
    log: CycleLogger,
    started: number,
  ): Promise<EngineDecision> {
    const s = this.#session;
    let account = this.#parts.account.current();
    if (account instanceof Promise) account = await account;
    const pendingBooks = this.#books();
    const books = pendingBooks === undefined ? undefined : await pendingBooks;
    const d = s.engine.decide(account, (i) => this.#parts.liquidationPrice(account, i), ts, trigger, books);
    s.lastDecision = d;
    if (d.ts > s.ts) s.ts = d.ts;
    this.#parts.series.decision(trigger);
    this.#parts.series.verdict(d.verdict.kind);
    if (d.log.length > 0) log.events(d.log);
    this.#recordVerdict(d.ts, d.verdict, cid, log);
    this.#parts.memory.note(s.engine.memory(), this.#parts.writes);
    if (d.commands.length > 0) {
      await this.send(d.ts, d.commands, cid);
      // The venue is the truth: re-read it and let the engine check what the commands did (spread: fills).
      let after = this.#parts.account.current();
      if (after instanceof Promise) after = await after;
      const checked = s.engine.afterSend(after);
      if (checked.length > 0) log.events(checked);
    }
    const ms = performance.now() - started;
    this.#parts.series.loop(ms / 1000);
    // One closing line per cycle with its `duration` (ms): info for the spread bot, debug for the grid's frequent
    // event-driven cycles (--log-level debug shows them; below it, not even its fields are made).
    const level = s.engine.cycleLogLevel;
    if (log.enabled(level)) {
      log.log(level, 'CYCLE', 'cycle end', {
        trigger,
        verdict: d.verdict.kind,
        commands: d.commands.length,
      });
    }
    return d;
  }

  /** The logger for lines of cycle `cid`: the running cycle's own, else a child stamped with that id. */
  #lineLog(cid: string): Logger {
    return this.current?.cid === cid ? this.current : this.#parts.log.cycle(cid);
  }

  /**
   * The venue's books of the markets the engine checks liquidity on (a failed read counts as unknown); no
   * promise when it checks none (the grid: every decision of every bot).
   */
  #books(): Promise<DecisionBooks> | undefined {
    const markets = this.#session.engine.bookMarkets;
    if (markets.length === 0) return undefined;
    return Promise.all(
      markets.map((i) =>
        this.#session.venue.orderBook(i).catch((err) => {
          this.#parts.metrics.rpcErrors.inc({ bot: this.#session.name });
          this.current?.warn('ORDER', `order book of market ${i} unavailable: ${String(err)}`);
          return undefined;
        }),
      ),
    );
  }

  /** Sends commands (journaled first, so the journal order is command → its events → its result). */
  async send(ts: number, commands: OrderCommand[], cid: string): Promise<boolean> {
    const s = this.#session;
    const metrics = this.#parts.metrics;
    if (!this.#parts.leaseHeld()) {
      if (!this.#leaseWarned) {
        this.#leaseWarned = true;
        metrics.leaseLost.inc({ bot: s.name });
        s.event('error', 'lease_lost', 'lease lost: this runner no longer sends orders for the bot', { cid });
      }
      return false;
    }
    for (const c of commands) {
      s.journal(ts, 'command', { cid, command: c });
      this.#parts.series.orderSent(c.kind);
    }
    let results: Awaited<ReturnType<VenuePort['execute']>>;
    try {
      results = await s.venue.execute(s.subaccountId, commands);
    } catch (err) {
      metrics.rpcErrors.inc({ bot: s.name });
      s.journal(ts, 'command_result', { cid, ok: false, error: String(err) });
      this.#lineLog(cid).error('ORDER', 'venue call failed', { error: String(err) });
      return false;
    }
    for (const r of results) {
      if (r.ok) continue;
      metrics.ordersRejected.inc({ bot: s.name, reason: r.reason });
      s.journal(ts, 'command_result', { cid, ok: false, reason: r.reason, detail: r.detail });
      this.#lineLog(cid).warn('ORDER', `rejected: ${r.reason}`, { detail: r.detail, kind: r.command.kind });
    }
    return true;
  }

  /** Journals the verdict; records it (a row, a log line, the API told) when it differs from the last one. */
  #recordVerdict(ts: number, v: Verdict, cid: string, log: Logger): void {
    this.#session.journal(ts, 'verdict', { cid, kind: v.kind, band: v.band, reasons: v.reasons });
    // a verdict without reasons (almost every decision) has its key ready: no string made per decision
    const key =
      v.reasons.length === 0
        ? BARE_VERDICT_KEY[v.kind]
        : `${v.kind}|${v.reasons.map((r) => `${r.rule}:${r.action}`).join(',')}`;
    if (key === this.#verdictKey) return;
    this.#verdictKey = key;
    const row = { ts, ...v };
    this.#parts.writes().verdicts.push(row);
    log.info('RISK', `verdict ${v.kind}`, {
      reasons: v.reasons.map((r) => `${r.rule}: ${r.message}`),
    });
    this.#session.onChange?.('verdict', { botId: this.#session.id, verdict: row });
  }
}
