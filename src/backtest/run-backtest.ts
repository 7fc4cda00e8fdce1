/**
 * The backtest driver: replays a time-ordered market event stream through SimVenue and a bot, synchronously
 * and as fast as the CPU allows, and returns the report. No I/O and no database: the caller loads files and
 * writes reports. The bot code is the same the paper and live runners use; only this loop is backtest-only.
 */

import type { BotConfig } from '../config/bot-config.ts';
import type { MarketEventSeq } from '../data/event-tape.ts';
import { eventTime } from '../data/merge.ts';
import type { MarketEvent } from '../data/types.ts';
import { quoteToInt, quoteToNumber } from '../domain/precision.ts';
import type { OrderCommand, VenueEvent } from '../domain/types.ts';
import type { RangeSource } from '../marketdata/blended-range.ts';
import { ResearchTape } from '../research/metrics/research-tape.ts';
import { SimExchange, type SimExchangeOptions } from '../venue/sim/exchange.ts';
import { type BacktestBot, createBacktestBot } from './backtest-bot.ts';
import { BarMeasures, oracleIntegerOf } from './bar-measures.ts';
import { PnlBook } from './pnl-book.ts';
import { reportFillOf } from './report-fills.ts';
import type { BacktestReport, ReportFill } from './report-types.ts';
import { scanEvents } from './scan-events.ts';
import type { Timeline } from './timeline.ts';

export interface BacktestOptions {
  config: BotConfig;
  /** Time-ordered events: an array (mergeMarketEvents) or a tape by column (mergeEventTape, the CLI's). */
  events: MarketEventSeq;
  /** True when funding records were given: the simulator replays them instead of computing Drift's formula. */
  replayFunding: boolean;
  /** Keep every n-th timeline row (1 = all). */
  sample?: number;
  /**
   * Keep the per-bar timeline in the report (default true). Without it the run keeps only the chart's rows
   * (chart-rows.ts): a year of 1-minute bars then spends neither the ~70 MB of columns nor the per-bar row.
   */
  timeline?: boolean;
  /** Full synthetic bid/ask spread around the mark, bps. Default 2. */
  spreadBps?: number;
  /** Called now and then with (events done, events total). */
  onProgress?: (done: number, total: number) => void;
  /** Wall clock for the speed figures; injected so reports can be compared byte for byte in tests. */
  now?: () => number;
  /**
   * Events before this time only prime the venue and the bot (no decisions, no report rows), and the bot
   * (re)starts its ramp-in when they end — exactly as the paper runner warms up before it trades. Used to
   * replay a paper session through the backtest engine.
   */
  warmupUntil?: number;
  /** The simulator's maker fill rule and queue assumption (default trade-through; docs/sim-venue.md). */
  fillModel?: SimExchangeOptions['makerFill'];
  queue?: SimExchangeOptions['queue'];
  /** Every decision that produced commands, in order (replay comparisons, debugging). */
  onDecision?: (ts: number, commands: readonly OrderCommand[]) => void;
  /**
   * A grid's blended range computed elsewhere (RangeThread, marketdata/range-thread.ts): fed every bar of the
   * grid's market in `events`, in order, with the grid's percentiles and weights. Default: the bot's own.
   */
  range?: RangeSource;
  /**
   * A grid's risk pre-check may answer a quiet bar from its certificate (engine/risk-certificate.ts) instead of
   * reading the account (default true). False reads the account on every bar: the same report, slower — the
   * certificate's cross-check.
   */
  riskCertificate?: boolean;
  /**
   * A bar that writes no report row may skip reading the margin and liquidation price when the extremes
   * certificate (extremes-certificate.ts) proves they cannot move the run's extremes (default true). False reads
   * them on every bar: the same report, slower — the certificate's cross-check.
   */
  extremesCertificate?: boolean;
}

/** A report that kept its per-bar timeline (the default). */
export type FullBacktestReport = BacktestReport & { timeline: Timeline };

/** The run's parts every stage reads: the venue and account, the bot, the books and the report's fill list. */
interface Run {
  options: BacktestOptions;
  sim: SimExchange;
  sub: number;
  bot: BacktestBot;
  book: PnlBook;
  tape: ResearchTape;
  fills: ReportFill[];
  symbolOf: ReadonlyMap<number, string>;
}

export function runBacktest(o: BacktestOptions & { timeline?: true }): FullBacktestReport;
export function runBacktest(o: BacktestOptions): BacktestReport;
export function runBacktest(o: BacktestOptions): BacktestReport {
  const now = o.now ?? performance.now.bind(performance);
  const started = now();
  const { config } = o;
  const sim = new SimExchange({
    markets: config.markets,
    spreadBps: o.spreadBps ?? 2,
    fundingMode: o.replayFunding ? 'replay' : 'formula',
    makerFill: o.fillModel,
    queue: o.queue,
  });
  const sub = sim.createSubaccount(config.name);
  const deposit = quoteToInt(config.collateral);
  sim.deposit(sub, deposit);
  const book = new PnlBook();
  const run: Run = {
    options: o,
    sim,
    sub,
    bot: createBacktestBot(config, o.events, o.spreadBps ?? 2, o.range, o.riskCertificate !== false),
    book,
    tape: new ResearchTape(
      config.markets,
      (i) => book.baseUnits(i),
      (i) => oracleIntegerOf(sim, i) / 1e6,
      o.events.length + 1,
    ),
    fills: [],
    symbolOf: new Map(config.markets.map((m) => [m.marketIndex, m.symbol])),
  };
  const primary = config.markets[0];
  const { estimated, primaryBars } = scanEvents(o.events, primary.symbol, o.warmupUntil);
  const first = warmUp(run);
  const sample = Math.max(1, Math.floor(o.sample ?? 1));
  // The rows the report will hold (one per sampled primary bar), so the chart's rows are chosen as they come.
  const measures = new BarMeasures(
    { sim, sub, bot: run.bot, book, tape: run.tape, primary, deposit },
    { sample, rowCount: Math.ceil(primaryBars / sample), keepTimeline: o.timeline !== false },
    o.extremesCertificate !== false,
  );
  trade(run, first, measures);
  // Book funding accrued since the last settlement so the books and the venue agree to the micro-USDC.
  sim.settleAllFunding(sub);
  consume(run, sim.drainEvents());
  o.onProgress?.(o.events.length, o.events.length);
  return assembleReport(run, measures, estimated(), () => (now() - started) / 1000);
}

