import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generateCandles } from './synthetic.ts';
import { candleProblem } from './validate.ts';

describe('generateCandles', () => {
  it('is deterministic per seed and different across seeds', () => {
    const a = generateCandles(500, { seed: 1 });
    assert.deepStrictEqual(generateCandles(500, { seed: 1 }), a);
    assert.notDeepStrictEqual(generateCandles(500, { seed: 2 }), a);
  });

  it('makes valid, evenly spaced bars that chain open to previous close', () => {
    const c = generateCandles(5000, {
      seed: 9,
      startTs: 1_000_000_000_000,
      intervalMs: 300_000,
      startPrice: 0.75,
    });
    assert.equal(c.length, 5000);
    assert.equal(c[0].ts, 1_000_000_000_000);
    assert.equal(c[0].open, 0.75);
    for (let i = 0; i < c.length; i++) {
      assert.equal(candleProblem(c[i]), undefined);
      if (i > 0) {
        assert.equal(c[i].ts - c[i - 1].ts, 300_000);
        assert.equal(c[i].open, c[i - 1].close);
      }
    }
    // Prices sit on a tick of ~6 significant digits: short decimal text.
    assert.ok(
      c.every((x) => String(x.close).length <= 9),
      String(c.find((x) => String(x.close).length > 9)?.close),
    );
  });
});
