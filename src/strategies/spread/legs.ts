/**
 * Per-leg taker orders from absolute targets, each validated BEFORE it is sent.
 *
 * Price limit: the cap is measured from the mark. A buy may pay at most mark × (1 + cap), rounded DOWN onto
 * the tick; a sell accepts at least mark × (1 − cap), rounded UP (rounding.ts rounds buys down and sells up),
 * so tick rounding can only tighten the cap, never loosen it. The best visible price must lie within it.
 *
 * Liquidity: an opening, and a close of a signal exit, must find its whole size in the venue's book within
 * that limit (the snapshot's `book`, best first); a book that shows less is refused, and so is an unknown book
 * (a check that cannot be made says no). Safety closes (emergency, shutdown, repairs) skip the depth test:
 * they are reduce-only takers bounded by the limit, and a partial fill still reduces risk.
 *
 * Pairing: opening orders go out both-or-neither (a hedge with one leg is a directional bet); they also go out
 * only when every closing order in the plan goes out. Closing orders are all-or-nothing too in 'paired' mode
 * (signal exits) and stand alone in 'independent' mode (emergency, shutdown, repairs: close what can be closed).
 * `batches` groups the orders into transactions: an all-or-nothing batch goes as one placeAndTake with every
 * order required to fill in full, so the venue keeps the pairing even when the book moved since the check.
 */
import type { TargetPosition } from '../../domain/intent.ts';
import type { MarketSpec } from '../../domain/markets.ts';
import { baseToNumber, priceToNumber } from '../../domain/precision.ts';
import { priceOnTick, sizeOnStep } from '../../domain/rounding.ts';
import type { DesiredOrder } from '../../domain/snapshot.ts';
import type { Side } from '../../domain/types.ts';
import type { L2Book } from '../../venue/port.ts';
import type { SpreadParams } from './params.ts';
import type { LegPosition, SpreadSnapshot } from './types.ts';

export interface LegRejection {
  marketIndex: number;
  /** What kind of refusal (the report counts them). */
  cause: RejectionCause;
  /** Market symbol, e.g. "DRIFT-PERP". */
  market: string;
  side: Side;
  /** Unsigned, BASE precision. */
  base: bigint;
  opening: boolean;
  reason: string;
}

/** Orders that go out in one transaction (one placeAndTake command). */
export interface LegBatch {
  orders: DesiredOrder[];
  /** Every order fills in full or nothing applies (Drift's FullFill success condition on each instruction). */
  allOrNothing: boolean;
}

export interface LegPlan {
  /** Every order that goes out, closes first. */
  orders: DesiredOrder[];
  /** The same orders grouped into transactions. */
  batches: LegBatch[];
  rejected: LegRejection[];
}

export interface LegPlanOptions {
  /** Set when no opening order may go out this cycle (stale prices, risk verdict, health); the text says why. */
  openingBlocked?: string;
  /** 'paired' (default): closes are all-or-nothing. 'independent': each close stands alone. */
  closes?: 'paired' | 'independent';
}

/** One order before validation. Opening = grows |position| (or opens the far side of a flip). */
interface Candidate {
  spec: MarketSpec;
  side: Side;
  base: bigint;
  opening: boolean;
}

const abs = (v: bigint): bigint => (v < 0n ? -v : v);

/** Splits target − position into a reduce-only close part and an opening part (a flip has both). */
function candidatesFor(spec: MarketSpec, current: bigint, target: bigint): Candidate[] {
  if (target === current) return [];
  const side: Side = target > current ? 'buy' : 'sell';
  const sameSideOrFlat = current === 0n || target === 0n || current > 0n === target > 0n;
  if (current === 0n) return [{ spec, side, base: abs(target), opening: true }];
  if (sameSideOrFlat) {
    return abs(target) < abs(current)
      ? [{ spec, side, base: abs(current) - abs(target), opening: false }]
      : [{ spec, side, base: abs(target) - abs(current), opening: true }];
  }
  return [
    { spec, side, base: abs(current), opening: false },
    { spec, side, base: abs(target), opening: true },
  ];
}

/** Why a leg did not go out (the backtest report counts them by cause). */
export type RejectionCause =
  /** The visible book within the slippage limit holds less than the leg's size. */
  | 'depth'
  /** The venue knows no book for the market: liquidity cannot be checked, so the leg is refused. */
  | 'noBook'
  /** The best price itself lies beyond the slippage limit, or prices are unusable. */
  | 'slippage'
  /** Openings blocked (stale prices, risk, health, shutdown), reduce-only market, below the minimum size. */
  | 'blocked'
  /** Valid itself, held back because its partner failed (both legs or neither). */
  | 'withheld'
  /** No market spec or snapshot. */
  | 'invalid';

export type TakerCheck = { ok: true; price: bigint } | { ok: false; reason: string; cause: RejectionCause };

