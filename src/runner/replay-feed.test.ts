import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eventTime } from '../data/merge.ts';
import { generateCandles } from '../data/synthetic.ts';
import type { MarketEvent } from '../data/types.ts';
import { ReplayFeed } from './replay-feed.ts';

const events: MarketEvent[] = generateCandles(10, { seed: 1 }).map((candle) => ({
  type: 'bar',
  market: 'SOL-PERP',
  candle,
  intervalMs: 60_000,
}));

describe('ReplayFeed', () => {
  it('loops with time shifted by the span, so time keeps increasing', () => {
    const f = new ReplayFeed(events);
    let last = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < 35; i++) {
      const t = f.peekTime();
      const e = f.next() as MarketEvent;
      assert.equal(eventTime(e), t);
      assert.ok(t > last);
      last = t;
    }
    assert.equal(f.loops, 3);
    assert.equal(f.span, 10 * 60_000);
  });

  it('resumes from a cursor and stops at the end without loop', () => {
    const a = new ReplayFeed(events);
    for (let i = 0; i < 13; i++) a.next();
    const b = new ReplayFeed(events, a.cursor);
    assert.deepEqual(b.next(), a.next());
    const once = new ReplayFeed(events, { index: 0, loops: 0 }, false);
    for (let i = 0; i < 10; i++) assert.ok(once.next());
    assert.equal(once.next(), undefined);
    assert.equal(once.done, true);
    assert.equal(once.peekTime(), Number.POSITIVE_INFINITY);
  });

  it('history gives the events before the cursor, from a time', () => {
    const f = new ReplayFeed(events);
    for (let i = 0; i < 6; i++) f.next();
    const h = f.history(eventTime(events[3] as MarketEvent));
    assert.equal(h.length, 3);
  });
});
