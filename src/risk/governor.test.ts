import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { VERDICT_RANK, type VerdictKind } from '../domain/intent.ts';
import { anyRuleTrips, approvedVerdict, evaluateRisk } from './governor.ts';
import { clampBand, type GovernorState, INITIAL_GOVERNOR_STATE } from './inputs.ts';
import { defaultRiskLimits, type RiskLimits } from './limits.ts';
import { accountAt, band, makeInputs } from './test-support/fixtures.ts';

const limits = (over: Partial<RiskLimits> = {}): RiskLimits => ({ ...defaultRiskLimits(), ...over });

/** The strategy's band and the position, drawn alike by the property tests below. */
const bandAndPosition = {
  lo: fc.double({ min: -100, max: 0, noNaN: true }),
  hi: fc.double({ min: 0, max: 100, noNaN: true }),
  q: fc.double({ min: -40, max: 40, noNaN: true }),
};
/** The account's equity and the mark. */
const accountDraws = {
  equity: fc.double({ min: 10, max: 5000, noNaN: true }),
  mark: fc.double({ min: 1, max: 1000, noNaN: true }),
};

describe('evaluateRisk', () => {
  it('approves a quiet account and passes the band through', () => {
    const r = evaluateRisk(makeInputs({ band: band(-2, 3, 1) }), limits());
    assert.equal(r.verdict.kind, 'APPROVE');
    assert.deepEqual(r.verdict.band, band(-2, 3, 1));
    assert.deepEqual(r.verdict.reasons, []);
    assert.deepEqual(r.state, INITIAL_GOVERNOR_STATE);
  });

  it('intersects every clamp and keeps each reason', () => {
    // B allows ±27 (3x × 0.9), D with maxNotional 2000 allows ±18, E (longs pay) allows ≤ the position (4).
    const r = evaluateRisk(
      makeInputs({
        band: band(-50, 50, 10),
        account: { positionBase: 4 },
        snapshot: { fundingRate: 0.0001 },
      }),
      limits({ maxNotional: 2000 }),
    );
    assert.equal(r.verdict.kind, 'CLAMP');
    assert.equal(r.verdict.band.maxBase, 4);
    assert.ok(Math.abs(r.verdict.band.minBase + 18) < 1e-9);
    assert.equal(r.verdict.band.preferredBase, 4);
    assert.deepEqual(
      r.verdict.reasons.map((x) => x.rule),
      ['B_leverage', 'D_notional', 'E_funding'],
    );
  });

  it('PAUSE beats REDUCE_ONLY beats CLAMP, all reasons kept', () => {
    const r = evaluateRisk(
      makeInputs({
        band: band(-50, 50),
        mark: 103,
        snapshot: { oracle: 100 },
        account: { dailyPnl: -500 },
      }),
      limits(),
    );
    assert.equal(r.verdict.kind, 'PAUSE');
    const rules = r.verdict.reasons.map((x) => x.rule);
    for (const id of ['B_leverage', 'C_daily_loss', 'F_divergence', 'G_reduce_only'] as const) {
      assert.ok(rules.includes(id), `${id} missing from ${rules.join(',')}`);
    }
    const noPause = evaluateRisk(makeInputs({ band: band(-50, 50), account: { dailyPnl: -500 } }), limits());
    assert.equal(noPause.verdict.kind, 'REDUCE_ONLY');
    assert.match(
      noPause.verdict.reasons.find((x) => x.rule === 'G_reduce_only')?.message ?? '',
      /C_daily_loss/,
    );
  });

  it('the verdict kind is the highest-ranked tripped action (property)', () => {
    fc.assert(
      fc.property(
        fc.record({
          ...bandAndPosition,
          ...accountDraws,
          div: fc.double({ min: -0.05, max: 0.05, noNaN: true }),
          vol: fc.double({ min: 0, max: 5, noNaN: true }),
          rate: fc.double({ min: -0.0002, max: 0.0002, noNaN: true }),
          pnl: fc.double({ min: -300, max: 300, noNaN: true }),
          manual: fc.boolean(),
        }),
        (x) => {
          const inputs = makeInputs({
            mark: x.mark,
            band: band(x.lo, x.hi, 0),
            account: { ...accountAt(x.mark, x.q, x.equity), dailyPnl: x.pnl },
            snapshot: { oracle: x.mark * (1 + x.div), vol: x.vol, fundingRate: x.rate },
            manualReduceOnly: x.manual,
          });
          const r = evaluateRisk(inputs, limits());
          const ranks = r.outcomes.filter((o) => o.tripped).map((o) => VERDICT_RANK[o.action]);
          const top = Math.max(0, ...ranks);
          const integrityPause = r.outcomes.some((o) => o.tripped && o.rule === 'F_divergence');
          if (top === VERDICT_RANK.PAUSE && !integrityPause && r.verdict.kind === 'REDUCE_ONLY') {
            // the one exception: a volatility/daily-loss PAUSE gives way to a defense (defenseOverridesPause)
            const defense = r.outcomes.some(
              (o) => o.tripped && o.rule === 'A_liquidation_buffer' && o.action === 'REDUCE_ONLY',
            );
            const q = x.q;
            assert.ok(defense || q > r.verdict.band.maxBase || q < r.verdict.band.minBase);
          } else assert.equal(VERDICT_RANK[r.verdict.kind], top);
          assert.equal(r.verdict.reasons.length, ranks.length);
          // Risk only narrows: the verdict band is inside the strategy's band and inside every tripped range.
          const b = r.verdict.band;
          assert.ok(b.minBase <= b.preferredBase && b.preferredBase <= b.maxBase);
          assert.ok(b.minBase >= Math.min(x.lo, 0) - 1e-9 && b.maxBase <= Math.max(x.hi, 0) + 1e-9);
          for (const o of r.outcomes) {
            if (!o.tripped || !o.allowed) continue;
            assert.ok(b.minBase >= o.allowed.minBase - 1e-9 && b.maxBase <= o.allowed.maxBase + 1e-9);
          }
        },
      ),
      { seed: 42, numRuns: 300 },
    );
  });

  // The bots' every-bar pre-check asks anyRuleTrips first and takes `approved` when it says no: it must say yes
  // exactly when some rule's outcome is tripped, whatever the state carried in (hysteresis, a latch today or
  // not), the flags and the figures — drawn around every limit of the default set.
  it('anyRuleTrips is true exactly when some rule trips (property)', () => {
    const rules = [
      'A_liquidation_buffer',
      'B_leverage',
      'C_daily_loss',
      'D_notional',
      'E_funding',
      'F_divergence',
      'V_volatility',
    ] as const;
    const actions: VerdictKind[] = ['CLAMP', 'REDUCE_ONLY', 'PAUSE'];
    const ts = 1_700_000_000_000;
    const day = Math.floor(ts / 86_400_000);
    let tripped = 0;
    let quiet = 0;
    fc.assert(
      fc.property(
        fc.record({
          ...bandAndPosition,
          bid: fc.double({ min: 0, max: 20, noNaN: true }),
          ask: fc.double({ min: 0, max: 20, noNaN: true }),
          ...accountDraws,
          div: fc.oneof(
            fc.double({ min: -0.002, max: 0.002, noNaN: true }),
            fc.double({ min: -0.08, max: 0.08, noNaN: true }),
          ),
          vol: fc.oneof(
            fc.double({ min: 0, max: 1, noNaN: true }),
            fc.double({ min: 0, max: 8, noNaN: true }),
          ),
          rate: fc.oneof(fc.constant(0), fc.double({ min: -0.0004, max: 0.0004, noNaN: true })),
          pnl: fc.double({ min: -150, max: 300, noNaN: true }),
          ageSec: fc.oneof(
            fc.double({ min: 0, max: 20, noNaN: true }),
            fc.double({ min: 0, max: 600, noNaN: true }),
          ),
          stale: fc.constantFrom(false, false, false, false, true),
          observed: fc.boolean(),
          paused: fc.constantFrom(undefined, undefined, false, true),
          venueReduceOnly: fc.constantFrom(false, false, false, false, true),
          manual: fc.constantFrom(false, false, false, false, true),
          configReduceOnly: fc.constantFrom(false, false, false, false, true),
          active: fc.dictionary(fc.constantFrom(...rules), fc.constantFrom(...actions), { maxKeys: 3 }),
          latch: fc.constantFrom(null, day, day - 1),
          initial: fc.boolean(),
          maxNotional: fc.constantFrom(1_000, 10_000, 1e9),
        }),
        (x) => {
          const previous: GovernorState = x.initial
            ? INITIAL_GOVERNOR_STATE
            : { active: x.active, dailyLossLatchDay: x.latch, dailyLossSince: x.latch === null ? null : ts };
          const inputs = makeInputs({
            ts,
            mark: x.mark,
            band: band(x.lo, x.hi, 0),
            account: {
              ...accountAt(x.mark, x.q, x.equity),
              openBidBase: x.bid,
              openAskBase: x.ask,
              dailyPnl: x.pnl,
            },
            snapshot: {
              oracle: x.mark * (1 + x.div),
              vol: x.vol,
              fundingRate: x.rate,
              oracleAgeMs: x.ageSec * 1000,
              oracleStale: x.stale,
              oracleObserved: x.observed,
              marketPaused: x.paused,
              reduceOnly: x.venueReduceOnly,
            },
            manualReduceOnly: x.manual,
            previous,
          });
          const l = limits({ reduceOnly: x.configReduceOnly, maxNotional: x.maxNotional });
          const r = evaluateRisk(inputs, l);
          const some = r.outcomes.some((o) => o.tripped);
          assert.equal(anyRuleTrips(inputs, l), some);
          if (some) tripped++;
          else {
            quiet++;
            // what the bots take without evaluating (GridBot.evaluate and its pre-check)
            assert.equal(r.state, INITIAL_GOVERNOR_STATE);
            assert.deepEqual(r.verdict, approvedVerdict(inputs.band));
          }
        },
      ),
      { seed: 7, numRuns: 2000 },
    );
    // both answers drawn often enough to mean something
    assert.ok(tripped > 200 && quiet > 100, `tripped ${tripped}, quiet ${quiet}`);
  });

  // The governor answers a check with no rule tripped without folding (approved()): the same verdict and state
  // the fold gives — APPROVE, the band clamped to an unbounded range, no reasons, nothing active, no latch.
  it('with no rule tripped: APPROVE, the band as clampBand leaves it, the initial state (property)', () => {
    let quiet = 0;
    fc.assert(
      fc.property(
        fc.record({
          lo: fc.double({ min: -2, max: 0, noNaN: true }),
          hi: fc.double({ min: 0, max: 2, noNaN: true }),
          preferred: fc.double({ min: -3, max: 3, noNaN: true }),
          q: fc.double({ min: -1, max: 1, noNaN: true }),
          equity: fc.double({ min: 100, max: 5000, noNaN: true }),
          mark: fc.double({ min: 1, max: 200, noNaN: true }),
          div: fc.double({ min: -0.03, max: 0.03, noNaN: true }),
        }),
        (x) => {
          const asked = band(x.lo, x.hi, x.preferred);
          const r = evaluateRisk(
            makeInputs({
              mark: x.mark,
              band: asked,
              account: accountAt(x.mark, x.q, x.equity),
              snapshot: { oracle: x.mark * (1 + x.div) },
            }),
            limits(),
          );
          if (r.outcomes.some((o) => o.tripped)) return;
          quiet++;
          const unbounded = { minBase: Number.NEGATIVE_INFINITY, maxBase: Number.POSITIVE_INFINITY };
          assert.deepEqual(r.verdict, { kind: 'APPROVE', band: clampBand(asked, unbounded), reasons: [] });
          assert.deepEqual(r.state, { active: {}, dailyLossLatchDay: null, dailyLossSince: null });
          assert.ok(Object.isFrozen(r.state) && Object.isFrozen(r.state.active));
        },
      ),
      { seed: 7, numRuns: 300 },
    );
    assert.ok(quiet > 50, `only ${quiet} of 300 checks tripped nothing`);
  });
});

