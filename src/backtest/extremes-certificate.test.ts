import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { MarketSpec } from '../domain/markets.ts';
import type { CumulativeFunding, PerpPositionState } from '../venue/sim/ledger.ts';
import { computeMargin, liquidationPrice, type MarginInputs } from '../venue/sim/margin.ts';
import { figureBoundsOver } from '../venue/sim/margin-bounds.ts';
import { planMargin } from '../venue/sim/margin-doubles.ts';
import { gridCollateral, gridPosition } from '../venue/sim/test-support/grid-accounts.ts';
import {
  int,
  marginSpecs,
  positionFrom,
  scaled,
  wildPositionArb,
} from '../venue/sim/test-support/integer-arbitraries.ts';
import {
  type Extremes,
  type ExtremesBox,
  ExtremesCertificate,
  extremesBox,
  inExtremesBox,
} from './extremes-certificate.ts';

/** Without and with a size premium (imf), so both margin-ratio paths are taken. */
const SPECS: MarketSpec[] = marginSpecs('SOL-PERP');

/** An account on the primary market and the bar that issues a certificate for it. */
interface Case {
  spec: MarketSpec;
  collateral: bigint;
  positions: PerpPositionState[];
  cumulative: CumulativeFunding;
  /** The issuing bar's oracle and mark, PRICE integers. */
  oracle: number;
  mark: number;
  /** How far the run's extremes lie beyond the issuing bar's figures (0: right at them), and where to look. */
  slack: number[];
  earlierDistance: number | null;
  points: [number, number][];
}

const wildPosition = wildPositionArb(0);

/** A fraction in 0..1, evenly (fc.double favours its edges and the tiniest values). */
const unit = fc.integer({ min: 0, max: 10_000 }).map((k) => k / 10_000);
/** Slack of an extreme: now and then none (the extreme was set by the issuing bar itself). */
const slackArb = fc.oneof(fc.constant(0), unit, unit, unit);

const caseArb: fc.Arbitrary<Case> = fc
  .record({
    // $0.01 to $2000, evenly in log scale; the mark up to 0.5% off the oracle
    price: fc.integer({ min: -2_000, max: 3_300 }).map((k) => 10 ** (k / 1_000)),
    skew: unit.map((u) => (u - 0.5) / 100),
    held: fc.constantFrom('none', 'grid', 'grid', 'grid', 'wild'),
  })
  .chain((r) =>
    fc.record({
      spec: fc.constantFrom(...SPECS),
      collateral: r.held === 'wild' ? scaled(11) : gridCollateral,
      position: r.held === 'wild' ? wildPosition : gridPosition(0, r.price),
      long: int(10n ** 12n),
      short: int(10n ** 12n),
      slack: fc.array(slackArb, { minLength: 3, maxLength: 3 }),
      earlierDistance: fc.oneof(
        fc.constant(null),
        unit.map((u) => u * 300),
      ),
      points: fc.array(fc.tuple(unit, unit), { minLength: 4, maxLength: 4 }),
      held: fc.constant(r.held),
      oracle: fc.constant(Math.round(r.price * 1e6)),
      mark: fc.constant(Math.round(r.price * (1 + r.skew) * 1e6)),
    }),
  )
  .map((r) => ({
    spec: r.spec,
    collateral: r.collateral,
    positions: r.held === 'none' ? [] : [r.position],
    cumulative: { long: r.long, short: r.short },
    oracle: r.oracle,
    mark: r.mark,
    slack: r.slack,
    earlierDistance: r.earlierDistance,
    points: r.points,
  }));

const inputsAt = (c: Case, oracle: number): MarginInputs => ({
  collateral: c.collateral,
  positions: c.positions,
  oraclePrice: () => BigInt(oracle),
  market: () => c.spec,
  cumulativeFunding: () => c.cumulative,
});

/** What endOfBar reads at (oracle, mark) for the extremes: leverage, health and the distance (null: none). */
function measuresAt(c: Case, oracle: number, mark: number) {
  const inputs = inputsAt(c, oracle);
  const f = computeMargin(inputs);
  const liq = liquidationPrice(inputs, 0);
  // as BarMeasures computes it: the mark and the price in USD, then the distance
  const markUsd = mark / 1e6;
  const distance = liq === undefined ? null : (Math.abs(markUsd - Number(liq) / 1e6) / markUsd) * 100;
  return { leverage: f.leverage, health: f.health, distance };
}

/** The run's extremes after the issuing bar: at its figures, or beyond them by the case's slack. */
function extremesAfter(c: Case): Extremes {
  const m = measuresAt(c, c.oracle, c.mark);
  const [s0, s1, s2] = c.slack;
  return {
    maxLeverage: Math.max(0, m.leverage * (1 + s0 * 0.1)),
    minHealth: Math.min(100, Math.max(0, m.health - Math.round(s1 * 5))),
    minLiqDistancePct: m.distance === null ? c.earlierDistance : m.distance * (1 - s2 * 0.1),
  };
}

function boxOf(c: Case, x: Extremes): ExtremesBox | undefined {
  const plan = planMargin(c.collateral, new Map(c.positions.map((p) => [p.marketIndex, p])), () => ({
    spec: c.spec,
    oracleNum: Number.NaN,
    cumulative: c.cumulative,
  }));
  if (plan === undefined) return undefined;
  return extremesBox((lo, hi) => figureBoundsOver(plan, 0, lo, hi), c.oracle, c.mark, x);
}

