import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Verdict } from '../domain/intent.ts';
import { DayStartEquity } from './day-start-equity.ts';
import { gridTrigger } from './grid-trigger.ts';
import { manualVerdict } from './manual-controls.ts';
import { UserOrderIds } from './user-order-ids.ts';

describe('grid trigger (the hybrid loop)', () => {
  const cfg = { cadenceMs: 60_000, heartbeatMs: 300_000, requoteThresholdBps: 10 };
  const last = { ts: 0, mark: 100, zone: 0, oracleStale: false, cadenceFactor: 1, marketRelative: false };
  const now = {
    ts: 1000,
    mark: 100.4,
    zone: 0,
    oracleStale: false,
    venueEvent: false,
    riskChanged: false,
    rangeMoved: false,
    nextTimerTs: Number.POSITIVE_INFINITY,
  };

  it('decides first, then at once on fills, oracle flips, risk changes, deadlines and range moves', () => {
    assert.equal(gridTrigger(now, undefined, cfg), 'venue_event', 'no decision yet');
    assert.equal(gridTrigger(now, last, cfg), null, 'a price moving inside its level decides nothing');
    assert.equal(gridTrigger({ ...now, venueEvent: true }, last, cfg), 'venue_event');
    assert.equal(gridTrigger({ ...now, oracleStale: true }, last, cfg), 'oracle_state');
    assert.equal(gridTrigger({ ...now, riskChanged: true }, last, cfg), 'risk_changed');
    assert.equal(gridTrigger({ ...now, nextTimerTs: 1000 }, last, cfg), 'timer');
    assert.equal(gridTrigger({ ...now, rangeMoved: true }, last, cfg), 'range_moved');
  });

  it('a level crossed without a fill and the heartbeat wait for the cadence, which volatility stretches', () => {
    assert.equal(gridTrigger({ ...now, zone: 1 }, last, cfg), null, 'within the cadence');
    assert.equal(gridTrigger({ ...now, ts: 60_000, zone: 1 }, last, cfg), 'level_crossed');
    assert.equal(gridTrigger({ ...now, ts: 60_000, zone: 1 }, { ...last, cadenceFactor: 4 }, cfg), null);
    assert.equal(
      gridTrigger({ ...now, ts: 240_000, zone: 1 }, { ...last, cadenceFactor: 4 }, cfg),
      'level_crossed',
    );
    assert.equal(gridTrigger({ ...now, ts: 299_999 }, last, cfg), null);
    assert.equal(gridTrigger({ ...now, ts: 300_000 }, last, cfg), 'heartbeat');
  });

  it('a market-relative order (a reduction at the touch) is requoted when the mark moves past the threshold', () => {
    const relative = { ...last, marketRelative: true };
    assert.equal(gridTrigger({ ...now, mark: 100.05 }, relative, cfg), null, '5 bps');
    assert.equal(gridTrigger({ ...now, mark: 100.1 }, relative, cfg), 'mark_moved');
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

  it('survives a restart the same day through memory/restore, and expires the next day', () => {
    const day = 86_400_000;
    const before = new DayStartEquity();
    before.at(day + 10, 1000);
    const after = new DayStartEquity();
    after.restore(before.memory() as { day: number; equity: number });
    assert.equal(
      after.at(day + 5_000, 640),
      1000,
      'measured from the morning, not from the equity after losses',
    );
    assert.equal(after.at(2 * day, 640), 640);
    assert.equal(new DayStartEquity().memory(), undefined);
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
