/**
 * The last ladder a grid built, kept with everything it was built from (ladder.ts reads nothing else): the
 * lattice, the laid curve, the first level each side starts from, the position, the band, the clip, the live
 * level counts, the flags and the market. A decision that changes none of them gets the same orders back
 * without building them again. Most decisions are such: a level crossed or a heartbeat with no fill between
 * (in the example year, 137,000 of 154,000 decisions sent nothing), and a ladder costs BigInt sizes and prices
 * per level. Orders are immutable values, so handing the same array out twice is safe.
 *
 * It keeps the laid curve too (`curve`): a curve laid from the same inputs is the kept object, so the key
 * compares it by identity and its level prices are not computed again.
 */
import type { MarketSpec } from '../../domain/markets.ts';
import type { DesiredOrder } from '../../domain/snapshot.ts';
import {
  type CurveExtent,
  type CurveKind,
  flatBounds,
  type LaidCurve,
  layCurve,
  targetAtLevel,
} from './curve.ts';
import { buildLadder, type LadderReach, type LadderSpec, type SideReach, sideHoldsFrom } from './ladder.ts';
import type { Lattice } from './lattice.ts';

/** What a ladder is built from, but its `target` function: the curve and lattice stand for it. */
export interface LadderKey {
  lattice: Lattice;
  curve: LaidCurve;
  /** First level each side looks at: the highest below the ask (bids), the lowest above the bid (asks). */
  bidFrom: number;
  askFrom: number;
  position: number;
  minBase: number;
  maxBase: number;
  clip: { loIdx: number; hiIdx: number } | undefined;
  liveBids: number;
  liveAsks: number;
  postOnly: boolean;
  reduceOnly: boolean;
  market: MarketSpec;
}

/** Equal as numbers compare in the ladder: NaN (a range not laid) equals NaN. */
const same = (a: number, b: number): boolean => a === b || (Number.isNaN(a) && Number.isNaN(b));

function sameCurve(a: LaidCurve, b: LaidCurve): boolean {
  return (
    a === b ||
    (a.kind === b.kind &&
      same(a.extent.maxLong, b.extent.maxLong) &&
      same(a.extent.maxShort, b.extent.maxShort) &&
      same(a.sizePerLevel, b.sizePerLevel) &&
      same(a.loIdx, b.loIdx) &&
      same(a.hiIdx, b.hiIdx) &&
      same(a.lo, b.lo) &&
      same(a.hi, b.hi) &&
      same(a.zeroIdx, b.zeroIdx))
  );
}

const sameKey = (a: LadderKey, b: LadderKey): boolean =>
  a.bidFrom === b.bidFrom && a.askFrom === b.askFrom && sameButStarts(a, b);

/** Equal but perhaps for the levels the two sides start from. */
function sameButStarts(a: LadderKey, b: LadderKey): boolean {
  return (
    a.lattice === b.lattice &&
    a.market === b.market &&
    same(a.position, b.position) &&
    same(a.minBase, b.minBase) &&
    same(a.maxBase, b.maxBase) &&
    a.liveBids === b.liveBids &&
    a.liveAsks === b.liveAsks &&
    a.postOnly === b.postOnly &&
    a.reduceOnly === b.reduceOnly &&
    (a.clip === b.clip ||
      (a.clip !== undefined &&
        b.clip !== undefined &&
        same(a.clip.loIdx, b.clip.loIdx) &&
        same(a.clip.hiIdx, b.clip.hiIdx))) &&
    sameCurve(a.curve, b.curve)
  );
}

/** Two orders equal in every field (orders are plain values). */
const sameOrder = (a: DesiredOrder, b: DesiredOrder): boolean =>
  a.price === b.price &&
  a.base === b.base &&
  a.side === b.side &&
  a.level === b.level &&
  a.marketIndex === b.marketIndex &&
  a.postOnly === b.postOnly &&
  a.reduceOnly === b.reduceOnly &&
  a.taker === b.taker;

function sameOrders(a: readonly DesiredOrder[], b: readonly DesiredOrder[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && !sameOrder(a[i], b[i])) return false;
  return true;
}

function unknown(r: SideReach): void {
  r.from = Number.NaN;
  r.stop = Number.NaN;
  r.last = Number.NaN;
}

