/**
 * SimExchange: the synchronous, Drift-faithful simulated venue the backtest hot loop drives directly
 * (SimVenue wraps it in the async VenuePort). Rules, fill model, funding and liquidation: docs/sim-venue.md.
 * This file adds the accounts (create, deposit, withdraw), the market input (bars, funding records) and pnl
 * settlement; the order commands are SimOrderCommands' (order-commands.ts).
 *
 * Hot-path discipline: `onBar` touches only floats unless the bar can reach a resting order (cached best
 * resting bid/ask), an order expires, funding settles, or an account is near liquidation (a one-position
 * account's bound, made once per state, else the float pre-filter).
 */
import type { Candle, FundingRecord } from '../../data/types.ts';
import type { MarketSpec } from '../../domain/markets.ts';
import { roundPriceToTick } from '../../domain/rounding.ts';
import type { WithdrawResult } from '../port.ts';
import { firstStamp, noteChange } from './account-stamp.ts';
import { type DepthModelParams, nextVolumePerHour } from './depth.ts';
import { accumulate, fundingRate, nextBoundary, replayedRate, takeTwaps } from './funding-clock.ts';
import { settleFunding, settlePnl as settleLedgerPnl } from './ledger.ts';
import type { LiquidationParams } from './liquidation.ts';
import { holdersSafeAlong } from './liquidation-bound.ts';
import { isLiquidatable } from './margin.ts';
import { barReaches, type MakerFillRule } from './matching.ts';
import { SimOrderCommands } from './order-commands.ts';
import type { QueueModelParams } from './queue-model.ts';
import { clearlySolvent, refreshResting, type SimMarket } from './state.ts';

export type FundingMode = 'formula' | 'replay' | 'off';

export interface SimExchangeOptions {
  markets: MarketSpec[];
  /** Full bid/ask spread around the mark, bps (default 0: bid = ask = mark on the tick grid). */
  spreadBps?: number;
  /** 'formula' (default): Drift's hourly formula from bar TWAPs; 'replay': only applyFundingRecord; 'off'. */
  fundingMode?: FundingMode;
  /** When a resting order fills: 'tradeThrough' (default, price strictly beyond it), 'touch' or 'queue'. */
  makerFill?: MakerFillRule;
  /** The 'queue' fill model's assumption (queue-model.ts). */
  queue?: Partial<QueueModelParams>;
  /** Fraction of a bar's base volume all resting orders of a market may take (default 0 = no cap). */
  participation?: number;
  liquidation?: Partial<LiquidationParams>;
  /** Off-step sizes / off-tick prices: 'reject' (default) or 'standardize' (round as Drift's program does). */
  alignment?: 'reject' | 'standardize';
  maxOpenOrders?: number;
  /** The depth model (orderBook, place-and-take fills); see depth.ts. */
  depth?: Partial<DepthModelParams>;
}

export class SimExchange extends SimOrderCommands {
  readonly #fundingMode: FundingMode;
  readonly #oraclePath: number[] = [0, 0, 0, 0];

  constructor(options: SimExchangeOptions) {
    super(options);
    this.#fundingMode = options.fundingMode ?? 'formula';
  }

  /**
   * Changes whenever the exchange's state may have changed (every command, bar, funding record, deposit…): a
   * reader that saw an account at one generation may reuse it while the generation is the same. Bumped on entry
   * to each public mutator, whether or not anything actually changed; reads never bump it.
   */
  get generation(): number {
    return this.generationCounter;
  }

  /** For subclasses that change state outside the public mutators (a restored snapshot). */
  protected moved(): void {
    this.generationCounter++;
  }

  createSubaccount(name: string): number {
    this.generationCounter++;
    const id = this.subs.length;
    this.subs.push({
      id,
      name,
      collateral: 0n,
      positions: new Map(),
      orders: [],
      nextOrderId: 1,
      shadowDirty: true,
      shadow: [],
      collateralNum: 0,
      changes: firstStamp(),
    });
    return id;
  }

