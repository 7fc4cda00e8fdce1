import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Verdict } from '../domain/intent.ts';
import { DayStartEquity } from './day-start-equity.ts';
import { decisionTrigger, initialTriggerState, markDecided } from './decision-trigger.ts';
import { manualVerdict } from './manual-controls.ts';
import { UserOrderIds } from './user-order-ids.ts';

describe('decision trigger (the hybrid loop)', () => {
  const cfg = { requoteThresholdBps: 10, heartbeatMs: 60_000 };
  const base = { ts: 0, mark: 100, oracleStale: false, venueEvent: false, cadenceFactor: 1 };

  it('decides first, then only on events, mark moves, oracle flips or the heartbeat', () => {
    const s = initialTriggerState();
    assert.equal(
      decisionTrigger(base, s, cfg),
      'mark_moved',
      'no decision yet: the first mark counts as moved',
    );
    markDecided(s, base);
    assert.equal(
      decisionTrigger({ ...base, ts: 1000, mark: 100.05 }, s, cfg),
      null,
      '5 bps: below the threshold',
    );
    assert.equal(decisionTrigger({ ...base, ts: 1000, mark: 100.1 }, s, cfg), 'mark_moved');
    assert.equal(decisionTrigger({ ...base, ts: 1000, venueEvent: true }, s, cfg), 'venue_event');
    assert.equal(decisionTrigger({ ...base, ts: 1000, oracleStale: true }, s, cfg), 'oracle_state');
    assert.equal(decisionTrigger({ ...base, ts: 60_000 }, s, cfg), 'heartbeat');
    assert.equal(
      decisionTrigger({ ...base, ts: 60_000, cadenceFactor: 2 }, s, cfg),
      null,
      'volatility slows it',
    );
  });
});

describe('manual controls', () => {
  const approve: Verdict = {
    kind: 'APPROVE',
    band: { kind: 'band', marketIndex: 0, minBase: -1, maxBase: 1, preferredBase: 0 },
    reasons: [],
  };
  it('pause narrows any verdict to PAUSE with a reason; off changes nothing', () => {
    const v = manualVerdict(approve, { pause: true, reduceOnly: false });
    assert.equal(v.kind, 'PAUSE');
    assert.match(v.reasons[0].message, /operator/);
    assert.equal(manualVerdict(approve, { pause: false, reduceOnly: true }), approve);
  });
});

describe('day-start equity', () => {
  it('keeps the first equity of each UTC day and moves with capital flows', () => {
    const d = new DayStartEquity();
    const day = 86_400_000;
    assert.equal(d.at(10, 1000), 1000);
    assert.equal(d.at(day - 1, 900), 1000, 'same day');
    assert.equal(d.at(day, 900), 900, 'next day starts at the current equity');
    d.adjust(100);
    assert.equal(d.at(day + 5, 1000), 1000);
  });
});

describe('userOrderIds', () => {
  it('hands out 1..255 round-robin, skipping ids still open, and fails only when all are used', () => {
    const ids = new UserOrderIds();
    assert.equal(ids.next([]), 1);
    assert.equal(ids.next([{ userOrderId: 2 }]), 3);
    const all = Array.from({ length: 255 }, (_, i) => ({ userOrderId: i + 1 }));
    assert.throws(() => ids.next(all), /255 userOrderIds/);
    const seen = new Set<number>();
    for (let i = 0; i < 300; i++) seen.add(ids.next([]));
    assert.equal(seen.size, 255);
    assert.ok(!seen.has(0));
  });
});
