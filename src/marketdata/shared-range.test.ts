/**
 * A view of a shared range (SharedRange through a MarketDataHub) must always read what the bot's own
 * BlendedRange, fed the same samples, would hold — whatever the other bots on the hub do: join late, lag, see
 * another stream, stop. Each test feeds an own BlendedRange beside every view and compares them bit for bit.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { BlendedRange, type BlendedRangeConfig, type LookbackKey } from './blended-range.ts';
import { MarketDataHub } from './market-data-hub.ts';
import type { SharedRange } from './shared-range.ts';

const STEP = 1000;
/** Short windows (3, 5, 8, 13 samples at one sample per STEP) so tests fill them quickly. */
const LOOKBACKS: Record<LookbackKey, number> = {
  '1h': 3 * STEP,
  '4h': 5 * STEP,
  '1d': 8 * STEP,
  '1w': 13 * STEP,
};
const CONFIG: BlendedRangeConfig = { lookbackMs: LOOKBACKS };
const LONGEST = 13 * STEP;

/** A bot: its view and the range it would own, fed together. */
class Pair {
  readonly own: BlendedRange;
  readonly view: SharedRange;
  constructor(view: SharedRange, config: BlendedRangeConfig) {
    this.view = view;
    this.own = new BlendedRange(config);
  }
  push(ts: number, price: number): void {
    this.view.update(ts, price);
    this.own.update(ts, price);
  }
  check(what: string): void {
    assert.ok(Object.is(this.view.lo, this.own.lo), `${what}: lo ${this.view.lo} ≠ ${this.own.lo}`);
    assert.ok(Object.is(this.view.hi, this.own.hi), `${what}: hi ${this.view.hi} ≠ ${this.own.hi}`);
  }
}

/** A deterministic walk with repeated values (percentile ties). */
function walk(n: number, seed: number): number[] {
  const out: number[] = [];
  let p = 100;
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    p += ((s % 7) - 3) * 0.5;
    out.push(p);
  }
  return out;
}