/** Runs the governor over a sequence of inputs, feeding the state forward, and returns the verdict kinds. */
function run(sequence: Parameters<typeof makeInputs>[0][], l: RiskLimits): VerdictKind[] {
  let state: GovernorState = INITIAL_GOVERNOR_STATE;
  return sequence.map((over) => {
    const r = evaluateRisk(makeInputs({ ...over, previous: state }), l);
    state = r.state;
    return r.verdict.kind;
  });
}

const flips = (kinds: VerdictKind[]): number => kinds.slice(1).filter((k, i) => k !== kinds[i]).length;

describe('hysteresis', () => {
  it('a divergence oscillating ±0.1% around the 2% limit trips once and stays tripped', () => {
    const seq = Array.from({ length: 40 }, (_, i) => ({
      mark: 100 * (1 + (i % 2 === 0 ? 0.021 : 0.019)),
      snapshot: { oracle: 100 },
    }));
    const kinds = run(seq, limits());
    assert.equal(flips(kinds), 0);
    assert.ok(kinds.every((k) => k === 'PAUSE'));
    // Without hysteresis the same path flaps on every step: the test can tell the difference.
    assert.equal(flips(run(seq, limits({ hysteresisPct: 0 }))), 39);
  });

  it('releases once the measure is back inside by the margin', () => {
    const kinds = run(
      [
        { mark: 102.1, snapshot: { oracle: 100 } },
        { mark: 101.9, snapshot: { oracle: 100 } },
        { mark: 101.7, snapshot: { oracle: 100 } }, // 1.7% < 2% × 0.9
      ],
      limits(),
    );
    assert.deepEqual(kinds, ['PAUSE', 'PAUSE', 'APPROVE']);
  });

  it('volatility around maxVolatility does not flap between CLAMP and APPROVE', () => {
    const seq = Array.from({ length: 30 }, (_, i) => ({ snapshot: { vol: i % 2 === 0 ? 1.55 : 1.45 } }));
    const kinds = run(seq, limits());
    assert.equal(flips(kinds), 0);
    assert.equal(flips(run(seq, limits({ hysteresisPct: 0 }))), 29);
  });

  it('the liquidation buffer does not flap when the distance wobbles around the minimum', () => {
    // Equity wobbles so the distance alternates around 15%; the band stays inside the clamp.
    const seq = Array.from({ length: 20 }, (_, i) => ({
      band: band(0, 1),
      account: accountAt(100, 50, i % 2 === 0 ? 860 : 900),
    }));
    const kinds = run(seq, limits());
    assert.equal(kinds[0], 'REDUCE_ONLY');
    assert.equal(flips(kinds), 0);
    assert.ok(flips(run(seq, limits({ hysteresisPct: 0 }))) > 10);
  });

  it('the daily-loss latch is carried in the state', () => {
    const ts = Date.UTC(2026, 0, 5, 10);
    const kinds = run(
      [
        { ts, account: { dailyPnl: -120 } },
        { ts: ts + 60_000, account: { dailyPnl: 10 } },
        { ts: Date.UTC(2026, 0, 6, 0, 1), account: { dailyPnl: 0 } },
      ],
      limits(),
    );
    assert.deepEqual(kinds, ['REDUCE_ONLY', 'REDUCE_ONLY', 'APPROVE']);
  });

  it('flatten: the band collapses to [0, 0]; the close turns taker flattenAfterSec after the trip, not before', () => {
    const ts = Date.UTC(2026, 0, 5, 10);
    let state = INITIAL_GOVERNOR_STATE;
    const at = (t: number, dailyPnl: number) => {
      const e = evaluateRisk(makeInputs({ ts: t, previous: state, account: { dailyPnl } }), limits());
      state = e.state;
      return e.verdict;
    };
    const tripped = at(ts, -120);
    assert.deepEqual([tripped.band.minBase, tripped.band.maxBase], [0, 0]);
    assert.deepEqual(tripped.flatten, { sinceTs: ts, taker: false });
    assert.deepEqual(at(ts + 59_000, 5).flatten, { sinceTs: ts, taker: false }, 'still latched, still maker');
    assert.deepEqual(at(ts + 60_000, 5).flatten, { sinceTs: ts, taker: true });
    assert.equal(state.dailyLossSince, ts);
    assert.equal(at(Date.UTC(2026, 0, 6, 0, 1), 0).flatten, undefined, 'released the next UTC day');
    const r = evaluateRisk(
      makeInputs({ ts, account: { dailyPnl: -120 } }),
      limits({ dailyLossAction: 'reduce_only' }),
    );
    assert.equal(r.verdict.flatten, undefined);
  });

  it('a volatility PAUSE gives way to the liquidation defense; a divergence PAUSE does not', () => {
    const inside = { ...accountAt(100, 30, 400) }; // 7.5x: inside the liquidation buffer
    const lim = limits();
    const vol = evaluateRisk(
      makeInputs({ account: inside, snapshot: { vol: lim.pauseVolatility * 2 } }),
      lim,
    );
    assert.equal(vol.verdict.kind, 'REDUCE_ONLY');
    assert.ok(
      vol.verdict.reasons.some((r) => r.rule === 'V_volatility' && r.action === 'PAUSE'),
      'the PAUSE reason is kept',
    );
    assert.ok(vol.verdict.reasons.some((r) => r.rule === 'A_liquidation_buffer'));
    const div = evaluateRisk(makeInputs({ account: inside, snapshot: { oracle: 110 } }), lim);
    assert.equal(div.verdict.kind, 'PAUSE');
  });
});