  deposit(subaccountId: number, amount: bigint): void {
    if (amount <= 0n) throw new RangeError(`deposit must be positive, got ${amount}`);
    this.generationCounter++;
    const sub = this.sub(subaccountId);
    sub.collateral += amount;
    sub.shadowDirty = true;
    noteChange(sub);
  }

  /** No USDC borrowing: at most the USDC balance, and the account must still meet its initial margin. */
  withdraw(subaccountId: number, amount: bigint): WithdrawResult {
    if (amount <= 0n) return { ok: false, reason: 'InvalidOrder', detail: 'withdrawal must be positive' };
    this.generationCounter++;
    const sub = this.sub(subaccountId);
    if (amount > sub.collateral) {
      return { ok: false, reason: 'InsufficientCollateral', detail: `balance is ${sub.collateral}` };
    }
    sub.collateral -= amount;
    sub.shadowDirty = true;
    noteChange(sub);
    const f = this.figures(sub);
    if (sub.positions.size > 0 && f.initialTotalCollateral < f.initialMarginRequirement) {
      sub.collateral += amount;
      sub.shadowDirty = true;
      noteChange(sub);
      return {
        ok: false,
        reason: 'InsufficientCollateral',
        detail: 'would break the initial margin requirement',
      };
    }
    return { ok: true };
  }

  /**
   * One bar of one market: mark/oracle update, expiries, maker fills along the intra-bar path, funding when a
   * period boundary passes, liquidation checks at the bar's oracle extremes and close.
   */
  onBar(market: string | number, candle: Candle, intervalMs: number): void {
    this.generationCounter++;
    const m = typeof market === 'number' ? this.byIndex[market] : this.bySymbol.get(market);
    if (!m) throw new Error(`SimExchange: unknown market ${JSON.stringify(market)}`);
    const end = candle.ts + intervalMs;
    if (end > this.now) this.now = end;

    // An observed oracle is used as given; a bar whose oracle was not observed (an export gap) and a source
    // without oracle fields take the bar's own price as the estimate (data/README.md).
    const observed = candle.oracleClose !== undefined && !candle.oracleStale;
    let oracle: number;
    if (observed) oracle = m.freshOracleNum = candle.oracleClose as number;
    else oracle = candle.close;
    // Floating orders rest during this bar at the oracle it opened with (the last one known): no look-ahead.
    if (!Number.isNaN(m.oracleNum)) this.#repriceFloating(m);
    m.markNum = candle.close;
    m.oracleNum = oracle;
    m.pricesDirty = true;
    m.volumePerHour = nextVolumePerHour(m.volumePerHour, candle.volume, intervalMs, this.depth);
    m.bookCache = undefined;

    const clock = m.funding;
    if (this.#fundingMode === 'formula') {
      if (Number.isNaN(clock.nextTs)) clock.nextTs = nextBoundary(candle.ts, clock.periodMs);
      accumulate(clock, candle.close, oracle, intervalMs);
    }

    if (m.minMaxTs < end) this.expireMarket(m, end, false);
    this.queue?.observe(m.spec.marketIndex, candle.volume);
    if (
      barReaches('buy', m.restingBidNum, candle.low, candle.high, this.makerFill) ||
      barReaches('sell', m.restingAskNum, candle.low, candle.high, this.makerFill)
    ) {
      this.matchBar(m, candle, end);
    }
    if (m.minMaxTs <= end) this.expireMarket(m, end, true);

    if (this.#fundingMode === 'formula' && end >= clock.nextTs) {
      const twaps = takeTwaps(clock);
      if (twaps) this.applyFunding(m, fundingRate(twaps, m.spec.contractTier, m.spec.fundingPeriodSec), end);
      clock.nextTs = nextBoundary(end, clock.periodMs);
    }

    if (m.holders.length > 0) this.#checkLiquidations(m, candle, oracle, observed, end);
  }

