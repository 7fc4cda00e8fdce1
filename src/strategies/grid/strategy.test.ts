import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MARKETS } from '../../domain/markets.ts';
import { mustParseGridParams } from './params.ts';
import { decideGrid, initialGridState } from './strategy.ts';
import { snapshotAt } from './test-support/fixtures.ts';

const SOL = MARKETS['SOL-PERP'];
const range = { lo: 140, hi: 160 };

describe('decideGrid', () => {
  it('asks for the band [−max short, +max long] with the curve’s preferred base', () => {
    const params = mustParseGridParams({ baseSizePerLevel: 0.5, levels: 20, curve: 'linear' });
    const d = decideGrid(snapshotAt(145), range, { base: 0 }, params, SOL, initialGridState());
    assert.deepEqual(d.band, { kind: 'band', marketIndex: 0, minBase: -10, maxBase: 10, preferredBase: 5 });
    assert.equal(d.ladder.length, 20);
    assert.equal(d.stepPct, 0.5);
    assert.equal(d.cadenceFactor, 1);
  });

  it('bullish: more bid than ask size and a long-shifted band', () => {
    const params = mustParseGridParams({ baseSizePerLevel: 1, bias: 'bullish' });
    const d = decideGrid(snapshotAt(150), range, { base: 0 }, params, SOL, initialGridState());
    const size = (side: string) => d.ladder.filter((o) => o.side === side).reduce((s, o) => s + o.base, 0n);
    assert.ok(size('buy') > size('sell'));
    assert.deepEqual([d.band.minBase, d.band.maxBase], [-5, 10]);
    assert.ok(d.band.preferredBase > 0, 'mid-range a bullish grid leans long');
  });

  it('high volatility widens the ladder spacing and slows the cadence, within the bounds', () => {
    const params = mustParseGridParams({ baseSizePerLevel: 1, stepPct: 0.5 });
    const calm = decideGrid(
      snapshotAt(150, { vol: 0.4 }),
      range,
      { base: 0 },
      params,
      SOL,
      initialGridState(),
    );
    const wild = decideGrid(
      snapshotAt(150, { vol: 1.6 }),
      range,
      { base: 0 },
      params,
      SOL,
      initialGridState(),
    );
    assert.equal(wild.stepPct, 1);
    assert.equal(wild.cadenceFactor, 2);
    const firstBid = (l: typeof calm.ladder) => l.find((o) => o.side === 'buy' && o.level === 1)?.price;
    assert.equal(firstBid(calm.ladder), 149_250_000n);
    assert.equal(firstBid(wild.ladder), 148_500_000n);
  });

  it('a market in reduce-only on the venue leaves only reducing orders', () => {
    const params = mustParseGridParams({ baseSizePerLevel: 1 });
    const d = decideGrid(
      snapshotAt(150, { reduceOnly: true }),
      range,
      { base: -2 },
      params,
      SOL,
      initialGridState(),
    );
    assert.equal(d.exitsOnly, true);
    assert.ok(d.ladder.every((o) => o.side === 'buy' && o.reduceOnly));
    assert.equal(d.ladder.length, 2);
  });
});
