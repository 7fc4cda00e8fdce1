/**
 * One seeded chaos run: a bot (GridBot or SpreadBot, the shared pipelines) driven synchronously against
 * SimExchange as the backtest drives it, but through FaultyExchange and a faulty market feed, with crashes
 * (a new bot process that warms up on recent history) — then the invariants (invariants.ts).
 * Deterministic: the same seed and bar count give the same run, fault for fault.
 */

import {
  type BacktestBot as ChaosBot,
  createBacktestBot as createChaosBot,
} from '../backtest/backtest-bot.ts';
import { PnlBook } from '../backtest/pnl-book.ts';
import type { BotConfig } from '../config/bot-config.ts';
import type { Candle, MarketEvent } from '../data/types.ts';
import type { Verdict } from '../domain/intent.ts';
import type { MarketSpec } from '../domain/markets.ts';
import { quoteToInt } from '../domain/precision.ts';
import type { OrderCommand, VenueEvent } from '../domain/types.ts';
import type { CommandResult } from '../venue/port.ts';
import { SimExchange } from '../venue/sim/exchange.ts';
import type { FaultConfig, FaultCounts } from '../venue/sim/faults/fault-config.ts';
import { FaultyExchange } from '../venue/sim/faults/faulty-exchange.ts';
import { injectMarketFaults } from '../venue/sim/faults/market-faults.ts';
import { createPrng, deriveSeed, type Prng } from '../venue/sim/faults/prng.ts';
import { InvariantMonitor, type Violation } from './invariants.ts';
import { buildScenario, type ChaosStrategy } from './scenario.ts';

export interface ChaosRunOptions {
  seed: number;
  /** Primary-market bars (1 minute each). */
  bars: number;
  strategy?: ChaosStrategy;
  /** Overrides the scenario's fault mix. */
  faults?: FaultConfig;
  /** Called at the end of every connected primary bar (for --trace and debugging). */
  observe?: (row: ChaosTraceRow) => void;
}

export interface ChaosTraceRow {
  ts: number;
  bar: number;
  verdict: string;
  reasons: string;
  leverage: number;
  notional: number;
  equity: number;
  positions: string;
  liveOrders: number;
}

export interface ChaosRunResult {
  seed: number;
  strategy: ChaosStrategy;
  market: string;
  bars: number;
  /** Decisions made (one decision cycle each). */
  cycles: number;
  faults: FaultCounts;
  /** Reconnects plus crash restarts. */
  restarts: number;
  fills: number;
  liquidations: number;
  violations: Violation[];
  /** Bars above a cap under PAUSE (see InvariantMonitor.pausedOverCapBars). */
  pausedOverCapBars: number;
}

const SPREAD_BPS = 2;
/** Bars of history a restarted bot re-reads before it decides (its 1h range window and then some). */
const WARMUP_BARS = 240;
/** Bars before a liquidation in which a fault excuses it (the bot could not act). */
const NO_ROOM_BARS = 2;
/** Ledger is checked every this many primary bars, and at the end. */
const LEDGER_EVERY = 500;

export function runChaos(o: ChaosRunOptions): ChaosRunResult {
  const run = startChaosRun(o);
  for (const ev of run.events) {
    run.seen.push(ev);
    if (ev.type === 'funding') {
      run.sim.applyFundingRecord(ev.market, ev.record);
      run.bot.onFunding(ev.market, ev.record);
      consume(run, run.sim.drainEvents());
      continue;
    }
    const spec = run.markets.get(ev.market);
    if (!spec) continue;
    const ts = replayBar(run, ev, spec);
    if (ev.market === run.primary.symbol) applyLinkAndCrashFaults(run, ts);
    if (run.venue.connected) decideAndExecute(run, ts);
    if (ev.market === run.primary.symbol) closePrimaryBar(run, ts, o.observe);
  }
  const { config, sim, sub, monitor, book } = run;
  sim.settleAllFunding(sub);
  consume(run, sim.drainEvents());
  monitor.checkLedger(sim.now, book, sim, sub, run.deposit);

  return {
    seed: o.seed,
    strategy: config.strategy,
    market: config.markets.map((m) => m.symbol).join('/'),
    bars: run.bars,
    cycles: run.cycles,
    faults: run.counts,
    restarts: run.restarts,
    fills: book.fills,
    liquidations: book.liquidations,
    violations: monitor.violations,
    pausedOverCapBars: monitor.pausedOverCapBars,
  };
}