/** Books a batch of venue events (PnL, research tape, the report's fills), then tells the bot. */
function consume(run: Run, events: readonly VenueEvent[]): void {
  if (events.length === 0) return;
  for (const e of events) {
    run.book.onEvent(e);
    run.tape.onEvent(e);
    const fill = reportFillOf(e, run.symbolOf);
    if (fill !== undefined) run.fills.push(fill);
  }
  run.bot.onVenueEvents(events);
}

/** A funding record: replayed by the venue when records were given, and always seen by the bot. */
function onFunding(run: Run, ev: Extract<MarketEvent, { type: 'funding' }>): void {
  if (run.options.replayFunding) run.sim.applyFundingRecord(ev.market, ev.record);
  run.bot.onFunding(ev.market, ev.record);
  consume(run, run.sim.drainEvents());
}

/**
 * The events before warmupUntil: they only prime the venue and the bot (no decisions, no rows), and the bot
 * (re)starts its ramp-in when they end. Returns the index of the first event to trade on.
 */
function warmUp(run: Run): number {
  const { options: o, sim, bot } = run;
  if (o.warmupUntil === undefined) return 0;
  let i = 0;
  for (; i < o.events.length; i++) {
    const ev = o.events.at(i) as MarketEvent;
    if (eventTime(ev) >= o.warmupUntil) break;
    if (ev.type === 'funding') {
      onFunding(run, ev);
      continue;
    }
    sim.onBar(ev.market, ev.candle, ev.intervalMs);
    bot.warm(ev.market, ev.candle, ev.intervalMs);
    consume(run, sim.drainEvents());
  }
  bot.restart(sim.now);
  return i;
}

/** The events from `first` on: each bar moves the venue, then the bot decides, then the account is measured. */
function trade(run: Run, first: number, measures: BarMeasures): void {
  const { options: o, sim, sub, bot } = run;
  const primary = o.config.markets[0].symbol;
  const total = o.events.length;
  const progressEvery = Math.max(1, Math.floor(total / 200));
  for (let i = first; i < total; i++) {
    const ev = o.events.at(i) as MarketEvent;
    if (ev.type === 'funding') {
      onFunding(run, ev);
      continue;
    }
    sim.onBar(ev.market, ev.candle, ev.intervalMs);
    consume(run, sim.drainEvents());
    bot.onBar(ev.market, ev.candle, ev.intervalMs);
    const ts = ev.candle.ts + ev.intervalMs;
    const commands = bot.decide(sim, sub, ts)?.commands;
    if (commands && commands.length > 0) {
      o.onDecision?.(ts, commands);
      sim.execute(sub, commands, ts);
      consume(run, sim.drainEvents());
      bot.afterExecute?.(sim, sub);
    }
    if (ev.market !== primary) continue;
    measures.endOfBar(ts, ev.candle.open, ev.candle.close);
    if (o.onProgress && i % progressEvery === 0) o.onProgress(i, total);
  }
}

/** The report: the books' totals, the measures' extremes and rows, and the research metrics. */
function assembleReport(
  run: Run,
  m: BarMeasures,
  estimated: Record<string, number>,
  elapsedSeconds: () => number,
): BacktestReport {
  const { options: o, sim, book, bot } = run;
  const oracleOf = (i: number): bigint => sim.quote(i)?.oracle ?? 0n;
  const realized = book.realized();
  const unrealized = book.unrealized(oracleOf);
  const totalPnl = realized + unrealized + book.funding - book.fees;
  const research = run.tape.finish({
    collateral: o.config.collateral,
    fills: run.fills,
    realizedPnl: quoteToNumber(realized),
    unrealizedPnl: quoteToNumber(unrealized),
    fundingPnl: quoteToNumber(book.funding),
    feesPaid: quoteToNumber(book.fees),
  });
  const wallSeconds = elapsedSeconds();
  return {
    summary: {
      bars: m.bars,
      fills: book.fills,
      makerFills: book.makerFills,
      takerFills: book.takerFills,
      feesPaid: quoteToNumber(book.fees),
      fundingPnl: quoteToNumber(book.funding),
      realizedPnl: quoteToNumber(realized),
      unrealizedPnl: quoteToNumber(unrealized),
      totalPnl: quoteToNumber(totalPnl),
      maxDrawdown: quoteToNumber(m.drawdown.max),
      maxLeverage: m.maxLeverage,
      minLiqDistancePct: m.minLiqDistancePct,
      minHealth: m.minHealth,
      liquidations: book.liquidations,
      verdicts: m.verdicts,
      ...(bot.refusals ? { refusals: bot.refusals() } : {}),
      ...(Object.keys(estimated).length > 0 ? { oracleEstimatedBars: estimated } : {}),
      wallSeconds,
      barsPerSecond: wallSeconds > 0 ? m.bars / wallSeconds : 0,
      ...research.metrics,
    },
    ...(m.timeline ? { timeline: m.timeline } : {}),
    chart: m.chart,
    fills: run.fills,
    daily: research.daily,
  };
}
