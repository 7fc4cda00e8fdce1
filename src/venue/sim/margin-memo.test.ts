import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getMarket } from '../../domain/markets.ts';
import { emptyPosition, type PerpPositionState } from './ledger.ts';
import { computeMargin, type MarginFigures } from './margin.ts';
import { type DoublesMarket, marginAt, priceInteger } from './margin-doubles.ts';
import { currentMemo, planOf } from './margin-memo.ts';

const market: DoublesMarket = {
  spec: getMarket('SOL-PERP'),
  oracleNum: 150.25,
  cumulative: { long: 0n, short: 0n },
};
const long = (base: bigint): PerpPositionState => ({
  ...emptyPosition(0, 0n),
  base,
  quoteAsset: -base * 150n,
  quoteEntry: -base * 150n,
  openOrders: 4,
  openBids: 2_000_000_000n,
  openAsks: -1_000_000_000n,
});
const exactAt = (collateral: bigint, p: PerpPositionState) =>
  computeMargin({
    collateral,
    positions: [p],
    oraclePrice: () => BigInt(priceInteger(market.oracleNum)),
    market: () => market.spec,
    cumulativeFunding: () => market.cumulative,
  });

/** The doubles' figures (a class with getters) as the plain object computeMargin returns. */
const plain = (f: MarginFigures | undefined) =>
  (f as { toJSON?: () => MarginFigures } | undefined)?.toJSON?.();

describe('margin memo', () => {
  it('keeps its plan while only the oracle moves, and plans again when the account changes', () => {
    let positions = new Map([[0, long(3_000_000_000n)]]);
    const marketOf = () => market;
    let memo = currentMemo(undefined, 500_000_000n, positions, marketOf);
    const plan = planOf(memo, 500_000_000n, positions, marketOf);
    memo.figures = plan && marginAt(plan);
    const stamp = memo.stamp;

    market.oracleNum = 151.5;
    memo = currentMemo(memo, 500_000_000n, positions, marketOf);
    assert.equal(memo.figures, undefined, 'figures of the old oracle are dropped');
    assert.ok(memo.stamp > stamp, 'so are the liquidation prices (a new stamp)');
    assert.equal(planOf(memo, 500_000_000n, positions, marketOf), plan, 'the plan is kept');
    assert.deepEqual(plain(marginAt(plan!)), exactAt(500_000_000n, positions.get(0)!));

    // a fill: the ledger replaces the position
    positions = new Map([[0, long(4_000_000_000n)]]);
    memo = currentMemo(memo, 500_000_000n, positions, marketOf);
    const replanned = planOf(memo, 500_000_000n, positions, marketOf);
    assert.notEqual(replanned, plan);
    assert.deepEqual(plain(marginAt(replanned!)), exactAt(500_000_000n, positions.get(0)!));

    // a settlement: the collateral moved
    memo = currentMemo(memo, 400_000_000n, positions, marketOf);
    assert.notEqual(planOf(memo, 400_000_000n, positions, marketOf), replanned);
  });
});