/** One run's wiring (set up once) and its running state (the bot, which a crash replaces, and the tallies). */
interface ChaosRun {
  readonly config: BotConfig;
  readonly faults: FaultConfig;
  readonly sim: SimExchange;
  readonly venue: FaultyExchange;
  readonly counts: FaultCounts;
  /** The scenario's events with the market faults injected. */
  readonly events: readonly MarketEvent[];
  readonly sub: number;
  readonly deposit: bigint;
  readonly monitor: InvariantMonitor;
  readonly book: PnlBook;
  readonly crashPrng: Prng;
  readonly primary: MarketSpec;
  readonly markets: ReadonlyMap<string, MarketSpec>;
  /** Every event so far: a restarted bot warms up on its tail. */
  readonly seen: MarketEvent[];
  bot: ChaosBot;
  bars: number;
  cycles: number;
  restarts: number;
  recovering: boolean;
  lastNoRoomBar: number;
  /** Largest one-bar oracle move (%) per market: this bar's and the previous bar's. */
  readonly moves: Map<number, [number, number]>;
  lastVerdict: Verdict | undefined;
  liquidatedThisBar: { ts: number; marketIndex: number }[];
}

/** The scenario, the faulty venue over the simulator, the funded subaccount and a fresh bot. */
function startChaosRun(o: ChaosRunOptions): ChaosRun {
  const scenario = buildScenario(o.seed, o.bars, o.strategy);
  const { config } = scenario;
  const faults = o.faults ?? scenario.faults;
  const sim = new SimExchange({
    markets: config.markets,
    spreadBps: SPREAD_BPS,
    fundingMode: 'replay',
    participation: faults.participation,
  });
  const venue = new FaultyExchange(sim, faults, o.seed);
  const counts = venue.counts;
  if (faults.participation > 0) counts.partialFill++;
  const { events } = injectMarketFaults(scenario.events, faults.market, o.seed, counts);
  const sub = sim.createSubaccount(config.name);
  const deposit = quoteToInt(config.collateral);
  sim.deposit(sub, deposit);
  const monitor = new InvariantMonitor(config.risk);
  const book = new PnlBook();
  const crashPrng = createPrng(deriveSeed(o.seed, 51));
  return {
    config,
    faults,
    sim,
    venue,
    counts,
    events,
    sub,
    deposit,
    monitor,
    book,
    crashPrng,
    primary: config.markets[0],
    markets: new Map(config.markets.map((m) => [m.symbol, m])),
    seen: [],
    bot: createChaosBot(config, events, SPREAD_BPS),
    bars: 0,
    cycles: 0,
    restarts: 0,
    recovering: false,
    lastNoRoomBar: Number.NEGATIVE_INFINITY,
    moves: new Map(),
    lastVerdict: undefined,
    liquidatedThisBar: [],
  };
}

/** The simulator's true events: booked, liquidations noted, and what the faulty link lets through heard by the bot. */
function consume(run: ChaosRun, truth: readonly VenueEvent[]): void {
  for (const e of truth) {
    run.book.onEvent(e);
    if (e.type === 'liquidated') run.liquidatedThisBar.push({ ts: e.ts, marketIndex: e.marketIndex });
  }
  const heard = run.venue.deliver(truth);
  if (heard.length > 0) run.bot.onVenueEvents(heard);
}

/** Runs commands through the faulty venue; the results only when every command really ran. */
function execute(run: ChaosRun, commands: OrderCommand[], ts: number): CommandResult[] | undefined {
  const { sim, sub } = run;
  const out = run.venue.execute(sub, commands, ts);
  consume(run, sim.drainEvents());
  const live = sim.openOrders(sub);
  run.monitor.onExecuted(ts, out.kind === 'done' ? out.results : undefined, live.length);
  if (out.kind !== 'done' || out.injectedRejects > 0) run.lastNoRoomBar = run.bars;
  return out.kind === 'done' && out.injectedRejects === 0 ? out.results : undefined;
}

/** One market's bar into the simulator and the bot, its oracle move noted. Returns the bar's close time. */
function replayBar(run: ChaosRun, ev: MarketBarEvent, spec: MarketSpec): number {
  const { sim } = run;
  const before = sim.quote(spec.marketIndex)?.oracle;
  sim.onBar(ev.market, ev.candle, ev.intervalMs);
  const ts = ev.candle.ts + ev.intervalMs;
  const move = oracleMovePct(before, ev.candle);
  const m = run.moves.get(spec.marketIndex);
  run.moves.set(spec.marketIndex, [move, m ? m[0] : 0]);
  consume(run, sim.drainEvents());
  run.bot.onBar(ev.market, ev.candle, ev.intervalMs);
  return ts;
}

type MarketBarEvent = Extract<MarketEvent, { type: 'bar' }>;

/** The largest move (%) from the previous oracle price to any of the candle's extremes; 0 on the first bar. */
function oracleMovePct(before: bigint | undefined, c: Candle): number {
  let move = 0;
  if (before !== undefined) {
    const prev = Number(before) / 1e6;
    for (const x of [c.low, c.high, c.oracleLow ?? c.low, c.oracleHigh ?? c.high]) {
      move = Math.max(move, (Math.abs(x - prev) / prev) * 100);
    }
  }
  return move;
}

