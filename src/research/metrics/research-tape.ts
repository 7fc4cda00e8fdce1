/**
 * What the research metrics need from a backtest: every bar's equity, prices, positions and verdict (the
 * report's timeline rows, but at every bar, so `--sample` thins the report without changing a metric), the
 * funding payments the venue reported, the first price (buy and hold) and the days the daily-loss rule was in
 * force. Trades are the report's fills, which list the venue's liquidation closes too. The backtest loop feeds it with two one-line calls; `finish` computes.
 */
import type { VerdictKind } from '../../domain/intent.ts';
import type { MarketSpec } from '../../domain/markets.ts';
import { quoteToNumber } from '../../domain/precision.ts';
import type { VenueEvent } from '../../domain/types.ts';
import { computeResearchMetrics } from './compute.ts';
import { tradingDate } from './daily.ts';
import { MetricsTimelineBuilder } from './metrics-timeline.ts';
import type { DailyRow, MetricsInput, MetricsTrade, ResearchMetrics } from './types.ts';

export class ResearchTape {
  readonly #funding: { ts: number; amount: number }[] = [];
  readonly #dailyLossDates = new Set<string>();
  readonly #rows: MetricsTimelineBuilder;
  readonly #markets: readonly MarketSpec[];
  readonly #base: (marketIndex: number) => number;
  readonly #oracle: (marketIndex: number) => number;
  /** A spread run's legs at the bar being pushed (each market's base and oracle), reused bar after bar. */
  readonly #legs: { markets: string[]; base: Float64Array; oracle: Float64Array } | undefined;
  #startPrice = Number.NaN;

  /**
   * `base` and `oracle` read the run's books and the venue's oracle at a bar's end, in units and USD (the exact
   * integers as the report shows them: baseToNumber, priceToNumber).
   */
  constructor(
    markets: readonly MarketSpec[],
    base: (marketIndex: number) => number,
    oracle: (marketIndex: number) => number,
    expectedBars = 1024,
  ) {
    this.#rows = new MetricsTimelineBuilder(expectedBars);
    this.#markets = markets;
    this.#legs =
      markets.length > 1
        ? {
            markets: markets.map((m) => m.symbol),
            base: new Float64Array(markets.length),
            oracle: new Float64Array(markets.length),
          }
        : undefined;
    this.#base = base;
    this.#oracle = oracle;
  }

  onEvent(e: VenueEvent): void {
    if (e.type === 'funding') this.#funding.push({ ts: e.ts, amount: quoteToNumber(e.payment.amount) });
  }

  /**
   * At the end of each primary bar (`ts` = its end): its open price, the account's equity, the primary mark and
   * oracle (USD, the oracle 0 while unpriced), whether the primary position is open, the verdict in force and
   * whether rule C is among its reasons. The caller has the primary's figures at hand; the other legs of a
   * spread run are read through the constructor's functions.
   */
  onBar(
    ts: number,
    open: number,
    equity: number,
    mark: number,
    oracle: number,
    holding: boolean,
    verdict: VerdictKind,
    dailyLossActive: boolean,
  ): void {
    if (Number.isNaN(this.#startPrice)) this.#startPrice = open;
    if (dailyLossActive) this.#dailyLossDates.add(tradingDate(ts));
    const markets = this.#markets;
    const legs = this.#legs;
    if (legs === undefined) {
      this.#rows.pushFigures(ts, equity, mark, oracle, holding, verdict, undefined);
      return;
    }
    let exposed = holding;
    for (let j = 0; j < markets.length; j++) {
      const m = markets[j] as MarketSpec;
      const base = this.#base(m.marketIndex);
      if (base !== 0) exposed = true;
      legs.base[j] = base;
      legs.oracle[j] = this.#oracle(m.marketIndex);
    }
    this.#rows.pushFiguresWithLegs(ts, equity, mark, oracle, exposed, verdict, legs);
  }

  finish(
    report: Pick<MetricsInput, 'realizedPnl' | 'unrealizedPnl' | 'fundingPnl' | 'feesPaid'> & {
      collateral: number;
      fills: readonly MetricsTrade[];
    },
  ): { metrics: ResearchMetrics; daily: DailyRow[] } {
    const trades = report.fills; // in time order, liquidation closes included
    return computeResearchMetrics({
      ...report,
      timeline: this.#rows.view(),
      startPrice: this.#startPrice,
      trades,
      funding: this.#funding,
      dailyLossDates: this.#dailyLossDates,
    });
  }
}