const bpsFrom = (price: number, mark: number): string => (((price - mark) / mark) * 1e4).toFixed(1);

/** Base the book offers a taker on `side` at prices within `limit` (PRICE), walking from the best level. */
export function depthWithinLimit(book: L2Book, side: Side, limit: bigint): bigint {
  let total = 0n;
  for (const l of side === 'buy' ? book.asks : book.bids) {
    if (side === 'buy' ? l.price > limit : l.price < limit) break;
    total += l.base;
  }
  return total;
}

/**
 * Validates one taker order against its cap and returns its tick-aligned worst acceptable price. With
 * `needDepth` the venue's book must show the whole size within that price (an unknown book refuses); without
 * it (safety closes: reduce-only, bounded by the limit, a partial fill still reduces risk) only the best price
 * is checked.
 */
export function checkTaker(
  snap: SpreadSnapshot,
  spec: MarketSpec,
  side: Side,
  base: bigint,
  capBps: number,
  needDepth = true,
): TakerCheck {
  const { mark, bid, ask } = snap;
  if (!(mark > 0 && bid > 0 && ask > 0 && Number.isFinite(mark + bid + ask))) {
    return {
      ok: false,
      cause: 'slippage',
      reason: `no usable prices (mark ${mark}, bid ${bid}, ask ${ask})`,
    };
  }
  if (bid > ask) return { ok: false, cause: 'slippage', reason: `crossed book (bid ${bid} > ask ${ask})` };
  const limit = priceOnTick(mark * (1 + ((side === 'buy' ? 1 : -1) * capBps) / 1e4), spec.tickSize, side);
  if (limit <= 0n)
    return { ok: false, cause: 'slippage', reason: `cap ${capBps} bps leaves no positive price` };
  const limitPx = priceToNumber(limit);
  const book = snap.book;
  const bestLevel = book ? (side === 'buy' ? book.asks[0] : book.bids[0]) : undefined;
  const best = bestLevel ? priceToNumber(bestLevel.price) : side === 'buy' ? ask : bid;
  if (side === 'buy' ? best > limitPx : best < limitPx) {
    const what = side === 'buy' ? 'best ask' : 'best bid';
    return {
      ok: false,
      cause: 'slippage',
      reason: `slippage: ${what} ${best} is ${bpsFrom(best, mark)} bps from mark ${mark}, beyond the ${capBps} bps cap (limit ${limitPx})`,
    };
  }
  if (needDepth) {
    if (!book) {
      return {
        ok: false,
        cause: 'noBook',
        reason: `no order book known for ${spec.symbol}: liquidity cannot be checked`,
      };
    }
    const depth = depthWithinLimit(book, side, limit);
    if (depth < base) {
      return {
        ok: false,
        cause: 'depth',
        reason: `liquidity: ${baseToNumber(depth)} visible within the ${capBps} bps limit ${limitPx} < order size ${baseToNumber(base)}`,
      };
    }
  }
  return { ok: true, price: limit };
}

export function planLegOrders(
  targets: readonly TargetPosition[],
  positions: readonly LegPosition[],
  snapshots: readonly SpreadSnapshot[],
  params: Pick<SpreadParams, 'maxSlippageBps' | 'closeMaxSlippageBps'>,
  markets: readonly MarketSpec[],
  options: LegPlanOptions = {},
): LegPlan {
  const rejected: LegRejection[] = [];
  const candidates = candidatesForTargets(targets, positions, markets, rejected);

  const paired = (options.closes ?? 'paired') === 'paired';
  const closes: CheckedCandidate[] = [];
  const opens: CheckedCandidate[] = [];
  for (const c of candidates) {
    const snap = snapshots.find((s) => s.marketIndex === c.spec.marketIndex);
    const cap = c.opening ? params.maxSlippageBps : params.closeMaxSlippageBps;
    const check = checkCandidate(c, snap, cap, options, paired);
    const entry = check.ok ? { c, order: takerOrder(c, check.price) } : { c };
    if (!check.ok) rejectCandidate(rejected, c, check.reason, check.cause);
    (c.opening ? opens : closes).push(entry);
  }

  withholdUnpaired(closes, opens, paired, rejected);

  const orders = [...sent(closes), ...sent(opens)];
  // One transaction per batch. Paired: everything at once, all or nothing. Independent: each close alone (one
  // that cannot fill must not stop another), then the openings together, all or nothing.
  const batches: LegBatch[] = [];
  if (paired) {
    if (orders.length > 0) batches.push({ orders, allOrNothing: true });
  } else {
    for (const o of sent(closes)) batches.push({ orders: [o], allOrNothing: false });
    if (sent(opens).length > 0) batches.push({ orders: sent(opens), allOrNothing: true });
  }
  return { orders, batches, rejected };
}

/** A candidate after validation, with the order it becomes unless it failed or was withheld. */
interface CheckedCandidate {
  c: Candidate;
  order?: DesiredOrder;
}

