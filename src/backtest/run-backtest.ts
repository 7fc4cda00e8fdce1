/**
 * The backtest driver: replays a time-ordered market event stream through SimVenue and a bot, synchronously
 * and as fast as the CPU allows, and returns the report. No I/O and no database: the caller loads files and
 * writes reports. The bot code is the same the paper and live runners use; only this loop is backtest-only.
 */

import type { BotConfig } from '../config/bot-config.ts';
import { EventTape, type MarketEventSeq } from '../data/event-tape.ts';
import { eventTime } from '../data/merge.ts';
import type { MarketEvent } from '../data/types.ts';
import type { VerdictKind } from '../domain/intent.ts';
import { baseToNumber, priceToNumber, quoteToInt, quoteToNumber } from '../domain/precision.ts';
import type { OrderCommand, VenueEvent } from '../domain/types.ts';
import type { RangeSource } from '../marketdata/blended-range.ts';
import { ResearchTape } from '../research/metrics/research-tape.ts';
import { SimExchange, type SimExchangeOptions } from '../venue/sim/exchange.ts';
import { type BacktestBot, createBacktestBot } from './backtest-bot.ts';
import { chartStride, isChartRow } from './chart-rows.ts';
import { Drawdown } from './drawdown.ts';
import { PnlBook } from './pnl-book.ts';
import type { BacktestReport, ReportFill } from './report-types.ts';
import { Timeline } from './timeline.ts';

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
}

/**
 * One pass over the events before the run: bars per market whose oracle was not observed (an export gap: the
 * venue and the bot used the bar's price instead), and the primary market's bars after the warm-up (the
 * report's rows). Events are in time order, so "after the warm-up" is "known at or after warmupUntil".
 */
function scanEvents(
  events: MarketEventSeq,
  primary: string,
  warmupUntil: number | undefined,
): { estimated: Record<string, number>; primaryBars: number } {
  const estimated: Record<string, number> = {};
  let primaryBars = 0;
  const count = (market: string, oracleStale: boolean, knownAt: number): void => {
    if (oracleStale) estimated[market] = (estimated[market] ?? 0) + 1;
    if (market === primary && (warmupUntil === undefined || knownAt >= warmupUntil)) primaryBars++;
  };
  // a tape answers by column (a year's bars need not be built twice)
  if (events instanceof EventTape) {
    events.forEachBar(count);
    return { estimated, primaryBars };
  }
  for (let k = 0; k < events.length; k++) {
    const e = events.at(k) as MarketEvent;
    if (e.type === 'bar') count(e.market, e.candle.oracleStale === true, eventTime(e));
  }
  return { estimated, primaryBars };
}

