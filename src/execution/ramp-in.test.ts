import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DesiredOrder } from '../domain/snapshot.ts';
import { band } from '../risk/test-support/fixtures.ts';
import { rampFactor, scaleBand, scaleLadder } from './ramp-in.ts';

const cfg = { steps: 4, intervalSec: 900 };
const level = (side: 'buy' | 'sell', l: number): DesiredOrder => ({
  marketIndex: 0,
  side,
  price: 1_000_000n,
  base: 1_000_000_000n,
  postOnly: true,
  reduceOnly: false,
  level: l,
  taker: false,
});

describe('rampFactor', () => {
  it('opens a quarter per 15 minutes and is fully open after three intervals', () => {
    const t0 = 1_000_000;
    const at = (sec: number): number => rampFactor(t0, t0 + sec * 1000, cfg);
    assert.deepEqual(
      [at(0), at(899), at(900), at(1800), at(2700), at(99_999)],
      [0.25, 0.25, 0.5, 0.75, 1, 1],
    );
  });
  it('treats a clock before the start as the start, and steps ≤ 1 as no ramp', () => {
    assert.equal(rampFactor(5000, 0, cfg), 0.25);
    assert.equal(rampFactor(0, 0, { steps: 1, intervalSec: 900 }), 1);
    assert.equal(rampFactor(0, 0, { steps: 4, intervalSec: 0 }), 1);
  });
});

describe('scaleBand / scaleLadder', () => {
  it('scales the band toward zero', () => {
    assert.deepEqual(scaleBand(band(-4, 8, 2), 0.5), band(-2, 4, 1));
  });
  it('keeps the nearest fraction of levels per side and every level-0 order', () => {
    const ladder = [1, 2, 3, 4, 5].flatMap((l) => [level('buy', l), level('sell', l)]);
    const defense = { ...level('sell', 0), taker: true };
    const kept = scaleLadder([defense, ...ladder], 0.5);
    assert.deepEqual(
      kept.map((o) => `${o.side}${o.level}`),
      ['sell0', 'buy1', 'sell1', 'buy2', 'sell2', 'buy3', 'sell3'],
    );
    assert.equal(scaleLadder(ladder, 1).length, 10);
    assert.equal(scaleLadder(ladder, 0).length, 0);
  });
});