  /** Moves every resting floating order of a market to the current oracle plus its offset. */
  #repriceFloating(m: SimMarket): void {
    if (m.floatingOrders === 0) return;
    let moved = false;
    for (const so of m.resting) {
      const offset = so.order.oracleOffset;
      if (offset === undefined) continue;
      this.ensurePrices(m);
      const price = roundPriceToTick(m.oracle + offset, m.spec.tickSize, so.order.side);
      if (price === so.order.price) continue;
      so.order = { ...so.order, price };
      so.priceNum = Number(price) / 1e6;
      noteChange(so.sub);
      moved = true;
    }
    if (moved) refreshResting(m);
  }

  /** Liquidation is checked at the bar's oracle extremes (path order) and at its close. */
  #checkLiquidations(m: SimMarket, candle: Candle, oracle: number, freshOhlc: boolean, ts: number): void {
    const path = this.#oraclePath;
    let n = 0;
    if (freshOhlc && candle.oracleLow !== undefined && candle.oracleHigh !== undefined) {
      const up = oracle >= (candle.oracleOpen ?? oracle);
      path[n++] = up ? candle.oracleLow : candle.oracleHigh;
      path[n++] = up ? candle.oracleHigh : candle.oracleLow;
    } else if (!freshOhlc) {
      // No oracle observed (none in the source, or an export gap): the mark stands in, so its extremes are the
      // oracle's.
      const up = candle.close >= candle.open;
      path[n++] = up ? candle.low : candle.high;
      path[n++] = up ? candle.high : candle.low;
    }
    path[n++] = oracle;
    // Where the exact check would find every holder solvent at every point, it is not run: the bar leaves the
    // market's oracle at `oracle`, as onBar set it (liquidation-bound.ts).
    if (holdersSafeAlong(m, path, n)) return;
    for (let k = 0; k < n; k++) {
      m.oracleNum = path[k];
      m.pricesDirty = true;
      for (let i = m.holders.length - 1; i >= 0; i--) {
        const sub = m.holders[i];
        if (sub === undefined || clearlySolvent(sub, this.marketOf)) continue;
        if (isLiquidatable(this.figures(sub))) this.liquidate(sub, ts);
      }
    }
    m.oracleNum = oracle;
    m.pricesDirty = true;
  }

  /**
   * Replays one funding settlement (fundingMode 'replay'): Drift's exact per-base rate when the record has
   * it, else rateFraction × the current oracle. Returns false when ignored (other modes, or no price yet).
   */
  applyFundingRecord(market: string | number, record: FundingRecord): boolean {
    this.generationCounter++;
    if (this.#fundingMode !== 'replay') return false;
    const m = typeof market === 'number' ? this.byIndex[market] : this.bySymbol.get(market);
    if (!m) throw new Error(`SimExchange: unknown market ${JSON.stringify(market)}`);
    if (record.ratePerBase === undefined && Number.isNaN(m.oracleNum)) return false;
    if (record.ts > this.now) this.now = record.ts;
    this.applyFunding(m, replayedRate(record.ratePerBase, record.rateFraction, m.oracleNum), record.ts);
    return true;
  }

  /**
   * Drift's settle_pnl for one market: pending funding first, then the position's whole pnl at the oracle
   * moves from its quote into the USDC balance (Drift would cap a positive amount by the market's pnl pool;
   * the simulator's pool is unlimited). Returns the amount settled (QUOTE, + to the balance).
   */
  settlePnl(subaccountId: number, marketIndex: number): bigint {
    this.generationCounter++;
    const sub = this.sub(subaccountId);
    const pos = sub.positions.get(marketIndex);
    if (!pos) return 0n;
    const m = this.marketOf(marketIndex);
    this.ensurePrices(m);
    const f = settleFunding(pos, m.cumulative.long, m.cumulative.short);
    const s = settleLedgerPnl(sub.collateral, f.pos, m.oracle);
    sub.collateral = s.collateral;
    this.storePosition(sub, m, s.pos);
    return s.settled;
  }

  /** Settles every position's pending funding now (positions are settled at each funding event anyway). */
  settleAllFunding(subaccountId: number): void {
    this.generationCounter++;
    const sub = this.sub(subaccountId);
    for (const p of [...sub.positions.values()]) {
      const m = this.marketOf(p.marketIndex);
      const r = settleFunding(p, m.cumulative.long, m.cumulative.short);
      if (r.payment !== 0n) this.storePosition(sub, m, r.pos);
    }
  }
}
