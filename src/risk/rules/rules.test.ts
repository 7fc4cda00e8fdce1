import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { INITIAL_GOVERNOR_STATE } from '../inputs.ts';
import { defaultRiskLimits, type RiskLimits } from '../limits.ts';
import { accountAt, band, makeInputs } from '../test-support/fixtures.ts';
import { liqDistancePct, ruleLiquidationBuffer } from './a-liquidation-buffer.ts';
import { ruleLeverage } from './b-leverage.ts';
import { ruleDailyLoss, utcDay } from './c-daily-loss.ts';
import { ruleNotional } from './d-notional.ts';
import { fundingAprPct, ruleFunding } from './e-funding.ts';
import { ruleDivergence } from './f-divergence.ts';
import { ruleReduceOnly } from './g-reduce-only.ts';
import { ruleVolatility } from './v-volatility.ts';

const limits = (over: Partial<RiskLimits> = {}): RiskLimits => ({ ...defaultRiskLimits(), ...over });
const close = (a: number, b: number, eps = 1e-6): void => assert.ok(Math.abs(a - b) <= eps, `${a} ≉ ${b}`);

describe('A liquidation buffer', () => {
  it('does not trip for a small band on a healthy account', () => {
    const o = ruleLiquidationBuffer(makeInputs({ band: band(-5, 5) }), limits());
    assert.equal(o.tripped, false);
    assert.equal(o.action, 'APPROVE');
  });

  it('clamps a band that would grow into the buffer to the largest safe size', () => {
    const o = ruleLiquidationBuffer(makeInputs({ band: band(-100, 100, 50) }), limits());
    assert.equal(o.tripped, true);
    assert.equal(o.action, 'CLAMP');
    assert.ok(o.band && o.band.maxBase < 100 && o.band.minBase > -100);
    // At the clamp edge the projected distance sits at the release level (15% × 1.1), not inside the buffer.
    const edge = accountAt(100, o.band.maxBase, 1000);
    close(liqDistancePct(edge.positionBase, 100, edge.liquidationPrice), 16.5);
    const shortEdge = accountAt(100, o.band.minBase, 1000);
    close(liqDistancePct(shortEdge.positionBase, 100, shortEdge.liquidationPrice), 16.5);
    // The reason reports what the asked-for extreme (100 base, 10x) would do: (1000 − 300) / 9700.
    assert.equal(o.reason?.limit, 15);
    close(o.reason?.measured ?? 0, (700 / 9700) * 100);
  });

  it('asks for REDUCE_ONLY inside the buffer and reports the measured distance', () => {
    const account = accountAt(100, 60, 1000); // 6x: liq at 85.91, 14.09% away
    const o = ruleLiquidationBuffer(makeInputs({ account, band: band(0, 60) }), limits());
    assert.equal(o.action, 'REDUCE_ONLY');
    close(o.reason?.measured ?? 0, 100 - (6000 - 1000) / (60 * 0.97), 1e-9);
    assert.equal(o.reason?.limit, 15);
    assert.match(o.reason?.message ?? '', /liquidation distance % 14\.09 is inside the buffer/);
    assert.ok((o.allowed?.maxBase ?? 99) < 60);
  });

  it('the tighter of health and distance wins', () => {
    const account = accountAt(100, 40, 1000); // health 88, distance ≈ 22.7%
    const o = ruleLiquidationBuffer(makeInputs({ account }), limits({ minHealth: 90, minLiqDistancePct: 1 }));
    assert.equal(o.action, 'REDUCE_ONLY');
    close(o.reason?.measured ?? 0, 88);
    assert.equal(o.reason?.limit, 90);
    assert.match(o.reason?.message ?? '', /health/);
  });

  it('releases only past the hysteresis margin', () => {
    const account = accountAt(100, 55, 1000); // distance ≈ 15.9%: outside 15, inside 16.5
    const fresh = ruleLiquidationBuffer(makeInputs({ account, band: band(0, 1) }), limits());
    assert.equal(fresh.tripped, false);
    const previous = { ...INITIAL_GOVERNOR_STATE, active: { A_liquidation_buffer: 'REDUCE_ONLY' as const } };
    const held = ruleLiquidationBuffer(makeInputs({ account, band: band(0, 1), previous }), limits());
    assert.equal(held.action, 'REDUCE_ONLY');
  });
});

