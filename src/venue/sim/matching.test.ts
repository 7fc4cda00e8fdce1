import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { encounterDistance, type MakerFillRule } from './matching.ts';

/**
 * The encounter distance as a trader would work it out by hand: walk the path leg by leg, and on the first leg
 * whose end lies past the order (or at it, on 'touch'), add the distance from the leg's start to the order.
 * Kept apart from the matcher's code on purpose.
 */
function handWalked(path: number[], side: 'buy' | 'sell', price: number, rule: MakerFillRule): number {
  const past = (p: number): boolean => {
    const depth = side === 'buy' ? price - p : p - price; // > 0 past the order
    return rule === 'touch' ? depth >= 0 : depth > 0;
  };
  if (past(path[0] as number)) return 0;
  let walked = 0;
  for (let i = 1; i < path.length; i++) {
    const from = path[i - 1] as number;
    const to = path[i] as number;
    if (past(to)) return walked + Math.abs(price - from);
    walked += Math.abs(to - from);
  }
  return -1;
}

describe('encounterDistance', () => {
  it('measures along O→H→L→C to the first price past the order', () => {
    // 101 → 102 → 99 → 100: up 1, then down through a bid at 100 after 2 more
    assert.equal(encounterDistance([101, 102, 99, 100], 'buy', 100, 'tradeThrough'), 3);
    assert.equal(encounterDistance([101, 102, 99, 100], 'sell', 101.5, 'tradeThrough'), 0.5);
    assert.equal(encounterDistance([99, 102, 99, 100], 'buy', 100, 'tradeThrough'), 0, 'opened past it');
    assert.equal(
      encounterDistance([101, 101, 100, 100], 'buy', 100, 'tradeThrough'),
      -1,
      'a touch is not through',
    );
    assert.equal(encounterDistance([101, 101, 100, 100], 'buy', 100, 'touch'), 1, 'a touch fills on touch');
  });

  it('agrees with the hand-walked path on any bar (property)', () => {
    const px = fc.integer({ min: 9_000, max: 11_000 }).map((n) => n / 100);
    fc.assert(
      fc.property(
        fc.array(px, { minLength: 1, maxLength: 6 }),
        fc.constantFrom<'buy' | 'sell'>('buy', 'sell'),
        px,
        fc.constantFrom<MakerFillRule>('touch', 'tradeThrough', 'queue'),
        (path, side, price, rule) => {
          assert.equal(encounterDistance(path, side, price, rule), handWalked(path, side, price, rule));
        },
      ),
      { numRuns: 2_000 },
    );
  });
});