describe('SharedRange through a MarketDataHub', () => {
  it('bots in lockstep share one timeline: each bar pushed once, every view reads its own range', () => {
    const hub = new MarketDataHub();
    const prices = walk(200, 1);
    const bots = Array.from({ length: 50 }, () => new Pair(hub.range('SOL-PERP', CONFIG), CONFIG));
    prices.forEach((p, k) => {
      for (const b of bots) {
        b.push((k + 1) * STEP, p);
        b.check(`bar ${k}`);
      }
    });
    assert.deepEqual(hub.stats(), { groups: 1, timelines: 1, views: 50, samples: 200, retained: 200 });
    assert.equal(bots[0]?.view.sharedWith, 50);
  });

  it('bots warmed one after another from the same start share, and lagging views read their own position', () => {
    const hub = new MarketDataHub();
    const prices = walk(120, 2);
    const a = new Pair(hub.range('SOL-PERP', CONFIG), CONFIG);
    const b = new Pair(hub.range('SOL-PERP', CONFIG), CONFIG);
    for (let k = 0; k < 100; k++) a.push((k + 1) * STEP, prices[k] as number);
    // b replays the same history behind a, reading as it goes
    for (let k = 0; k < 120; k++) {
      b.push((k + 1) * STEP, prices[k] as number);
      b.check(`b at ${k}`);
      if (k >= 100) {
        a.push((k + 1) * STEP, prices[k] as number);
        a.check(`a at ${k}`);
      }
    }
    assert.equal(hub.stats().timelines, 1);
    assert.equal(hub.stats().samples, 120);
  });

  it('a late joiner warmed for the longest lookback joins without copying; a shorter warm-up gets its own', () => {
    const hub = new MarketDataHub();
    const prices = walk(200, 3);
    const first = new Pair(hub.range('SOL-PERP', CONFIG), CONFIG);
    for (let k = 0; k < 100; k++) first.push((k + 1) * STEP, prices[k] as number);
    const full = new Pair(hub.range('SOL-PERP', CONFIG), CONFIG);
    const short = new Pair(hub.range('SOL-PERP', CONFIG), CONFIG);
    // full warms on [100 − 13, 100), short on [100 − 4, 100): both join the timeline at a sample inside it
    for (let k = 100 - LONGEST / STEP; k < 100; k++) full.push((k + 1) * STEP, prices[k] as number);
    for (let k = 96; k < 100; k++) short.push((k + 1) * STEP, prices[k] as number);
    assert.equal(hub.stats().timelines, 1);
    full.check('full after warm-up');
    assert.equal(hub.stats().timelines, 1, 'a full warm-up reads the shared range as it is');
    short.check('short after warm-up');
    assert.equal(hub.stats().timelines, 2, 'a short warm-up reads a range of its own samples');
    for (let k = 100; k < 200; k++) {
      for (const p of [first, full, short]) {
        p.push((k + 1) * STEP, prices[k] as number);
        p.check(`bar ${k}`);
      }
    }
  });

  it('a view whose stream leaves the others moves to a timeline of its own samples; two such share it', () => {
    const hub = new MarketDataHub();
    const prices = walk(80, 4);
    const bots = Array.from({ length: 4 }, () => new Pair(hub.range('SOL-PERP', CONFIG), CONFIG));
    for (let k = 0; k < 80; k++) {
      bots.forEach((b, i) => {
        // bots 2 and 3 see another price from bar 40 on (another feed)
        const p = (prices[k] as number) + (i >= 2 && k >= 40 ? 1 : 0);
        b.push((k + 1) * STEP, p);
        b.check(`bot ${i} bar ${k}`);
      });
    }
    assert.equal(hub.stats().timelines, 2);
    assert.equal(bots[2]?.view.sharedWith, 2);
  });

  it('history stays bounded: a view that stops reading moves to a timeline of its own', () => {
    const hub = new MarketDataHub({ historyMs: 5 * STEP, trimEvery: 4 });
    const prices = walk(300, 5);
    const live = new Pair(hub.range('SOL-PERP', CONFIG), CONFIG);
    const stalled = new Pair(hub.range('SOL-PERP', CONFIG), CONFIG);
    for (let k = 0; k < 300; k++) {
      live.push((k + 1) * STEP, prices[k] as number);
      if (k < 20) stalled.push((k + 1) * STEP, prices[k] as number);
    }
    const { retained, timelines } = hub.stats();
    // live's window (13) + historyMs (5) + up to trimEvery (4) on its timeline; stalled's own 13 on another
    assert.equal(timelines, 2);
    assert.ok(retained <= 13 + 5 + 4 + 1 + 13, `retained ${retained}`);
    live.check('live');
    stalled.check('stalled');
  });

  it('different markets or settings never share; release drops timelines nobody reads', () => {
    const hub = new MarketDataHub();
    const other: BlendedRangeConfig = { lookbackMs: LOOKBACKS, percentiles: [10, 90] };
    const views = [
      hub.range('SOL-PERP', CONFIG),
      hub.range('BTC-PERP', CONFIG),
      hub.range('SOL-PERP', other),
      hub.range('SOL-PERP', { ...CONFIG, percentiles: [5, 95] }),
    ];
    for (const v of views) v.update(STEP, 100);
    assert.deepEqual(hub.stats(), { groups: 3, timelines: 3, views: 4, samples: 3, retained: 3 });
    for (const v of views) v.release();
    assert.deepEqual(hub.stats(), { groups: 0, timelines: 0, views: 0, samples: 0, retained: 0 });
    assert.throws(() => views[0]?.update(2 * STEP, 100), /released/);
  });

  it('rejects bad settings when the view is made, as BlendedRange does', () => {
    assert.throws(() => new MarketDataHub().range('SOL-PERP', { percentiles: [90, 10] }), RangeError);
  });

  it('property: any joins, lags, gaps, other streams and releases read exactly the own range', () => {
    const weight = fc.constantFrom(0, 0.1, 0.25, 0.5);
    const bot = fc.record({
      join: fc.integer({ min: 0, max: 60 }),
      warm: fc.integer({ min: 1, max: 20 }),
      lag: fc.integer({ min: 0, max: 6 }),
      /** bars where this bot's price differs from the common stream */
      odd: fc.uniqueArray(fc.integer({ min: 0, max: 99 }), { maxLength: 4 }),
      /** bars this bot never sees */
      skip: fc.uniqueArray(fc.integer({ min: 0, max: 99 }), { maxLength: 4 }),
      release: fc.option(fc.integer({ min: 0, max: 99 })),
      readEvery: fc.integer({ min: 1, max: 7 }),
    });
    fc.assert(
      fc.property(
        fc.record({ '1h': weight, '4h': weight, '1d': weight, '1w': weight }),
        fc.array(bot, { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 0, max: 1000 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 0, max: 20 }),
        (drawn, specs, seed, trimEvery, history) => {
          const w: Record<LookbackKey, number> = { ...drawn };
          if (w['1h'] + w['4h'] + w['1d'] + w['1w'] === 0) w['1h'] = 1;
          const config: BlendedRangeConfig = { lookbackMs: LOOKBACKS, weights: w };
          const hub = new MarketDataHub({ historyMs: history * STEP, trimEvery });
          const prices = walk(100, seed);
          const bots = specs.map((s) => ({
            s,
            pair: new Pair(hub.range('SOL-PERP', config), config),
            at: -1,
          }));
          const priceOf = (b: (typeof bots)[number], k: number) =>
            (prices[k] as number) + (b.s.odd.includes(k) ? 0.25 : 0);
          let reads = 0;
          for (let now = 0; now < 100; now++) {
            for (const b of bots) {
              if (b.at === -2) continue;
              if (b.s.release === now) {
                b.pair.view.release();
                b.at = -2;
                continue;
              }
              const target = now - b.s.lag;
              if (target < b.s.join) continue;
              // first time: warm from join − warm, then follow up to the target (behind by `lag`)
              let k = b.at < 0 ? Math.max(0, b.s.join - b.s.warm) : b.at + 1;
              for (; k <= target; k++) {
                if (!b.s.skip.includes(k)) b.pair.push((k + 1) * STEP, priceOf(b, k));
                b.at = k;
                if (k % b.s.readEvery === 0 && b.at >= b.s.join) {
                  b.pair.check(`k ${k}`);
                  reads++;
                }
              }
            }
          }
          for (const b of bots) if (b.at !== -2) b.pair.check('end');
          return reads >= 0;
        },
      ),
      { numRuns: 300 },
    );
  });
});
