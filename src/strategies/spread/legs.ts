/**
 * Per-leg taker orders from absolute targets, each validated against its slippage cap BEFORE it is sent.
 *
 * Price limit: the cap is measured from the mark. A buy may pay at most mark × (1 + cap), rounded DOWN onto
 * the tick; a sell accepts at least mark × (1 − cap), rounded UP (rounding.ts rounds buys down and sells up),
 * so tick rounding can only tighten the cap, never loosen it. The visible fill price (best ask/bid, or the
 * deepest level needed to fill the size when the snapshot carries depth) must lie within that limit, else the
 * order is not emitted and the plan says why.
 *
 * Pairing: opening orders go out both-or-neither (a hedge with one leg is a directional bet); they also go out
 * only when every closing order in the plan goes out. Closing orders are all-or-nothing too in 'paired' mode
 * (signal exits) and stand alone in 'independent' mode (emergency, shutdown, repairs: close what can be closed).
 */
import type { TargetPosition } from '../../domain/intent.ts';
import type { MarketSpec } from '../../domain/markets.ts';
import { baseToNumber, priceToNumber } from '../../domain/precision.ts';
import { priceOnTick, sizeOnStep } from '../../domain/rounding.ts';
import type { DesiredOrder } from '../../domain/snapshot.ts';
import type { Side } from '../../domain/types.ts';
import type { SpreadParams } from './params.ts';
import type { LegPosition, SpreadSnapshot } from './types.ts';

export interface LegRejection {
  marketIndex: number;
  /** Market symbol, e.g. "DRIFT-PERP". */
  market: string;
  side: Side;
  /** Unsigned, BASE precision. */
  base: bigint;
  opening: boolean;
  reason: string;
}

export interface LegPlan {
  orders: DesiredOrder[];
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

export type TakerCheck = { ok: true; price: bigint } | { ok: false; reason: string };

const bpsFrom = (price: number, mark: number): string => (((price - mark) / mark) * 1e4).toFixed(1);

/** The worst price the visible book would fill `size` at, or why it cannot. */
function visibleFillPrice(
  snap: SpreadSnapshot,
  side: Side,
  size: number,
): { price: number } | { reason: string } {
  const levels = snap.depth ? (side === 'buy' ? snap.depth.asks : snap.depth.bids) : undefined;
  if (!levels) return { price: side === 'buy' ? snap.ask : snap.bid };
  let filled = 0;
  for (const level of levels) {
    if (!(level.size > 0 && level.price > 0)) continue;
    filled += level.size;
    if (filled >= size - 1e-12) return { price: level.price };
  }
  return { reason: `visible ${side === 'buy' ? 'ask' : 'bid'} liquidity ${filled} < order size ${size}` };
}

/** Validates one taker order against the cap and returns its tick-aligned worst acceptable price. */
export function checkTaker(
  snap: SpreadSnapshot,
  spec: MarketSpec,
  side: Side,
  base: bigint,
  capBps: number,
): TakerCheck {
  const { mark, bid, ask } = snap;
  if (!(mark > 0 && bid > 0 && ask > 0 && Number.isFinite(mark + bid + ask))) {
    return { ok: false, reason: `no usable prices (mark ${mark}, bid ${bid}, ask ${ask})` };
  }
  if (bid > ask) return { ok: false, reason: `crossed book (bid ${bid} > ask ${ask})` };
  const limit = priceOnTick(mark * (1 + ((side === 'buy' ? 1 : -1) * capBps) / 1e4), spec.tickSize, side);
  if (limit <= 0n) return { ok: false, reason: `cap ${capBps} bps leaves no positive price` };
  const fill = visibleFillPrice(snap, side, baseToNumber(base));
  if ('reason' in fill) return { ok: false, reason: fill.reason };
  const limitPx = priceToNumber(limit);
  const beyond = side === 'buy' ? fill.price > limitPx : fill.price < limitPx;
  if (beyond) {
    const what = snap.depth ? 'visible fill price' : side === 'buy' ? 'best ask' : 'best bid';
    return {
      ok: false,
      reason: `slippage: ${what} ${fill.price} is ${bpsFrom(fill.price, mark)} bps from mark ${mark}, beyond the ${capBps} bps cap (limit ${limitPx})`,
    };
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
  const reject = (c: Candidate, reason: string) =>
    rejected.push({
      marketIndex: c.spec.marketIndex,
      market: c.spec.symbol,
      side: c.side,
      base: c.base,
      opening: c.opening,
      reason,
    });

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

  const closes: { c: Candidate; order?: DesiredOrder }[] = [];
  const opens: { c: Candidate; order?: DesiredOrder }[] = [];
  for (const c of candidates) {
    const snap = snapshots.find((s) => s.marketIndex === c.spec.marketIndex);
    const cap = c.opening ? params.maxSlippageBps : params.closeMaxSlippageBps;
    let failure: string | undefined;
    let price = 0n;
    if (!snap) failure = 'no market snapshot';
    else if (c.opening && options.openingBlocked) failure = `opening blocked: ${options.openingBlocked}`;
    else if (c.opening && snap.reduceOnly) failure = 'market is reduce-only on the venue';
    else if (c.opening && c.base < c.spec.minOrderSize) {
      failure = `size ${baseToNumber(c.base)} below the minimum order ${baseToNumber(c.spec.minOrderSize)}`;
    } else {
      const check = checkTaker(snap, c.spec, c.side, c.base, cap);
      if (check.ok) price = check.price;
      else failure = check.reason;
    }
    const entry = failure
      ? { c }
      : {
          c,
          order: {
            marketIndex: c.spec.marketIndex,
            side: c.side,
            price,
            base: c.base,
            postOnly: false,
            reduceOnly: !c.opening,
            level: 0,
            taker: true,
          },
        };
    if (failure) reject(c, failure);
    (c.opening ? opens : closes).push(entry);
  }

  const withhold = (group: { c: Candidate; order?: DesiredOrder }[], why: string) => {
    for (const g of group) {
      if (g.order) reject(g.c, `withheld: ${why}`);
      g.order = undefined;
    }
  };
  const failedMarkets = (group: { c: Candidate; order?: DesiredOrder }[]) =>
    group.filter((g) => !g.order).map((g) => g.c.spec.symbol);

  const paired = (options.closes ?? 'paired') === 'paired';
  if (paired && failedMarkets(closes).length > 0) {
    withhold(closes, `closing ${failedMarkets(closes).join(', ')} failed validation (closes are paired)`);
  }
  // An opening must not stack on a position whose close did not go out (the far side of a flip).
  const openMarkets = new Set(opens.map((g) => g.c.spec.symbol));
  const blocking = failedMarkets(closes).filter((m) => paired || openMarkets.has(m));
  if (blocking.length > 0) {
    withhold(opens, `closing ${blocking.join(', ')} did not go out (opens follow closes)`);
  } else if (failedMarkets(opens).length > 0) {
    withhold(opens, `opening ${failedMarkets(opens).join(', ')} failed validation (both legs or neither)`);
  }

  const orders = [...closes, ...opens].flatMap((g) => (g.order ? [g.order] : []));
  return { orders, rejected };
}
