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
import type { MarketEvent } from '../data/types.ts';
import type { Verdict } from '../domain/intent.ts';
import { quoteToInt } from '../domain/precision.ts';
import type { OrderCommand, VenueEvent } from '../domain/types.ts';
import type { CommandResult } from '../venue/port.ts';
import { SimExchange } from '../venue/sim/exchange.ts';
import type { FaultConfig, FaultCounts } from '../venue/sim/faults/fault-config.ts';
import { FaultyExchange } from '../venue/sim/faults/faulty-exchange.ts';
import { injectMarketFaults } from '../venue/sim/faults/market-faults.ts';
import { createPrng, deriveSeed } from '../venue/sim/faults/prng.ts';
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
  const primary = config.markets[0];
  const markets = new Map(config.markets.map((m) => [m.symbol, m]));
  const seen: MarketEvent[] = [];
  let bot: ChaosBot = createChaosBot(config, events, SPREAD_BPS);

  let bars = 0;
  let cycles = 0;
  let restarts = 0;
  let recovering = false;
  let lastNoRoomBar = Number.NEGATIVE_INFINITY;
  /** Largest one-bar oracle move (%) per market: this bar's and the previous bar's. */
  const moves = new Map<number, [number, number]>();
  let lastVerdict: Verdict | undefined;
  let liquidatedThisBar: { ts: number; marketIndex: number }[] = [];

  const consume = (truth: readonly VenueEvent[]): void => {
    for (const e of truth) {
      book.onEvent(e);
      if (e.type === 'liquidated') liquidatedThisBar.push({ ts: e.ts, marketIndex: e.marketIndex });
    }
    const heard = venue.deliver(truth);
    if (heard.length > 0) bot.onVenueEvents(heard);
  };

  const execute = (commands: OrderCommand[], ts: number): CommandResult[] | undefined => {
    const out = venue.execute(sub, commands, ts);
    consume(sim.drainEvents());
    const live = sim.openOrders(sub);
    monitor.onExecuted(ts, out.kind === 'done' ? out.results : undefined, live.length);
    if (out.kind !== 'done' || out.injectedRejects > 0) lastNoRoomBar = bars;
    return out.kind === 'done' && out.injectedRejects === 0 ? out.results : undefined;
  };

  for (const ev of events) {
    seen.push(ev);
    if (ev.type === 'funding') {
      sim.applyFundingRecord(ev.market, ev.record);
      bot.onFunding(ev.market, ev.record);
      consume(sim.drainEvents());
      continue;
    }
    const spec = markets.get(ev.market);
    if (!spec) continue;
    const before = sim.quote(spec.marketIndex)?.oracle;
    sim.onBar(ev.market, ev.candle, ev.intervalMs);
    const ts = ev.candle.ts + ev.intervalMs;
    const c = ev.candle;
    let move = 0;
    if (before !== undefined) {
      const prev = Number(before) / 1e6;
      for (const x of [c.low, c.high, c.oracleLow ?? c.low, c.oracleHigh ?? c.high]) {
        move = Math.max(move, (Math.abs(x - prev) / prev) * 100);
      }
    }
    const m = moves.get(spec.marketIndex);
    moves.set(spec.marketIndex, [move, m ? m[0] : 0]);
    consume(sim.drainEvents());
    bot.onBar(ev.market, ev.candle, ev.intervalMs);

    if (ev.market === primary.symbol) {
      bars++;
      const link = venue.onBar();
      if (link === 'healed') {
        restarts++;
        recovering = true;
        bot.restart(ts);
      }
      if (link !== 'up' && link !== 'healed') lastNoRoomBar = bars;
      if (crashPrng.chance(faults.crash)) {
        counts.crash++;
        restarts++;
        recovering = true;
        lastNoRoomBar = bars;
        bot = restartedBot(config, events, seen);
        bot.restart(ts);
      }
    }

    if (venue.connected) {
      const live = sim.openOrders(sub);
      const d = bot.decide(sim, sub, ts, recovering);
      if (d) lastVerdict = d.verdict;
      if (d) {
        cycles++;
        const positions = sim.positions(sub);
        monitor.onDecision(
          ts,
          d.verdict,
          d.commands,
          live,
          (i) => positions.find((p) => p.marketIndex === i)?.base ?? 0n,
        );
        if (d.commands.length > 0) {
          const results = execute(d.commands, ts);
          if (recovering && results) {
            monitor.onRecovered(ts, live, d.commands, results, sim.openOrders(sub));
            recovering = false;
          }
        } else if (recovering) {
          monitor.onRecovered(ts, live, [], [], sim.openOrders(sub));
          recovering = false;
        }
      }
    }

    if (ev.market === primary.symbol) {
      for (const l of liquidatedThisBar) {
        const mv = moves.get(l.marketIndex) ?? [0, 0];
        monitor.onLiquidation(
          l.ts,
          l.marketIndex,
          Math.max(mv[0], mv[1]),
          bars - lastNoRoomBar > NO_ROOM_BARS,
        );
      }
      liquidatedThisBar = [];
      if (venue.connected) {
        const acct = sim.account(sub);
        let notional = 0;
        for (const p of acct.positions) {
          const q = sim.quote(p.marketIndex);
          if (q) notional += Math.abs((Number(p.base) / 1e9) * (Number(q.oracle) / 1e6));
        }
        const equity = Number(acct.totalCollateral) / 1e6;
        const leverage = equity > 0 ? notional / equity : notional > 0 ? Number.POSITIVE_INFINITY : 0;
        monitor.onBar(ts, leverage, notional, lastVerdict?.kind === 'PAUSE');
        o.observe?.({
          ts,
          bar: bars,
          verdict: lastVerdict?.kind ?? '-',
          reasons: lastVerdict?.reasons.map((r) => `${r.rule}:${r.action}`).join(',') ?? '',
          leverage,
          notional,
          equity,
          positions: acct.positions.map((p) => `${p.marketIndex}:${Number(p.base) / 1e9}`).join(' '),
          liveOrders: acct.openOrders.length,
        });
      }
      if (bars % LEDGER_EVERY === 0) monitor.checkLedger(ts, book, sim, sub, deposit);
    }
  }
  sim.settleAllFunding(sub);
  consume(sim.drainEvents());
  monitor.checkLedger(sim.now, book, sim, sub, deposit);

  return {
    seed: o.seed,
    strategy: config.strategy,
    market: config.markets.map((m) => m.symbol).join('/'),
    bars,
    cycles,
    faults: counts,
    restarts,
    fills: book.fills,
    liquidations: book.liquidations,
    violations: monitor.violations,
    pausedOverCapBars: monitor.pausedOverCapBars,
  };
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
