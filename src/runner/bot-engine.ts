/**
 * One face for the two shared decision pipelines (GridBot, SpreadBot) so the runner drives either the same
 * way: market data in, venue events in, `due` → `decide` → commands out. No I/O here; the BotSession does it.
 */
import { resolveGridSize, resolveSpreadSizes } from '../config/auto-size.ts';
import type { BotConfig } from '../config/bot-config.ts';
import type { Candle, FundingRecord } from '../data/types.ts';
import type { Verdict } from '../domain/intent.ts';
import type { MarketSpec } from '../domain/markets.ts';
import { baseToNumber } from '../domain/precision.ts';
import type { MarketSnapshot } from '../domain/snapshot.ts';
import type { AccountState, OrderCommand, VenueEvent } from '../domain/types.ts';
import { GridBot, gridRangeConfig } from '../engine/grid-bot.ts';
import type { AccountView, GridRiskMemory } from '../engine/grid-risk.ts';
import type { ManualControls } from '../engine/manual-controls.ts';
import { SpreadBot } from '../engine/spread-bot.ts';
import type { LogEvent, LogLevel } from '../log/types.ts';
import type { MarketDataHub } from '../marketdata/market-data-hub.ts';
import { legsFor } from '../strategies/spread/intents.ts';
import type { SpreadDirection } from '../strategies/spread/types.ts';
import type { L2Book } from '../venue/port.ts';

export interface VenueMarket {
  spec?: MarketSpec;
  reduceOnly: boolean;
  paused: boolean;
}

export interface EngineDecision {
  ts: number;
  trigger: string;
  verdict: Verdict;
  commands: OrderCommand[];
  log: LogEvent[];
  /** Grid: the blended range used. */
  range?: { lo: number; hi: number };
  /** Spread: shutting down and nothing left to close. */
  shutdownComplete?: boolean;
}

/** The venue's books of `bookMarkets`, in that order (undefined = the venue knows none). */
export type DecisionBooks = readonly (L2Book | undefined)[];

export interface BotEngine {
  readonly strategy: 'grid' | 'spread';
  readonly markets: readonly MarketSpec[];
  readonly manual: ManualControls;
  /** 'cancel': shutdown cancels orders, leaves positions (grid). 'close': closes positions (spread). */
  readonly shutdownMode: 'cancel' | 'close';
  /** Markets whose venue book a decision needs (spread: the liquidity check of both legs); none for the grid. */
  readonly bookMarkets: readonly number[];
  /**
   * Level of the cycle's closing line (with its duration): info for the spread bot — one cycle per interval, as
   * its seed promises — debug for the grid, whose event-driven decisions come many times a minute.
   */
  readonly cycleLogLevel: LogLevel;
  onBar(market: string, candle: Candle, intervalMs: number): void;
  onFunding(market: string, record: FundingRecord): void;
  /**
   * Live: the market as the venue has it now — its spec (tick, step, margins, fees) replaces the configured
   * one, and its status reaches the risk rules (reduce-only → G, paused → F).
   */
  onVenueMarket(market: string, m: VenueMarket): void;
  onVenueEvents(events: readonly VenueEvent[]): void;
  /**
   * Why a decision is due at `ts`, or null. With the last known account the grid notices a change of the risk
   * verdict at once (see GridBot.due).
   */
  due(
    ts: number,
    account?: AccountState,
    liquidationPrice?: (marketIndex: number) => bigint | undefined,
  ): string | null;
  decide(
    account: AccountState,
    liquidationPrice: (marketIndex: number) => bigint | undefined,
    ts: number,
    trigger: string,
    books?: DecisionBooks,
  ): EngineDecision;
  /** After the decision's commands were sent, with the venue's account re-read: what to log about them. */
  afterSend(account: AccountState): LogEvent[];
  /** (Re)started at `ts`: ramp in again. */
  restart(ts: number): void;
  /** Decide at the next opportunity (an operator command, a reconnect). */
  nudge(): void;
  /** Spread: the next decisions close positions and open nothing. */
  requestShutdown(): void;
  /** After a restart: take over what the venue shows (spread: which direction the legs hold). */
  adopt(account: AccountState): void;
  /**
   * Decision memory that must survive a restart, by key (grid: 'risk' = the daily-loss latch and the day's
   * starting equity); persisted when it changes, given back by `restoreMemory` before the first decision. A
   * value handed out is never changed afterwards (a changed memory is a new object), and the record itself is
   * the same object while none of its values changed: the session compares by object before it serialises.
   */
  memory(): Record<string, unknown>;
  restoreMemory(memory: Record<string, unknown>): void;
  /** History replayed before trading (restart or first start): market-data state only, no decisions. */
  warm(market: string, candle: Candle, intervalMs: number): void;
  snapshot(marketIndex: number): MarketSnapshot | undefined;
  lastVerdict(): Verdict | undefined;
  /** The strategy section in force, sizes resolved. */
  params(): Record<string, unknown>;
  /** Applies a changed objective (strategy section, execution policy, risk limits) from the next decision. */
  apply(config: BotConfig): void;
  /** The bot stopped: give back what it holds of the process's shared market data. */
  release?(): void;
  readonly grid?: GridBot;
  readonly spread?: SpreadBot;
}

