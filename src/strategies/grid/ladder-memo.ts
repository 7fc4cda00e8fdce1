/**
 * The last ladder a grid built, kept with everything it was built from (ladder.ts reads nothing else): the
 * lattice, the laid curve, the first level each side starts from, the position, the band, the clip, the live
 * level counts, the flags and the market. A decision that changes none of them gets the same orders back
 * without building them again. Most decisions are such: a level crossed or a heartbeat with no fill between
 * (in the example year, 137,000 of 154,000 decisions sent nothing), and a ladder costs BigInt sizes and prices
 * per level. Orders are immutable values, so handing the same array out twice is safe.
 */
import type { MarketSpec } from '../../domain/markets.ts';
import type { DesiredOrder } from '../../domain/snapshot.ts';
import type { LaidCurve } from './curve.ts';
import type { LadderReach, SideReach } from './ladder.ts';
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

/** Whether one side, scanned from `start` instead of `reach.from`, gives the same orders (ladder.ts sideHoldsFrom). */
export type SideHolds = (dir: 'buy' | 'sell', reach: SideReach, start: number) => boolean;

export class LadderMemo {
  #key: LadderKey | undefined;
  #ladder: DesiredOrder[] = [];
  /** What the kept ladder's scans saw (its `from`s follow the starts the kept ladder was last handed out for). */
  #reach: LadderReach = {
    bid: { from: 0, stop: 0, last: 0 },
    ask: { from: 0, stop: 0, last: 0 },
  };

  /**
   * The ladder for `key`: the kept one when the key is the last one's, else `build()` (then kept). A build
   * equal order for order to the kept ladder hands the kept array back: the key is wider than the ladder (the
   * price crossing a level whose target the position already holds moves `bidFrom` and adds no order — most
   * of a year's level crossings), and the array's identity is what the engine's quiet-plan memo checks. The
   * build is handed the kept ladder to take its equal orders from (buildLadder's `reuse`), and fills in what its
   * scans saw (`reach`). With `holds`, a key that moved only its starts keeps the ladder without building when
   * both sides hold from the new starts (ladder.ts SideReach): a level crossed without a fill, mostly.
   */
  ladder(
    key: LadderKey,
    build: (reuse: readonly DesiredOrder[], reach: LadderReach) => DesiredOrder[],
    holds?: SideHolds,
  ): DesiredOrder[] {
    const kept = this.#key;
    if (kept !== undefined && sameKey(kept, key)) return this.#ladder;
    const reach = this.#reach;
    // only the starts moved (a level crossed, no fill): the kept ladder stands if both sides hold from the new ones
    if (
      kept !== undefined &&
      holds !== undefined &&
      sameButStarts(kept, key) &&
      holds('buy', reach.bid, key.bidFrom) &&
      holds('sell', reach.ask, key.askFrom)
    ) {
      reach.bid.from = key.bidFrom;
      reach.ask.from = key.askFrom;
      this.#key = key;
      return this.#ladder;
    }
    // unknown until the build fills it in (a build that does not leaves NaN, and nothing holds against NaN)
    unknown(reach.bid);
    unknown(reach.ask);
    const built = build(this.#ladder, reach);
    if (!sameOrders(built, this.#ladder)) this.#ladder = built;
    this.#key = key;
    return this.#ladder;
  }
}
