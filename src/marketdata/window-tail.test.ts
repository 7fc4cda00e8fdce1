import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { SampleRing } from './sample-ring.ts';
import { WindowTail } from './window-tail.ts';

/**
 * A step of a stream through a window of at most `size` samples: a sample arrives (and the oldest leaves once the
 * window is full), a gap empties part of the window at once, the tail is read (at the run's usual depth, as a
 * window read at the same percentile is, or at any depth), or everything is cleared.
 */
type Op =
  | { kind: 'arrive'; pick: number }
  | { kind: 'gap'; count: number }
  | { kind: 'read'; depth: number | null }
  | { kind: 'clear' };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 400, arbitrary: fc.record({ kind: fc.constant('arrive' as const), pick: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('gap' as const), count: fc.nat(200) }) },
  {
    weight: 320,
    arbitrary: fc.record({
      kind: fc.constant('read' as const),
      depth: fc.oneof(
        { weight: 30, arbitrary: fc.constant(null) },
        { weight: 1, arbitrary: fc.double({ min: 0, max: 1, noNaN: true }) },
      ),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'clear' as const }) },
);

/**
 * Values from a pool: quarters in a small range (many equal values, as prices on a tick grid) or any doubles
 * (values far apart); no −0, which equals 0, so either may come first and deepEqual tells them apart.
 */
const pool = fc.oneof(
  fc.array(
    fc.integer({ min: 0, max: 400 }).map((v) => 100 + v / 4),
    { minLength: 1, maxLength: 200 },
  ),
  fc.array(
    fc.double({ min: -1000, max: 1000, noNaN: true }).map((v) => v + 0),
    { minLength: 1, maxLength: 60 },
  ),
);

describe('WindowTail', () => {
  it("reads a window's extreme values in order, as sorting the window does, however deep the reads", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(1 as const, -1 as const),
        fc.constantFrom(0, 8),
        fc.integer({ min: 1, max: 400 }),
        fc.double({ min: 0.02, max: 0.3, noNaN: true }),
        pool,
        fc.array(op, { minLength: 1, maxLength: 2000, size: 'max' }),
        (sign, baseSlack, size, usualDepth, values, ops) => {
          const tail = new WindowTail(sign, baseSlack);
          const ring = new SampleRing(Number.POSITIVE_INFINITY); // evicted by count here, not by time
          let window: number[] = [];
          const leave = (count: number): void => {
            for (let i = 0; i < count && ring.count > 0; i++) tail.leave(ring.shift());
            window = window.slice(Math.min(count, window.length));
          };
          for (const o of ops) {
            if (o.kind === 'arrive') {
              const v = values[o.pick % values.length];
              ring.push(0, v);
              tail.arrive(v);
              window.push(v);
              if (window.length > size) leave(window.length - size);
            } else if (o.kind === 'gap') {
              leave(o.count);
            } else if (o.kind === 'read' && ring.count > 0) {
              const depth = 1 + Math.min(ring.count - 1, Math.floor((o.depth ?? usualDepth) * ring.count));
              tail.ensure(depth, ring);
              // most extreme first: the largest for sign +1, the smallest for −1
              const want = [...window].sort((a, b) => sign * (b - a)).slice(0, depth);
              assert.deepEqual(
                want.map((_, r) => tail.top(r)),
                want,
              );
            } else if (o.kind === 'clear') {
              tail.clear();
              ring.clear();
              window = [];
            }
          }
        },
      ),
      { seed: 5, numRuns: 200 },
    );
  });

  it('keeps up with a steady window of a random walk read at a steady depth (the refills of a price window)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(1 as const, -1 as const),
        fc.integer({ min: 60, max: 600 }),
        fc.double({ min: 0.01, max: 0.15, noNaN: true }),
        fc.array(fc.integer({ min: -3, max: 3 }), { minLength: 500, maxLength: 2000 }),
        (sign, size, fraction, moves) => {
          const tail = new WindowTail(sign);
          const ring = new SampleRing(Number.POSITIVE_INFINITY); // evicted by count here, not by time
          let price = 100;
          for (const move of moves) {
            price += move / 8;
            if (ring.count === size) tail.leave(ring.shift());
            ring.push(0, price);
            tail.arrive(price);
            const depth = 1 + Math.floor(fraction * ring.count);
            tail.ensure(depth, ring);
            const want = Array.from({ length: ring.count }, (_, i) => ring.at(i))
              .sort((a, b) => sign * (b - a))
              .slice(0, depth);
            assert.deepEqual(
              want.map((_, r) => tail.top(r)),
              want,
            );
          }
        },
      ),
      { seed: 8, numRuns: 25 },
    );
  });
});