describe('B leverage cap', () => {
  it('does not trip below the cap', () => {
    assert.equal(ruleLeverage(makeInputs({ band: band(-5, 5) }), limits()).tripped, false);
  });

  it('clamps a band asking for more than the cap', () => {
    const o = ruleLeverage(makeInputs({ band: band(-50, 50) }), limits());
    assert.equal(o.action, 'CLAMP');
    close(o.reason?.measured ?? 0, 5);
    assert.equal(o.reason?.limit, 3);
    close(o.allowed?.maxBase ?? 0, 27); // 3 × 0.9 × 1000 / 100
    close(o.band?.minBase ?? 0, -27);
  });

  it('counts the worst-case open orders', () => {
    const o = ruleLeverage(
      makeInputs({ band: band(0, 1), account: { positionBase: 20, openBidBase: 15, openAskBase: 5 } }),
      limits(),
    );
    assert.equal(o.tripped, true);
    close(o.reason?.measured ?? 0, 3.5);
  });
});

describe('C daily loss', () => {
  const ts = Date.UTC(2026, 0, 5, 12);
  it('does not trip within the limit', () => {
    assert.equal(ruleDailyLoss(makeInputs({ ts, account: { dailyPnl: -99 } }), limits()).tripped, false);
  });
  it('trips beyond it with the measured loss: flatten (band [0, 0]) by default, reduce-only or pause on request', () => {
    const o = ruleDailyLoss(makeInputs({ ts, account: { dailyPnl: -150 } }), limits());
    assert.equal(o.action, 'REDUCE_ONLY');
    assert.deepEqual(o.allowed, { minBase: 0, maxBase: 0 }, 'flatten: nothing may stay open');
    assert.equal(o.reason?.measured, 150);
    assert.equal(o.reason?.limit, 100);
    const r = ruleDailyLoss(
      makeInputs({ ts, account: { dailyPnl: -150 } }),
      limits({ dailyLossAction: 'reduce_only' }),
    );
    assert.equal(r.action, 'REDUCE_ONLY');
    assert.equal(r.allowed, undefined, 'reduce_only: the position may stay');
    const p = ruleDailyLoss(
      makeInputs({ ts, account: { dailyPnl: -150 } }),
      limits({ dailyLossAction: 'pause' }),
    );
    assert.equal(p.action, 'PAUSE');
  });
  it('stays latched for the rest of the UTC day, releases the next day', () => {
    const previous = { active: {}, dailyLossLatchDay: utcDay(ts), dailyLossSince: ts };
    const later = ruleDailyLoss(
      makeInputs({ ts: ts + 3_600_000, previous, account: { dailyPnl: 20 } }),
      limits(),
    );
    assert.equal(later.tripped, true);
    const nextDay = ruleDailyLoss(makeInputs({ ts: Date.UTC(2026, 0, 6, 0, 0, 1), previous }), limits());
    assert.equal(nextDay.tripped, false);
  });
});

describe('B and D count the whole account (a spread pair)', () => {
  it('B: this leg within the cap alone, the pair over it → CLAMP to what the cap leaves after the other leg', () => {
    // 1000 equity, 3x cap; this leg asks 15 × 100 = 1.5x, the other leg already holds 2 000 USDC (2x).
    const alone = ruleLeverage(makeInputs({ band: band(-15, 15) }), limits());
    assert.equal(alone.tripped, false);
    const o = ruleLeverage(makeInputs({ band: band(-15, 15), account: { otherNotional: 2000 } }), limits());
    assert.equal(o.action, 'CLAMP');
    close(o.reason?.measured ?? 0, 3.5);
    close(o.allowed?.maxBase ?? 0, 7); // (3 × 0.9 × 1000 − 2000) / 100
    assert.match(o.reason?.message ?? '', /account leverage 3\.50x .*other markets 2000\.00 USDC/);
  });

  it('B: the other leg alone over the cap leaves this leg nothing', () => {
    const o = ruleLeverage(makeInputs({ band: band(-1, 1), account: { otherNotional: 3500 } }), limits());
    assert.equal(o.action, 'CLAMP');
    assert.equal(o.allowed?.maxBase, 0);
  });

  it('D: the notional cap is for the pair', () => {
    const o = ruleNotional(makeInputs({ band: band(-60, 60), account: { otherNotional: 6000 } }), limits());
    assert.equal(o.action, 'CLAMP');
    assert.equal(o.reason?.measured, 12_000);
    close(o.allowed?.maxBase ?? 0, 30); // (10 000 × 0.9 − 6 000) / 100
  });
});

describe('D max notional', () => {
  it('does not trip below the cap', () => {
    assert.equal(ruleNotional(makeInputs({ band: band(-99, 99) }), limits()).tripped, false);
  });
  it('clamps above it with the measured notional', () => {
    const o = ruleNotional(makeInputs({ band: band(-200, 200) }), limits());
    assert.equal(o.action, 'CLAMP');
    assert.equal(o.reason?.measured, 20_000);
    close(o.allowed?.maxBase ?? 0, 90);
  });
});

