/**
 * What the backtest measures of the account at the end of every primary bar: the verdict counts, equity and its
 * drawdown, the worst leverage, health and liquidation distance, the research tape's bar, and the report's rows
 * (every sampled bar when the timeline is kept, the chart's rows always). Read-only on the venue and the bot.
 * A bar that writes no row reads the margin and liquidation price only for the extremes: inside the extremes
 * certificate's box (extremes-certificate.ts) it reads neither.
 */

import type { VerdictKind } from '../domain/intent.ts';
import type { MarketSpec } from '../domain/markets.ts';
import { baseToNumber, quoteToNumber } from '../domain/precision.ts';
import type { ResearchTape } from '../research/metrics/research-tape.ts';
import type { SimExchange } from '../venue/sim/exchange.ts';
import { initialTotalCollateralUsd } from '../venue/sim/figures-in-doubles.ts';
import type { BacktestBot } from './backtest-bot.ts';
import { chartStride, isChartRow } from './chart-rows.ts';
import { Drawdown } from './drawdown.ts';
import { type BoundsOver, ExtremesCertificate, extremesBox } from './extremes-certificate.ts';
import type { PnlBook } from './pnl-book.ts';
import { Timeline, type TimelineInput } from './timeline.ts';

/** What the measures read: the run's venue, account, bot and books. */
export interface MeasuredRun {
  sim: SimExchange;
  sub: number;
  bot: BacktestBot;
  book: PnlBook;
  tape: ResearchTape;
  primary: MarketSpec;
  /** The deposit, micro-USDC. */
  deposit: bigint;
}

/** The report's rows: `sample` keeps every n-th bar; `rowCount` is the number of rows the run will hold. */
export interface RowPlan {
  sample: number;
  rowCount: number;
  /** Keep every sampled row (the report's timeline), or only the chart's. */
  keepTimeline: boolean;
}

/**
 * The oracle's PRICE integer of market `i` as a number (0 when unpriced): the same as Number(sim.quote(i).oracle),
 * without making the BigInt.
 */
export function oracleIntegerOf(sim: SimExchange, i: number): number {
  const v = sim.oracleInteger(i);
  return Number.isNaN(v) ? 0 : v;
}

export class BarMeasures {
  bars = 0;
  maxLeverage = 0;
  minHealth = 100;
  minLiqDistancePct: number | null = null;
  readonly verdicts: Record<VerdictKind, number> = { APPROVE: 0, CLAMP: 0, REDUCE_ONLY: 0, PAUSE: 0 };
  readonly drawdown = new Drawdown();
  readonly timeline: Timeline | undefined;
  readonly chart: Timeline;
  readonly #run: MeasuredRun;
  readonly #sample: number;
  readonly #rowCount: number;
  readonly #stride: number;
  readonly #depositInt: number;
  /** Undefined when the run reads the margin on every bar (BacktestOptions.extremesCertificate false). */
  readonly #certificate: ExtremesCertificate | undefined;
  readonly #boundsOver: BoundsOver;