/** A primary bar's link and crash faults: a healed link or a crash restarts the bot, which then recovers. */
function applyLinkAndCrashFaults(run: ChaosRun, ts: number): void {
  run.bars++;
  const link = run.venue.onBar();
  if (link === 'healed') {
    run.restarts++;
    run.recovering = true;
    run.bot.restart(ts);
  }
  if (link !== 'up' && link !== 'healed') run.lastNoRoomBar = run.bars;
  if (run.crashPrng.chance(run.faults.crash)) {
    run.counts.crash++;
    run.restarts++;
    run.recovering = true;
    run.lastNoRoomBar = run.bars;
    run.bot = restartedBot(run.config, run.events, run.seen);
    run.bot.restart(ts);
  }
}

/** One decision cycle while connected: checked by the monitor, executed, and a recovery confirmed. */
function decideAndExecute(run: ChaosRun, ts: number): void {
  const { sim, sub, monitor } = run;
  const live = sim.openOrders(sub);
  const d = run.bot.decide(sim, sub, ts, run.recovering);
  if (d) run.lastVerdict = d.verdict;
  if (d) {
    run.cycles++;
    const positions = sim.positions(sub);
    monitor.onDecision(
      ts,
      d.verdict,
      d.commands,
      live,
      (i) => positions.find((p) => p.marketIndex === i)?.base ?? 0n,
    );
    if (d.commands.length > 0) {
      const results = execute(run, d.commands, ts);
      if (run.recovering && results) {
        monitor.onRecovered(ts, live, d.commands, results, sim.openOrders(sub));
        run.recovering = false;
      }
    } else if (run.recovering) {
      monitor.onRecovered(ts, live, [], [], sim.openOrders(sub));
      run.recovering = false;
    }
  }
}

/** The end of a primary bar: its liquidations judged, the account measured (when connected), the ledger checked. */
function closePrimaryBar(run: ChaosRun, ts: number, observe: ChaosRunOptions['observe']): void {
  for (const l of run.liquidatedThisBar) {
    const mv = run.moves.get(l.marketIndex) ?? [0, 0];
    run.monitor.onLiquidation(
      l.ts,
      l.marketIndex,
      Math.max(mv[0], mv[1]),
      run.bars - run.lastNoRoomBar > NO_ROOM_BARS,
    );
  }
  run.liquidatedThisBar = [];
  if (run.venue.connected) measureAccount(run, ts, observe);
  if (run.bars % LEDGER_EVERY === 0) run.monitor.checkLedger(ts, run.book, run.sim, run.sub, run.deposit);
}

/** The account's leverage and notional for the monitor, and the bar's trace row for `observe`. */
function measureAccount(run: ChaosRun, ts: number, observe: ChaosRunOptions['observe']): void {
  const { sim, lastVerdict } = run;
  const acct = sim.account(run.sub);
  let notional = 0;
  for (const p of acct.positions) {
    const q = sim.quote(p.marketIndex);
    if (q) notional += Math.abs((Number(p.base) / 1e9) * (Number(q.oracle) / 1e6));
  }
  const equity = Number(acct.totalCollateral) / 1e6;
  const leverage = equity > 0 ? notional / equity : notional > 0 ? Number.POSITIVE_INFINITY : 0;
  run.monitor.onBar(ts, leverage, notional, lastVerdict?.kind === 'PAUSE');
  observe?.({
    ts,
    bar: run.bars,
    verdict: lastVerdict?.kind ?? '-',
    reasons: lastVerdict?.reasons.map((r) => `${r.rule}:${r.action}`).join(',') ?? '',
    leverage,
    notional,
    equity,
    positions: acct.positions.map((p) => `${p.marketIndex}:${Number(p.base) / 1e9}`).join(' '),
    liveOrders: acct.openOrders.length,
  });
}

/** A crashed bot's replacement: a fresh process that re-reads the last WARMUP_BARS bars of each market. */
function restartedBot(
  config: Parameters<typeof createChaosBot>[0],
  all: readonly MarketEvent[],
  seen: readonly MarketEvent[],
): ChaosBot {
  const bot = createChaosBot(config, all, SPREAD_BPS);
  const from = Math.max(0, seen.length - WARMUP_BARS * config.markets.length);
  for (let i = from; i < seen.length; i++) {
    const e = seen[i] as MarketEvent;
    if (e.type === 'bar') bot.onBar(e.market, e.candle, e.intervalMs);
    else bot.onFunding(e.market, e.record);
  }
  return bot;
}