describe('E funding guardrail', () => {
  it('annualises the hourly rate', () => close(fundingAprPct(0.0001), 87.6));
  it('does not trip for cheap funding', () => {
    const o = ruleFunding(
      makeInputs({ snapshot: { fundingRate: 0.00001 }, account: { positionBase: 2 } }),
      limits(),
    );
    assert.equal(o.tripped, false);
  });
  it('clamps the paying side at the current position', () => {
    const o = ruleFunding(
      makeInputs({ snapshot: { fundingRate: 0.0001 }, account: { positionBase: 2 } }),
      limits(),
    );
    assert.equal(o.action, 'CLAMP');
    close(o.reason?.measured ?? 0, 87.6);
    assert.equal(o.band?.maxBase, 2);
    assert.equal(o.band?.minBase, -5);
  });
  it('shorts paying (negative rate) clamp the short side', () => {
    const o = ruleFunding(
      makeInputs({ snapshot: { fundingRate: -0.0001 }, account: { positionBase: -1 } }),
      limits(),
    );
    assert.equal(o.band?.minBase, -1);
    assert.equal(o.band?.maxBase, 5);
  });
  it('does not trip when neither the position nor the band is on the paying side', () => {
    const o = ruleFunding(
      makeInputs({ snapshot: { fundingRate: 0.0001 }, account: { positionBase: -2 }, band: band(-5, 0, -2) }),
      limits(),
    );
    assert.equal(o.tripped, false);
  });
});

describe('F divergence / stale oracle', () => {
  it('does not trip when mark and oracle agree', () => {
    assert.equal(ruleDivergence(makeInputs({ snapshot: { oracle: 101 } }), limits()).tripped, false);
  });
  it('pauses above maxDivergencePct with the measured %', () => {
    const o = ruleDivergence(makeInputs({ mark: 103, snapshot: { oracle: 100 } }), limits());
    assert.equal(o.action, 'PAUSE');
    close(o.reason?.measured ?? 0, 3);
  });
  it('pauses on a stale oracle (flag or age)', () => {
    assert.equal(ruleDivergence(makeInputs({ snapshot: { oracleStale: true } }), limits()).action, 'PAUSE');
    const aged = ruleDivergence(makeInputs({ snapshot: { oracleAgeMs: 120_000 } }), limits());
    assert.equal(aged.action, 'PAUSE');
    assert.equal(aged.reason?.measured, 120);
    assert.equal(aged.reason?.limit, 60);
  });
  it('does not pause on a replayed bar whose oracle was not observed (an export gap), however old', () => {
    const gap = { oracleObserved: false, oracleAgeMs: 25 * 3_600_000, oracle: 100 };
    assert.equal(ruleDivergence(makeInputs({ mark: 100, snapshot: gap }), limits()).tripped, false);
    // Real divergence still pauses, observed or not.
    const diverged = ruleDivergence(makeInputs({ mark: 103, snapshot: { ...gap, oracle: 100 } }), limits());
    assert.equal(diverged.action, 'PAUSE');
  });
});

describe('G reduce-only trigger', () => {
  it('does not trip by default', () => assert.equal(ruleReduceOnly(makeInputs(), limits()).tripped, false));
  it('trips on the manual switch, the config flag, the market flag or a request', () => {
    assert.equal(ruleReduceOnly(makeInputs({ manualReduceOnly: true }), limits()).action, 'REDUCE_ONLY');
    assert.equal(ruleReduceOnly(makeInputs(), limits({ reduceOnly: true })).action, 'REDUCE_ONLY');
    const market = ruleReduceOnly(makeInputs({ snapshot: { reduceOnly: true } }), limits());
    assert.match(market.reason?.message ?? '', /market is reduce-only/);
    const asked = ruleReduceOnly(makeInputs(), limits(), ['C_daily_loss']);
    assert.match(asked.reason?.message ?? '', /requested by C_daily_loss/);
  });
});

describe('V volatility', () => {
  it('does not trip at normal volatility', () => {
    assert.equal(ruleVolatility(makeInputs({ snapshot: { vol: 1 } }), limits()).tripped, false);
  });
  it('shrinks the band above maxVolatility', () => {
    const o = ruleVolatility(makeInputs({ snapshot: { vol: 2 } }), limits());
    assert.equal(o.action, 'CLAMP');
    assert.equal(o.reason?.measured, 2);
    close(o.band?.maxBase ?? 0, 5 * ((1.5 * 0.9) / 2));
  });
  it('pauses above pauseVolatility', () => {
    const o = ruleVolatility(makeInputs({ snapshot: { vol: 4 } }), limits());
    assert.equal(o.action, 'PAUSE');
    assert.equal(o.reason?.limit, 3);
  });
});