/** Whether a bar at (oracle, mark) would move an extreme, as endOfBar's comparisons decide. */
function moves(c: Case, x: Extremes, oracle: number, mark: number): string | undefined {
  const m = measuresAt(c, oracle, mark);
  if (m.leverage > x.maxLeverage) return `leverage ${m.leverage} > ${x.maxLeverage}`;
  if (m.health < x.minHealth) return `health ${m.health} < ${x.minHealth}`;
  const min = x.minLiqDistancePct;
  if (m.distance !== null && (min === null || m.distance < min)) return `distance ${m.distance} < ${min}`;
  return undefined;
}

const pointIn = (box: ExtremesBox, u: number, v: number): [number, number] => [
  box.oracleLo + Math.round((box.oracleHi - box.oracleLo) * u),
  box.markLo + Math.round((box.markHi - box.markLo) * v),
];

describe('extremesBox', () => {
  it('no extreme moves anywhere in a box, by the simulator’s own figures (property)', () => {
    let issued = 0;
    let tight = 0;
    let distances = 0;
    fc.assert(
      fc.property(caseArb, (c) => {
        const x = extremesAfter(c);
        const box = boxOf(c, x);
        if (box === undefined) return;
        issued++;
        if (measuresAt(c, c.oracle, c.mark).distance !== null) distances++;
        const corners: [number, number][] = [
          [0, 0],
          [0, 1],
          [1, 0],
          [1, 1],
        ];
        for (const [u, v] of [...corners, ...c.points]) {
          const [oracle, mark] = pointIn(box, u, v);
          assert.ok(inExtremesBox(box, oracle, mark));
          const moved = moves(c, x, oracle, mark);
          assert.equal(moved, undefined, `${moved} at oracle ${oracle}, mark ${mark}`);
        }
        // the box is not needlessly small: three of its widths out, some extreme moves (counted below)
        const out = (lo: number, at: number, hi: number, k: number) =>
          at + k * ((k < 0 ? at - lo : hi - at) || 1);
        for (const k of [-3, 3]) {
          const oracle = Math.max(0, out(box.oracleLo, c.oracle, box.oracleHi, k));
          const mark = Math.max(1, out(box.markLo, c.mark, box.markHi, k));
          if (moves(c, x, oracle, mark) !== undefined) {
            tight++;
            break;
          }
        }
      }),
      { numRuns: 10_000, seed: 17 },
    );
    // not vacuous: boxes were issued, with a liquidation price in play, and some of them close to an extreme
    assert.ok(issued > 5_000, `only ${issued} boxes issued`);
    assert.ok(distances > 1_200, `only ${distances} boxes with a liquidation distance`);
    assert.ok(tight > 800, `only ${tight} boxes were near an extreme`);
  });

  it('issues none for an account held elsewhere, a price of 0, or an extreme the box would pass', () => {
    const c: Case = {
      spec: SPECS[0],
      collateral: 1_000_000_000n,
      positions: [],
      cumulative: { long: 0n, short: 0n },
      oracle: 150_000_000,
      mark: 150_000_000,
      slack: [0, 0, 0],
      earlierDistance: null,
      points: [],
    };
    const flat = { maxLeverage: 0, minHealth: 100, minLiqDistancePct: null };
    // no position: the figures do not move with the price
    assert.ok(boxOf(c, flat));
    assert.equal(boxOf({ ...c, oracle: 0 }, flat), undefined);
    const long: PerpPositionState = {
      ...positionFrom(0, {
        base: 30_000_000_000n,
        quoteAsset: -4_500_000_000n,
        openBids: 0n,
        openAsks: 0n,
        openOrders: 0,
        last: 0n,
      }),
    };
    // 30 SOL bought at $150 on $1000: 4.5x, liquidated near $116; extremes a little beyond its figures
    const held = { ...c, positions: [long], slack: [1, 1, 1] };
    const x = extremesAfter(held);
    assert.ok(boxOf(held, x));
    // each extreme right at the figures: a move either way would pass it (the leverage and distance when the
    // price falls, the health too), so no symmetric box holds
    const at = extremesAfter({ ...held, slack: [0, 0, 0] });
    assert.equal(boxOf(held, { ...x, maxLeverage: at.maxLeverage }), undefined, 'leverage');
    assert.equal(boxOf(held, { ...x, minLiqDistancePct: at.minLiqDistancePct }), undefined, 'distance');
    assert.equal(
      boxOf(held, { ...x, minLiqDistancePct: null }),
      undefined,
      'a distance not yet in the extremes',
    );
    assert.equal(
      boxOf({ ...held, positions: [{ ...long, marketIndex: 1 }] }, x),
      undefined,
      'a position on another market',
    );
  });
});

describe('ExtremesCertificate', () => {
  it('holds for its stamp inside its box only', () => {
    const cert = new ExtremesCertificate();
    assert.equal(cert.holds(Number.NaN, 100, 100), false);
    cert.issue(3, { oracleLo: 90, oracleHi: 110, markLo: 95, markHi: 105 });
    assert.equal(cert.holds(3, 100, 100), true);
    assert.equal(cert.holds(3, 90, 105), true);
    assert.equal(cert.holds(4, 100, 100), false, 'the account changed');
    assert.equal(cert.holds(3, 111, 100), false, 'the oracle left the box');
    assert.equal(cert.holds(3, 100, 94), false, 'the mark left the box');
    assert.equal(cert.holds(3, 100, Number.NaN), false, 'no mark');
    cert.issue(5, undefined);
    assert.equal(cert.holds(5, 100, 100), false, 'no box');
  });
});
