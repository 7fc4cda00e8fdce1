/**
 * The short, seeded chaos campaign `npm test` runs (the long one is `npm run chaos -- --minutes N`): grid and
 * spread bots for thousands of decision cycles under every kind of fault, with zero invariant violations.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { failureLine, runCampaign } from '../../src/chaos/campaign.ts';
import { formatSummary, main, parseChaosArgs } from '../../src/chaos/cli.ts';
import { runChaos } from '../../src/chaos/run-chaos.ts';
import { getMarket } from '../../src/domain/markets.ts';
import { baseToInt } from '../../src/domain/precision.ts';
import { governExecution } from '../../src/execution/execution-governor.ts';
import { defaultExecutionPolicy } from '../../src/execution/policy.ts';
import { evaluateRisk } from '../../src/risk/governor.ts';
import { defaultRiskLimits } from '../../src/risk/limits.ts';
import { accountAt, makeInputs } from '../../src/risk/test-support/fixtures.ts';
import { FAULT_KINDS } from '../../src/venue/sim/faults/fault-config.ts';

const BARS = 3000;

describe('chaos (short seeded campaign)', () => {
  it('grid and spread bots keep every invariant under random faults for thousands of cycles', () => {
    const failures: string[] = [];
    const s = runCampaign({
      firstSeed: 1,
      bars: BARS,
      runs: 10,
      onRun: (r) => {
        for (const v of r.violations)
          failures.push(`${failureLine(v.invariant, r.seed, BARS, 5000)}: ${v.detail}`);
      },
    });
    assert.deepEqual(failures, []);
    assert.equal(s.violations, 0);
    assert.ok(s.cycles > 5000, `decision cycles ${s.cycles}`);
    assert.ok(s.fills > 100, `fills ${s.fills}`);
    assert.ok(s.restarts > 10, `restarts ${s.restarts}`);
    for (const k of FAULT_KINDS) assert.ok(s.faults[k] > 0, `fault ${k} was injected`);
    assert.match(formatSummary(s), /invariant violations: 0/);
  });

  it('both strategies are exercised with their own markets', () => {
    assert.equal(runChaos({ seed: 5, bars: 500, strategy: 'spread' }).market, 'DRIFT-PERP/KMNO-PERP');
    assert.equal(runChaos({ seed: 5, bars: 500, strategy: 'grid' }).strategy, 'grid');
  });

  it('seed 90162: a spread pair over its account-level leverage cap is closed, not held under APPROVE', () => {
    // Before the account-wide rules B/D this run held the pair at 1.32–1.39× against a 1.2× cap for 30+ bars.
    const r = runChaos({ seed: 90162, bars: 5000 });
    assert.equal(r.strategy, 'spread');
    assert.deepEqual(
      r.violations.map((v) => `${v.invariant}: ${v.detail}`),
      [],
    );
  });

  it('a seed replays exactly', () => {
    assert.deepEqual(runChaos({ seed: 17, bars: 1500 }), runChaos({ seed: 17, bars: 1500 }));
  });

  it('prints a failing seed with its replay command, and parses its options', () => {
    assert.equal(
      failureLine('ledger', 42, 5000, 5000),
      'chaos: invariant ledger failed for seed 42 — replay with npm run chaos -- --seed 42',
    );
    assert.deepEqual(parseChaosArgs(['--minutes', '2', '--seed', '9', '--runs', '3']), {
      bars: 5000,
      minutes: 2,
      seed: 9,
      runs: 3,
    });
    assert.throws(() => parseChaosArgs(['--minutes']), /--minutes: expected a number/);
    assert.equal(main(['--nope']), 2);
  });

  // Found by chaos: a volatility PAUSE used to outrank rule A's REDUCE_ONLY, and PAUSE places nothing — so a
  // position inside its liquidation buffer got no defense while volatility was high (fixed in the governor).
  it('a position inside its liquidation buffer is defended even when volatility asks to pause', () => {
    const SOL = getMarket('SOL-PERP');
    const limits = defaultRiskLimits();
    const inputs = makeInputs({
      account: accountAt(100, 30, 400), // 7.5x, liquidation ~10 % away: inside the 15 % buffer
      snapshot: { vol: limits.pauseVolatility * 2 },
    });
    const { verdict } = evaluateRisk(inputs, limits);
    const desired = governExecution({
      verdict,
      snapshot: inputs.snapshot,
      market: SOL,
      positionBase: baseToInt(30),
      ladder: [],
      policy: defaultExecutionPolicy(),
    });
    assert.ok(
      desired.some((o) => o.side === 'sell' && o.reduceOnly),
      `verdict ${verdict.kind} (${verdict.reasons.map((r) => r.rule).join(',')}) places no reducing order`,
    );
  });
});
