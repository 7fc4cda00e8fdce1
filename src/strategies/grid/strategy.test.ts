import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MARKETS } from '../../domain/markets.ts';
import { baseToNumber, priceToNumber } from '../../domain/precision.ts';
import type { DesiredOrder } from '../../domain/snapshot.ts';
import { mustParseGridParams } from './params.ts';
import { decideGrid, initialGridState } from './strategy.ts';
import { snapshotAt } from './test-support/fixtures.ts';

const SOL = MARKETS['SOL-PERP'];
const range = { lo: 140, hi: 160 };
const size = (l: DesiredOrder[], side: string) =>
  l.filter((o) => o.side === side).reduce((s, o) => s + baseToNumber(o.base), 0);

describe('decideGrid', () => {
  it('asks for the band [−max short, +max long] with the curve’s preferred base', () => {
    const params = mustParseGridParams({ baseSizePerLevel: 0.5, levels: 20, curve: 'linear' });
    const d = decideGrid(snapshotAt(145), range, { base: 0 }, params, SOL, initialGridState());
    assert.deepEqual([d.band.minBase, d.band.maxBase], [-10, 10]);
    // a quarter of the way up the (lattice-snapped) range: about halfway to the max long
    assert.ok(d.band.preferredBase > 4.5 && d.band.preferredBase < 5.5, `${d.band.preferredBase}`);
    assert.equal(d.stepPct, 0.5);
    assert.equal(d.cadenceFactor, 1);
    // flat below the curve: the nearest bid takes the whole difference, and asks start only where it turns short
    const first = d.ladder.find((o) => o.side === 'buy');
    assert.ok(first && baseToNumber(first.base) > 4.5);
  });

  it('the same position walks differently along a linear and a stepwise curve', () => {
    const lin = decideGrid(
      snapshotAt(150),
      range,
      { base: 0 },
      mustParseGridParams({ baseSizePerLevel: 1, curve: 'linear' }),
      SOL,
      initialGridState(),
    );
    const step = decideGrid(
      snapshotAt(150),
      range,
      { base: 0 },
      mustParseGridParams({ baseSizePerLevel: 1, curve: 'stepwise' }),
      SOL,
      initialGridState(),
    );
    const sizes = (l: DesiredOrder[]) => l.filter((o) => o.side === 'buy').map((o) => baseToNumber(o.base));
    // range 140–160 holds ~27 levels of 0.5%: linear spreads 20 sizes over them (< 1 per level), stepwise 1 per level
    assert.ok(
      sizes(lin.ladder)
        .slice(1)
        .every((s) => s < 1),
      `${sizes(lin.ladder)}`,
    );
    assert.ok(
      sizes(step.ladder).every((s) => s === 1),
      `${sizes(step.ladder)}`,
    );
  });

  it('bullish: more bid than ask size and a long-shifted band', () => {
    const params = mustParseGridParams({ baseSizePerLevel: 1, bias: 'bullish' });
    const d = decideGrid(snapshotAt(150), range, { base: 0 }, params, SOL, initialGridState());
    assert.ok(size(d.ladder, 'buy') > size(d.ladder, 'sell'));
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
    assert.equal(calm.lattice.stepFraction, 0.005);
    assert.equal(wild.lattice.stepFraction, 0.01);
    const gaps = (l: DesiredOrder[]) => {
      const p = l.filter((o) => o.side === 'sell').map((o) => priceToNumber(o.price));
      return p[1] / p[0] - 1;
    };
    assert.ok(Math.abs(gaps(calm.ladder) - 0.005) < 1e-5 && Math.abs(gaps(wild.ladder) - 0.01) < 1e-5);
  });

  it('keeps its lattice and laid range from one decision to the next', () => {
    const params = mustParseGridParams({ baseSizePerLevel: 1 });
    const a = decideGrid(snapshotAt(150), range, { base: 0 }, params, SOL, initialGridState());
    const b = decideGrid(snapshotAt(151.3), { lo: 141, hi: 161 }, { base: 0 }, params, SOL, a.state);
    assert.equal(b.state, a.state, 'same lattice, the range only wobbled');
    assert.equal(b.lattice, a.lattice);
  });

  it('bounded: above the range no new short is opened; infinity keeps trading the lattice there', () => {
    const bounded = mustParseGridParams({ baseSizePerLevel: 1, rangeMode: 'bounded' });
    const infinity = mustParseGridParams({ baseSizePerLevel: 1, rangeMode: 'infinity' });
    const above = snapshotAt(165);
    const b = decideGrid(above, range, { base: -3 }, bounded, SOL, initialGridState());
    const i = decideGrid(above, range, { base: -3 }, infinity, SOL, initialGridState());
    assert.equal(size(b.ladder, 'sell'), 0);
    assert.ok(size(i.ladder, 'sell') > 0);
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
    assert.ok(size(d.ladder, 'buy') <= 2);
  });

  it('without a range yet, a held position is unwound one size per level and nothing new opens', () => {
    const params = mustParseGridParams({ baseSizePerLevel: 1 });
    const d = decideGrid(snapshotAt(150), undefined, { base: 3 }, params, SOL, initialGridState());
    assert.equal(d.exitsOnly, true);
    assert.deepEqual(
      d.ladder.map((o) => [o.side, baseToNumber(o.base), o.reduceOnly]),
      [
        ['sell', 1, true],
        ['sell', 1, true],
        ['sell', 1, true],
      ],
    );
  });
});