/**
 * Creates the engine; `firstPrice` resolves 'auto' sizes (symbol → price). With `marketData`, a grid bot reads
 * the blended range shared by the bots on the same market, settings and stream (market-data-hub.ts) instead of
 * owning one; its decisions are the same either way.
 */
export function createEngine(
  config: BotConfig,
  firstPrice: (symbol: string) => number,
  startTs: number,
  spreadBps = 2,
  marketData?: MarketDataHub,
): BotEngine {
  return config.strategy === 'grid'
    ? gridEngine(config, firstPrice, startTs, spreadBps, marketData)
    : spreadEngine(config, firstPrice, spreadBps);
}

/** The spread engine keeps nothing across a restart: one empty memory, handed out every time. */
const NO_MEMORY: Record<string, unknown> = Object.freeze({});

function gridEngine(
  config: Extract<BotConfig, { strategy: 'grid' }>,
  firstPrice: (symbol: string) => number,
  startTs: number,
  spreadBps: number,
  marketData: MarketDataHub | undefined,
): BotEngine {
  const market = config.markets[0] as MarketSpec;
  const grid = resolveGridSize(config, firstPrice(market.symbol));
  // The range keeps the settings it was opened with (an objective change applies to the grid, not to the range).
  const shared = marketData?.range(market.symbol, gridRangeConfig(grid));
  const bot = new GridBot(
    { market, grid, execution: config.execution, risk: config.risk, spreadBps, startTs },
    shared,
  );
  return {
    strategy: 'grid',
    markets: config.markets,
    manual: bot.manual,
    shutdownMode: 'cancel',
    bookMarkets: [],
    cycleLogLevel: 'debug',
    grid: bot,
    onBar(m, candle, intervalMs) {
      if (m === market.symbol) bot.onBar(candle, intervalMs);
    },
    onFunding(m, record) {
      if (m === market.symbol) bot.onFunding(record);
    },
    onVenueMarket(m, v) {
      if (m === market.symbol) gridVenueMarket(bot, v);
    },
    onVenueEvents(events) {
      // Acks and cancels we caused ourselves need no new decision; fills, funding, rejects do.
      if (events.some((e) => e.type !== 'accepted' && e.type !== 'cancelled')) bot.onVenueEvent();
    },
    due: gridDue(bot, market.marketIndex),
    decide(account, liq, _ts, trigger) {
      const d = bot.decide(
        { account, liquidationPrice: liq(market.marketIndex) },
        trigger as Parameters<GridBot['decide']>[1],
      );
      return {
        ts: d.ts,
        trigger,
        verdict: d.verdict,
        commands: d.commands,
        log: [],
        range: { lo: d.lo, hi: d.hi },
      };
    },
    afterSend: () => [],
    release: () => shared?.release(),
    restart: (ts) => bot.restart(ts),
    nudge: () => bot.onVenueEvent(),
    requestShutdown() {},
    adopt() {},
    memory: gridMemory(bot),
    restoreMemory(m) {
      if (m.risk) bot.restoreRiskMemory(m.risk as GridRiskMemory);
    },
    warm(m, candle, intervalMs) {
      if (m === market.symbol) bot.onBar(candle, intervalMs);
    },
    snapshot: (i) => (i === market.marketIndex ? bot.snapshots.current : undefined),
    lastVerdict: () => bot.lastVerdict,
    params: () => ({ ...bot.setup.grid }),
    apply(next) {
      if (next.strategy !== 'grid') throw new Error('a grid bot stays a grid bot');
      const mark = bot.snapshots.current.mark;
      bot.setup.grid = resolveGridSize(next, mark > 0 ? mark : firstPrice(market.symbol));
      bot.setup.execution = next.execution;
      bot.setup.risk = next.risk;
      bot.onVenueEvent();
    },
  };
}

/** The grid's market as the venue has it now (BotEngine.onVenueMarket). */
function gridVenueMarket(bot: GridBot, v: VenueMarket): void {
  const s = bot.snapshots.current;
  // A status change is news for the risk rules: decide at the next opportunity.
  if (s.reduceOnly !== v.reduceOnly || (s.marketPaused ?? false) !== v.paused) bot.onVenueEvent();
  bot.snapshots.setReduceOnly(v.reduceOnly);
  bot.snapshots.setMarketPaused(v.paused);
  if (v.spec) bot.setup.market = v.spec;
}

/** The grid's due check (BotEngine.due) on the market `marketIndex`. */
function gridDue(bot: GridBot, marketIndex: number): BotEngine['due'] {
  // one view object per engine, filled in place: the check runs on every bar and keeps nothing of it
  let view: AccountView | undefined;
  return (_ts, account, liq) => {
    if (!account) return bot.due(undefined);
    const liquidationPrice = liq?.(marketIndex);
    if (view === undefined) view = { account, liquidationPrice };
    else {
      view.account = account;
      view.liquidationPrice = liquidationPrice;
    }
    return bot.due(view);
  };
}