  /** `certify`: BacktestOptions.extremesCertificate. */
  constructor(run: MeasuredRun, rows: RowPlan, certify = true) {
    this.#run = run;
    this.#certificate = certify ? new ExtremesCertificate() : undefined;
    this.#boundsOver = (lo, hi) => run.sim.figureBounds(run.sub, run.primary.marketIndex, lo, hi);
    this.#sample = rows.sample;
    this.#rowCount = rows.rowCount;
    this.#stride = chartStride(rows.rowCount);
    this.#depositInt = Number(run.deposit);
    this.timeline = rows.keepTimeline ? new Timeline(rows.rowCount + 1) : undefined;
    this.chart = new Timeline(Math.ceil(rows.rowCount / this.#stride) + 1);
  }

  /** oracleIntegerOf on this run's venue: made once, handed to the books on every bar. */
  readonly #oracleIntegerOf = (i: number): number => oracleIntegerOf(this.#run.sim, i);

  /** The end of a primary bar closing at `ts` (`open`, `close`: the bar's prices, used where the venue has none). */
  endOfBar(ts: number, open: number, close: number): void {
    const { sim, sub, bot, book, tape, primary } = this.#run;
    this.bars++;
    const verdict = bot.verdictKind();
    this.verdicts[verdict]++;
    const equity = this.#equity();
    const base = book.base(primary.marketIndex);
    // the PRICE integers in doubles: priceToNumber(sim.quote(…).mark) without making the BigInts (both NaN, or
    // neither, before the market's first bar)
    const markInt = sim.markInteger(primary.marketIndex);
    const priced = !Number.isNaN(markInt);
    const oracleInt = priced ? sim.oracleInteger(primary.marketIndex) : 0;
    const mark = priced ? markInt / 1e6 : close;
    tape.onBar(ts, open, equity, mark, oracleInt / 1e6, base !== 0n, verdict, bot.dailyLossActive());
    const row = (this.bars - 1) / this.#sample;
    const charted = Number.isInteger(row) && isChartRow(row, this.#rowCount, this.#stride);
    const writes = Number.isInteger(row) && (this.timeline !== undefined || charted);
    // a bar without a row reads the margin and liquidation price for the extremes alone: not at all when the
    // certificate says none can move, else read and a certificate issued for the bars after
    const certificate = writes ? undefined : this.#certificate;
    const stamp = certificate === undefined ? Number.NaN : sim.accountStamp(sub);
    if (certificate?.holds(stamp, oracleInt, markInt)) return;
    const f = sim.margin(sub);
    if (f.leverage > this.maxLeverage) this.maxLeverage = f.leverage;
    if (f.health < this.minHealth) this.minHealth = f.health;
    const liqPrice = this.#liquidationPrice(base, mark);
    certificate?.issue(stamp, extremesBox(this.#boundsOver, oracleInt, markInt, this));
    if (!writes) return;
    const figures: TimelineInput = {
      ts,
      mark,
      oracle: priced ? oracleInt / 1e6 : close,
      base: baseToNumber(base),
      collateral: initialTotalCollateralUsd(f),
      equity,
      leverage: f.leverage,
      health: f.health,
      liqPrice,
      verdict,
      openBids: 0,
      openAsks: 0,
      openBidBase: 0,
      openAskBase: 0,
    };
    this.#countOpenOrders(figures);
    const extras = bot.timelineExtras(sim, sub);
    this.timeline?.push(figures, extras);
    if (charted) this.chart.push(figures, extras);
  }

  /**
   * Equity in USDC, pushed to the drawdown: the integer in doubles (exact) where it fits, else in BigInt — the
   * same number either way.
   */
  #equity(): number {
    const { book, deposit, sim } = this.#run;
    const inDoubles =
      this.#depositInt < 2 ** 48 ? book.equityInDoubles(this.#depositInt, this.#oracleIntegerOf) : Number.NaN;
    if (Number.isNaN(inDoubles)) {
      const oracleOf = (i: number): bigint => sim.quote(i)?.oracle ?? 0n;
      const equityInt = deposit + book.realized() + book.unrealized(oracleOf) + book.funding - book.fees;
      this.drawdown.push(equityInt);
      return quoteToNumber(equityInt);
    }
    this.drawdown.pushInteger(inDoubles);
    return inDoubles / 1e6;
  }

  /** The primary market's liquidation price (null when flat or none), its distance from `mark` noted. */
  #liquidationPrice(base: bigint, mark: number): number | null {
    if (base === 0n) return null;
    const { sim, sub, primary } = this.#run;
    const liqPrice = sim.liquidationPriceUsd(sub, primary.marketIndex);
    if (liqPrice === null) return null;
    const d = (Math.abs(mark - liqPrice) / mark) * 100;
    if (this.minLiqDistancePct === null || d < this.minLiqDistancePct) this.minLiqDistancePct = d;
    return liqPrice;
  }

  /** The account's open orders by side into the row: how many, and the base they have left. */
  #countOpenOrders(row: TimelineInput): void {
    let openBids = 0;
    let openAsks = 0;
    let openBidBase = 0n;
    let openAskBase = 0n;
    for (const ord of this.#run.sim.openOrders(this.#run.sub)) {
      if (ord.side === 'buy') {
        openBids++;
        openBidBase += ord.base - ord.filledBase;
      } else {
        openAsks++;
        openAskBase += ord.base - ord.filledBase;
      }
    }
    row.openBids = openBids;
    row.openAsks = openAsks;
    row.openBidBase = baseToNumber(openBidBase);
    row.openAskBase = baseToNumber(openAskBase);
  }
}
