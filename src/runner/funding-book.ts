/**
 * Funding per traded market for one bot session (DESIGN.md §7): the venue's settled payments are the truth; a
 * FundingTracker per market keeps the continuous estimate between settlements and reconciles it at each one.
 * Snapshot rows carry, per market, the cumulative settled funding and the cumulative estimate for the same
 * settled periods, so the database's `difference` column (settled − estimated) is how far the display was off.
 * A restarted session continues from baselines read at start (settled from the journal, the difference from
 * the last snapshot).
 */
import type { MarketSnapshot } from '../domain/snapshot.ts';
import type { AccountState, FundingPayment } from '../domain/types.ts';
import { FundingTracker } from '../funding/tracker.ts';

export interface FundingBaseline {
  settled: bigint;
  difference: bigint;
}

export interface FundingRow {
  marketIndex: number;
  settled: bigint;
  estimated: bigint;
}

export class FundingBook {
  readonly #markets: readonly number[];
  readonly #trackers = new Map<number, FundingTracker>();
  readonly #baseline: ReadonlyMap<number, FundingBaseline>;

  constructor(markets: readonly number[], baseline: ReadonlyMap<number, FundingBaseline> = new Map()) {
    this.#markets = markets;
    this.#baseline = baseline;
  }

  #tracker(marketIndex: number, ts: number): FundingTracker {
    let t = this.#trackers.get(marketIndex);
    if (!t) {
      t = new FundingTracker({ marketIndex, startTs: ts });
      this.#trackers.set(marketIndex, t);
    }
    return t;
  }

  /** The position and the current rate as of `ts` (call after every account read). */
  observe(
    ts: number,
    account: AccountState,
    snapshot: (marketIndex: number) => MarketSnapshot | undefined,
  ): void {
    for (const i of this.#markets) {
      const t = this.#tracker(i, ts);
      if (ts < t.asOf) continue; // a replay loop restarted the data clock: keep accruing from where we are
      const pos = account.positions.find((p) => p.marketIndex === i);
      t.onPosition(ts, pos ? Number(pos.base) / 1e9 : 0);
      const s = snapshot(i);
      if (s && s.oracle > 0) t.onRate(ts, s.fundingRate * s.oracle);
    }
  }

  settle(payment: FundingPayment): void {
    const t = this.#tracker(payment.marketIndex, payment.ts);
    if (payment.ts >= t.asOf) t.onSettlement(payment);
  }

  /** Funding accrued since the last settlement, all markets, quote units (display only). */
  pending(ts: number): number {
    let sum = 0;
    for (const t of this.#trackers.values()) if (ts >= t.asOf) sum += t.estimate(ts);
    return sum;
  }

  rows(ts: number): FundingRow[] {
    return this.#markets.map((marketIndex) => {
      const base = this.#baseline.get(marketIndex) ?? { settled: 0n, difference: 0n };
      const t = this.#trackers.get(marketIndex);
      const now = t ? t.totals(Math.max(ts, t.asOf)) : { settled: 0n, difference: 0n };
      const settled = base.settled + now.settled;
      return { marketIndex, settled, estimated: settled - (base.difference + now.difference) };
    });
  }
}