/** The grid's memory (BotEngine.memory): the same object while the risk memory is (the session skips it then). */
function gridMemory(bot: GridBot): BotEngine['memory'] {
  let memory: { risk: GridRiskMemory } | undefined;
  return () => {
    const risk = bot.riskMemory();
    if (memory?.risk !== risk) memory = { risk };
    return memory;
  };
}

function spreadEngine(
  config: Extract<BotConfig, { strategy: 'spread' }>,
  firstPrice: (symbol: string) => number,
  spreadBps: number,
): BotEngine {
  const [drift, kmno] = config.markets as [MarketSpec, MarketSpec];
  const bot = new SpreadBot({
    markets: [drift, kmno],
    spread: resolveSpreadSizes(config, firstPrice(drift.symbol), firstPrice(kmno.symbol)),
    execution: config.execution,
    risk: config.risk,
    spreadBps,
  });
  const pending: VenueEvent[] = [];
  return {
    strategy: 'spread',
    markets: config.markets,
    manual: bot.manual,
    shutdownMode: config.spread.closeOnShutdown ? 'close' : 'cancel',
    bookMarkets: [drift.marketIndex, kmno.marketIndex],
    cycleLogLevel: 'info',
    spread: bot,
    onBar: (m, c, i) => bot.onBar(m, c, i),
    onFunding: (m, r) => bot.onFunding(m, r),
    onVenueMarket: (m, v) => spreadVenueMarket(bot, m, v),
    onVenueEvents(events) {
      pending.push(...events);
    },
    due: (ts) => (bot.due(ts) ? 'cycle' : null),
    decide(account, liq, ts, trigger, books) {
      bot.onVenueEvents(pending.splice(0));
      const d = bot.decide({ account, liquidationPrice: liq, books }, ts);
      return {
        ts: d.ts,
        trigger,
        verdict: d.verdict,
        commands: d.commands,
        log: d.log,
        shutdownComplete: d.shutdownComplete,
      };
    },
    afterSend(account) {
      // Venue refusals that arrived during the send explain a leg that did not fill.
      bot.onVenueEvents(pending.splice(0));
      return bot.verifyFills(account);
    },
    restart() {},
    nudge() {},
    requestShutdown: () => bot.shutdown(),
    memory: () => NO_MEMORY,
    restoreMemory() {},
    adopt: (account) => adoptSpread(bot, account, drift.marketIndex, kmno.marketIndex),
    warm: (m, candle, intervalMs) => bot.warm(m, candle, intervalMs),
    snapshot: (i) =>
      i === drift.marketIndex
        ? bot.snapshots[0].current
        : i === kmno.marketIndex
          ? bot.snapshots[1].current
          : undefined,
    lastVerdict: () => bot.lastVerdict,
    params: () => ({ ...bot.setup.spread }),
    apply(next) {
      if (next.strategy !== 'spread') throw new Error('a spread bot stays a spread bot');
      const m0 = bot.snapshots[0].current.mark;
      const m1 = bot.snapshots[1].current.mark;
      bot.setup.spread = resolveSpreadSizes(
        next,
        m0 > 0 ? m0 : firstPrice(drift.symbol),
        m1 > 0 ? m1 : firstPrice(kmno.symbol),
      );
      bot.setup.execution = next.execution;
      bot.setup.risk = next.risk;
    },
  };
}

/** A leg's market as the venue has it now (BotEngine.onVenueMarket); other markets are ignored. */
function spreadVenueMarket(bot: SpreadBot, market: string, v: VenueMarket): void {
  const i = bot.setup.markets.findIndex((x) => x.symbol === market);
  if (i < 0) return;
  bot.snapshots[i].setReduceOnly(v.reduceOnly);
  bot.snapshots[i].setMarketPaused(v.paused);
  if (v.spec) bot.setup.markets[i] = v.spec;
}

/**
 * After a restart the spread bot holds what the venue shows (BotEngine.adopt): the direction whose legs (on the
 * markets `driftIndex`, `kmnoIndex`) match both positions within 5%; unrecognised positions stay with holding
 * FLAT, and the cycle's reconcile closes them.
 */
function adoptSpread(bot: SpreadBot, account: AccountState, driftIndex: number, kmnoIndex: number): void {
  const base = (i: number) => baseToNumber(account.positions.find((p) => p.marketIndex === i)?.base ?? 0n);
  const d = base(driftIndex);
  const k = base(kmnoIndex);
  const near = (a: number, b: number) => Math.abs(a - b) <= Math.abs(b) * 0.05 + 1e-9;
  let holding: SpreadDirection = 'FLAT';
  for (const dir of ['LONG', 'SHORT'] as const) {
    const legs = legsFor(dir, bot.setup.spread);
    if (near(d, legs.driftBase) && near(k, legs.kmnoBase)) holding = dir;
  }
  bot.state = {
    ...bot.state,
    holding,
    intended: legsFor(holding, bot.setup.spread),
    confirm: { confirmed: holding, candidate: null, streak: 0 },
  };
}