/** What buildLadder reads for a key and the book (the key's starts are where its scans start from the book). */
export function ladderSpecOf(key: LadderKey, bid: number, ask: number): LadderSpec {
  const { lattice, curve } = key;
  const flat = flatBounds(curve);
  return {
    lattice,
    target: (j) => targetAtLevel(curve, lattice, j),
    flatBelow: flat.below,
    flatAbove: flat.above,
    bid,
    ask,
    position: key.position,
    minBase: key.minBase,
    maxBase: key.maxBase,
    clip: key.clip,
    liveBids: key.liveBids,
    liveAsks: key.liveAsks,
    postOnly: key.postOnly,
    reduceOnly: key.reduceOnly,
  };
}

/** Builds a ladder into a new list (buildLadder's), taking `reuse`'s equal orders and filling in `reach`. */
export type LadderBuild = (
  spec: LadderSpec,
  market: MarketSpec,
  reuse: readonly DesiredOrder[],
  reach: LadderReach,
) => DesiredOrder[];

const buildAfresh: LadderBuild = (spec, market, reuse, reach) => buildLadder(spec, market, [], reuse, reach);

export class LadderMemo {
  #key: LadderKey | undefined;
  #ladder: DesiredOrder[] = [];
  /** What the kept ladder's scans saw (its `from`s follow the starts the kept ladder was last handed out for). */
  #reach: LadderReach = {
    bid: { from: 0, stop: 0, last: 0 },
    ask: { from: 0, stop: 0, last: 0 },
  };
  /**
   * The spec of the last build, which is what a key equal but for its starts has (sideHoldsFrom reads no book
   * price, the one part of it that may have moved since).
   */
  #spec: LadderSpec | undefined;
  /** The last curve laid, with its lattice (curve). */
  #curve: LaidCurve | undefined;
  #curveLattice: Lattice | undefined;
  readonly #build: LadderBuild;

  /** `build`: how a ladder is built (buildLadder; a test may count or replace the builds). */
  constructor(build: LadderBuild = buildAfresh) {
    this.#build = build;
  }

  /**
   * layCurve's curve for these inputs: the kept object when they are the last ones (layCurve reads nothing else,
   * and curves are values), else laid and kept.
   */
  curve(
    kind: CurveKind,
    lattice: Lattice,
    range: { loIdx: number; hiIdx: number },
    extent: CurveExtent,
    sizePerLevel: number,
  ): LaidCurve {
    const c = this.#curve;
    if (
      c !== undefined &&
      this.#curveLattice === lattice &&
      c.kind === kind &&
      c.loIdx === range.loIdx &&
      c.hiIdx === range.hiIdx &&
      c.extent.maxLong === extent.maxLong &&
      c.extent.maxShort === extent.maxShort &&
      c.sizePerLevel === sizePerLevel
    ) {
      return c;
    }
    this.#curveLattice = lattice;
    this.#curve = layCurve(kind, lattice, range, extent, sizePerLevel);
    return this.#curve;
  }

  /**
   * The ladder for `key` at the book's `bid` and `ask` (the key's starts are their levels): the kept one when
   * the key is the last one's, else built (then kept). A build equal order for order to the kept ladder hands
   * the kept array back: the key is wider than the ladder (the price crossing a level whose target the position
   * already holds moves `bidFrom` and adds no order — most of a year's level crossings), and the array's
   * identity is what the engine's quiet-plan memo checks. The build is handed the kept ladder to take its equal
   * orders from (buildLadder's `reuse`), and fills in what its scans saw (`reach`). A key that moved only its
   * starts keeps the ladder without building when both sides hold from the new starts (ladder.ts SideReach): a
   * level crossed without a fill, mostly.
   */
  ladder(key: LadderKey, bid: number, ask: number): DesiredOrder[] {
    const kept = this.#key;
    if (kept !== undefined && sameKey(kept, key)) return this.#ladder;
    const reach = this.#reach;
    const spec = this.#spec;
    // only the starts moved (a level crossed, no fill): the kept ladder stands if both sides hold from the new ones
    if (
      kept !== undefined &&
      spec !== undefined &&
      sameButStarts(kept, key) &&
      sideHoldsFrom(spec, key.market, 'buy', reach.bid, key.bidFrom) &&
      sideHoldsFrom(spec, key.market, 'sell', reach.ask, key.askFrom)
    ) {
      reach.bid.from = key.bidFrom;
      reach.ask.from = key.askFrom;
      this.#key = key;
      return this.#ladder;
    }
    // unknown until the build fills it in (a build that does not leaves NaN, and nothing holds against NaN)
    unknown(reach.bid);
    unknown(reach.ask);
    const fresh = ladderSpecOf(key, bid, ask);
    const built = this.#build(fresh, key.market, this.#ladder, reach);
    if (!sameOrders(built, this.#ladder)) this.#ladder = built;
    this.#key = key;
    this.#spec = fresh;
    return this.#ladder;
  }
}