function rejectCandidate(
  rejected: LegRejection[],
  c: Candidate,
  reason: string,
  cause: RejectionCause,
): void {
  rejected.push({
    marketIndex: c.spec.marketIndex,
    market: c.spec.symbol,
    side: c.side,
    base: c.base,
    opening: c.opening,
    reason,
    cause,
  });
}

/** Each target's candidates (step-rounded); a target without a market spec is rejected instead. */
function candidatesForTargets(
  targets: readonly TargetPosition[],
  positions: readonly LegPosition[],
  markets: readonly MarketSpec[],
  rejected: LegRejection[],
): Candidate[] {
  const candidates: Candidate[] = [];
  for (const t of targets) {
    const spec = markets.find((m) => m.marketIndex === t.marketIndex);
    const current = positions.find((p) => p.marketIndex === t.marketIndex)?.base ?? 0n;
    if (!spec) {
      // Expected for a foreign position the caller has no spec for: say so instead of guessing tick and step.
      rejected.push({
        marketIndex: t.marketIndex,
        market: `perp-${t.marketIndex}`,
        side: t.base * 1e9 > Number(current) ? 'buy' : 'sell',
        base: 0n,
        opening: false,
        reason: 'no market spec (tick/step unknown)',
        cause: 'invalid',
      });
      continue;
    }
    const size = sizeOnStep(t.base, spec.stepSize);
    if (size === 0n && t.base !== 0 && current === 0n) {
      // A leg that rounds away must still fail the pair, not leave its partner to open alone.
      candidates.push({ spec, side: t.base > 0 ? 'buy' : 'sell', base: 0n, opening: true });
      continue;
    }
    candidates.push(...candidatesFor(spec, current, t.base < 0 ? -size : size));
  }
  return candidates;
}

/** Validates one candidate: its snapshot, what blocks an opening, then its price (and depth) against the cap. */
function checkCandidate(
  c: Candidate,
  snap: SpreadSnapshot | undefined,
  cap: number,
  options: LegPlanOptions,
  paired: boolean,
): TakerCheck {
  if (!snap) return { ok: false, reason: 'no market snapshot', cause: 'invalid' };
  if (c.opening && options.openingBlocked) {
    return { ok: false, reason: `opening blocked: ${options.openingBlocked}`, cause: 'blocked' };
  }
  if (c.opening && snap.reduceOnly) {
    return { ok: false, reason: 'market is reduce-only on the venue', cause: 'blocked' };
  }
  if (c.opening && c.base < c.spec.minOrderSize) {
    return {
      ok: false,
      reason: `size ${baseToNumber(c.base)} below the minimum order ${baseToNumber(c.spec.minOrderSize)}`,
      cause: 'blocked',
    };
  }
  // Openings and paired closes must find their size in the book; safety closes only need a sane price.
  return checkTaker(snap, c.spec, c.side, c.base, cap, c.opening || paired);
}

function takerOrder(c: Candidate, price: bigint): DesiredOrder {
  return {
    marketIndex: c.spec.marketIndex,
    side: c.side,
    price,
    base: c.base,
    postOnly: false,
    reduceOnly: !c.opening,
    level: 0,
    taker: true,
  };
}

/** Holds back every order of a group that would go out without its partners; says why in `rejected`. */
function withhold(group: CheckedCandidate[], why: string, rejected: LegRejection[]): void {
  for (const g of group) {
    if (g.order) rejectCandidate(rejected, g.c, `withheld: ${why}`, 'withheld');
    g.order = undefined;
  }
}

const failedMarkets = (group: CheckedCandidate[]) =>
  group.filter((g) => !g.order).map((g) => g.c.spec.symbol);

const sent = (group: { order?: DesiredOrder }[]) => group.flatMap((g) => (g.order ? [g.order] : []));

/** The pairing rules: paired closes all or nothing, opens only after their closes, opens both legs or neither. */
function withholdUnpaired(
  closes: CheckedCandidate[],
  opens: CheckedCandidate[],
  paired: boolean,
  rejected: LegRejection[],
): void {
  if (paired && failedMarkets(closes).length > 0) {
    withhold(
      closes,
      `closing ${failedMarkets(closes).join(', ')} failed validation (closes are paired)`,
      rejected,
    );
  }
  // An opening must not stack on a position whose close did not go out (the far side of a flip).
  const openMarkets = new Set(opens.map((g) => g.c.spec.symbol));
  const blocking = failedMarkets(closes).filter((m) => paired || openMarkets.has(m));
  if (blocking.length > 0) {
    withhold(opens, `closing ${blocking.join(', ')} did not go out (opens follow closes)`, rejected);
  } else if (failedMarkets(opens).length > 0) {
    withhold(
      opens,
      `opening ${failedMarkets(opens).join(', ')} failed validation (both legs or neither)`,
      rejected,
    );
  }
}