/** A report that kept its per-bar timeline (the default). */
export type FullBacktestReport = BacktestReport & { timeline: Timeline };

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
  const bot: BacktestBot = createBacktestBot(config, o.events, o.spreadBps ?? 2, o.range);
  const primary = config.markets[0];
  const book = new PnlBook();
  const fills: ReportFill[] = [];
  const verdicts: Record<VerdictKind, number> = { APPROVE: 0, CLAMP: 0, REDUCE_ONLY: 0, PAUSE: 0 };
  const drawdown = new Drawdown();
  const sample = Math.max(1, Math.floor(o.sample ?? 1));
  const timeline = o.timeline === false ? undefined : new Timeline(Math.ceil(o.events.length / sample) + 1);
  const symbolOf = new Map(config.markets.map((m) => [m.marketIndex, m.symbol]));
  let bars = 0;
  let maxLeverage = 0;
  let minHealth = 100;
  let minLiqDistancePct: number | null = null;
  const oracleOf = (i: number): bigint => sim.quote(i)?.oracle ?? 0n;
  // the same as Number(oracleOf(i)), without making the BigInt
  const oracleIntegerOf = (i: number): number => {
    const v = sim.oracleInteger(i);
    return Number.isNaN(v) ? 0 : v;
  };
  const depositInt = Number(deposit);
  const tape = new ResearchTape(
    config.markets,
    (i) => book.baseUnits(i),
    (i) => oracleIntegerOf(i) / 1e6,
    o.events.length + 1,
  );

  const consume = (events: readonly VenueEvent[]): void => {
    if (events.length === 0) return;
    for (const e of events) {
      book.onEvent(e);
      tape.onEvent(e);
      if (e.type === 'filled') {
        const f = e.fill;
        fills.push({
          ts: e.ts,
          market: symbolOf.get(f.marketIndex) ?? String(f.marketIndex),
          side: f.side,
          price: priceToNumber(f.price),
          base: baseToNumber(f.base),
          fee: quoteToNumber(f.fee),
          maker: f.maker,
          reduceOnly: f.reduceOnly,
          liquidation: false,
        });
      } else if (e.type === 'liquidated') {
        // A liquidation trades the position too: listed among the fills so they always add up to the position.
        fills.push({
          ts: e.ts,
          market: symbolOf.get(e.marketIndex) ?? String(e.marketIndex),
          side: e.base > 0n ? 'buy' : 'sell',
          price: priceToNumber(e.price),
          base: baseToNumber(e.base < 0n ? -e.base : e.base),
          fee: quoteToNumber(e.fee),
          maker: false,
          reduceOnly: true,
          liquidation: true,
        });
      }
    }
    bot.onVenueEvents(events);
  };

  const total = o.events.length;
  const { estimated, primaryBars } = scanEvents(o.events, primary.symbol, o.warmupUntil);
  const progressEvery = Math.max(1, Math.floor(total / 200));
  let i = 0;
  if (o.warmupUntil !== undefined) {
    for (; i < total; i++) {
      const ev = o.events.at(i) as MarketEvent;
      if (eventTime(ev) >= o.warmupUntil) break;
      if (ev.type === 'funding') {
        if (o.replayFunding) sim.applyFundingRecord(ev.market, ev.record);
        bot.onFunding(ev.market, ev.record);
      } else {
        sim.onBar(ev.market, ev.candle, ev.intervalMs);
        bot.warm(ev.market, ev.candle, ev.intervalMs);
      }
      consume(sim.drainEvents());
    }
    bot.restart(sim.now);
  }
  // The rows the report will hold (one per sampled primary bar), so the chart's rows are chosen as they come.
  const rowCount = Math.ceil(primaryBars / sample);
  const stride = chartStride(rowCount);
  const chart = new Timeline(Math.ceil(rowCount / stride) + 1);
  for (; i < total; i++) {
    const ev = o.events.at(i) as MarketEvent;
    if (ev.type === 'funding') {
      if (o.replayFunding) sim.applyFundingRecord(ev.market, ev.record);
      bot.onFunding(ev.market, ev.record);
      consume(sim.drainEvents());
      continue;
    }
    sim.onBar(ev.market, ev.candle, ev.intervalMs);
    consume(sim.drainEvents());
    bot.onBar(ev.market, ev.candle, ev.intervalMs);
    const ts = ev.candle.ts + ev.intervalMs;
    const commands = bot.decide(sim, sub, ts)?.commands;
    if (commands && commands.length > 0) {
      o.onDecision?.(ts, commands);
      sim.execute(sub, commands, ts);
      consume(sim.drainEvents());
      bot.afterExecute?.(sim, sub);
    }
    if (ev.market !== primary.symbol) continue;

    // End of a primary bar: measure the account.
    bars++;
    const verdict = bot.verdictKind();
    verdicts[verdict]++;
    const f = sim.margin(sub);
    // the equity's integer in doubles (exact) where it fits, else in BigInt: the same number either way
    const inDoubles = depositInt < 2 ** 48 ? book.equityInDoubles(depositInt, oracleIntegerOf) : Number.NaN;
    let equity: number;
    if (Number.isNaN(inDoubles)) {
      const equityInt = deposit + book.realized() + book.unrealized(oracleOf) + book.funding - book.fees;
      equity = quoteToNumber(equityInt);
      drawdown.push(equityInt);
    } else {
      equity = inDoubles / 1e6;
      drawdown.pushInteger(inDoubles);
    }
    if (f.leverage > maxLeverage) maxLeverage = f.leverage;
    if (f.health < minHealth) minHealth = f.health;
    const base = book.base(primary.marketIndex);
    // the PRICE integers in doubles: priceToNumber(sim.quote(…).mark) without making the BigInts
    const markInt = sim.markInteger(primary.marketIndex);
    const priced = !Number.isNaN(markInt);
    const mark = priced ? markInt / 1e6 : ev.candle.close;
    tape.onBar(ts, ev.candle.open, equity, mark, verdict, bot.dailyLossActive());
    let liqPrice: number | null = null;
    if (base !== 0n) {
      const lp = sim.liquidationPrice(sub, primary.marketIndex);
      if (lp !== undefined) {
        liqPrice = priceToNumber(lp);
        const d = (Math.abs(mark - liqPrice) / mark) * 100;
        if (minLiqDistancePct === null || d < minLiqDistancePct) minLiqDistancePct = d;
      }
    }
    const row = (bars - 1) / sample;
    const charted = Number.isInteger(row) && isChartRow(row, rowCount, stride);
    if (Number.isInteger(row) && (timeline !== undefined || charted)) {
      let openBids = 0;
      let openAsks = 0;
      let openBidBase = 0n;
      let openAskBase = 0n;
      for (const ord of sim.openOrders(sub)) {
        if (ord.side === 'buy') {
          openBids++;
          openBidBase += ord.base - ord.filledBase;
        } else {
          openAsks++;
          openAskBase += ord.base - ord.filledBase;
        }
      }
      const figures = {
        ts,
        mark,
        oracle: priced ? sim.oracleInteger(primary.marketIndex) / 1e6 : ev.candle.close,
        base: baseToNumber(base),
        collateral: quoteToNumber(f.initialTotalCollateral),
        equity,
        leverage: f.leverage,
        health: f.health,
        liqPrice,
        verdict,
        openBids,
        openAsks,
        openBidBase: baseToNumber(openBidBase),
        openAskBase: baseToNumber(openAskBase),
      };
      const extras = bot.timelineExtras(sim, sub);
      timeline?.push(figures, extras);
      if (charted) chart.push(figures, extras);
    }
    if (o.onProgress && i % progressEvery === 0) o.onProgress(i, total);
  }
  // Book funding accrued since the last settlement so the books and the venue agree to the micro-USDC.
  sim.settleAllFunding(sub);
  consume(sim.drainEvents());
  o.onProgress?.(total, total);

  const realized = book.realized();
  const unrealized = book.unrealized(oracleOf);
  const totalPnl = realized + unrealized + book.funding - book.fees;
  const research = tape.finish({
    collateral: config.collateral,
    fills,
    realizedPnl: quoteToNumber(realized),
    unrealizedPnl: quoteToNumber(unrealized),
    fundingPnl: quoteToNumber(book.funding),
    feesPaid: quoteToNumber(book.fees),
  });
  const wallSeconds = (now() - started) / 1000;
  return {
    summary: {
      bars,
      fills: book.fills,
      makerFills: book.makerFills,
      takerFills: book.takerFills,
      feesPaid: quoteToNumber(book.fees),
      fundingPnl: quoteToNumber(book.funding),
      realizedPnl: quoteToNumber(realized),
      unrealizedPnl: quoteToNumber(unrealized),
      totalPnl: quoteToNumber(totalPnl),
      maxDrawdown: quoteToNumber(drawdown.max),
      maxLeverage,
      minLiqDistancePct,
      minHealth,
      liquidations: book.liquidations,
      verdicts,
      ...(bot.refusals ? { refusals: bot.refusals() } : {}),
      ...(Object.keys(estimated).length > 0 ? { oracleEstimatedBars: estimated } : {}),
      wallSeconds,
      barsPerSecond: wallSeconds > 0 ? bars / wallSeconds : 0,
      ...research.metrics,
    },
    ...(timeline ? { timeline } : {}),
    chart,
    fills,
    daily: research.daily,
  };
}
