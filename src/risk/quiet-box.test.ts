import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { getMarket, MARKETS, type MarketSpec } from '../domain/markets.ts';
import type { PerpPositionState } from '../venue/sim/ledger.ts';
import { computeMargin, liquidationPrice } from '../venue/sim/margin.ts';
import { type AccountFigures, INITIAL_GOVERNOR_STATE, type RiskInputs, worstCaseBase } from './inputs.ts';
import { RISK_LIMIT_DEFAULTS, type RiskLimits } from './limits.ts';
import { inQuietBox, premiumSideFixed, type QuietBox, quietBox } from './quiet-box.ts';
import { liqDistancePct, liquidationBufferTrips } from './rules/a-liquidation-buffer.ts';
import { leverageTrips } from './rules/b-leverage.ts';
import { dailyLossTrips } from './rules/c-daily-loss.ts';
import { notionalTrips } from './rules/d-notional.ts';
import { band, snapshotAt } from './test-support/fixtures.ts';

/** An account the simulator's margin prices: collateral and one position with its open orders, on one market. */
interface Account {
  spec: MarketSpec;
  collateral: bigint;
  position: PerpPositionState;
}

/** The figures the governor reads of `a` at oracle `oracleUsd`, made as the simulator makes them (BigInt path). */
function figuresAt(a: Account, oracleUsd: number, dayStart: number): AccountFigures {
  const price = BigInt(Math.round(oracleUsd * 1e6));
  const inputs = {
    collateral: a.collateral,
    positions: [a.position],
    oraclePrice: () => price,
    market: () => a.spec,
    cumulativeFunding: () => ({ long: 0n, short: 0n }),
  };
  const m = computeMargin(inputs);
  const liq = liquidationPrice(inputs, a.spec.marketIndex);
  const totalCollateral = Number(m.totalCollateral) / 1e6;
  const base = Number(a.position.base) / 1e9;
  return {
    positionBase: base,
    entryPrice: base === 0 ? 0 : -Number(a.position.quoteEntry) / 1e6 / base,
    collateral: Number(a.collateral) / 1e6,
    totalCollateral,
    maintenanceRequirement: Number(m.maintenanceMarginRequirement) / 1e6,
    health: m.health,
    leverage: m.leverage,
    liquidationPrice: liq === undefined ? null : Number(liq) / 1e6,
    openBidBase: Number(a.position.openBids) / 1e9,
    openAskBase: -Number(a.position.openAsks) / 1e9,
    dailyPnl: totalCollateral - dayStart,
  };
}

/** A case: the account, its prices, the band and the limits set near its own figures (so boxes are tight). */
const caseArb = fc
  .record({
    imf: fc.constantFrom(undefined, 1_000, 10_000),
    collateralUsd: fc.integer({ min: 20, max: 100_000 }),
    baseLots: fc.integer({ min: -5_000, max: 5_000 }),
    bidLots: fc.integer({ min: 0, max: 3_000 }),
    askLots: fc.integer({ min: 0, max: 3_000 }),
    orders: fc.integer({ min: 0, max: 32 }),
    entry: fc.double({ min: 5, max: 500, noNaN: true }),
    oracleMove: fc.double({ min: -0.5, max: 0.5, noNaN: true }),
    markSkew: fc.double({ min: -0.005, max: 0.005, noNaN: true }),
    bandLo: fc.double({ min: -60, max: 0, noNaN: true }),
    bandHi: fc.double({ min: 0, max: 60, noNaN: true }),
    dayMove: fc.double({ min: -200, max: 200, noNaN: true }),
    slack: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 6, maxLength: 6 }),
    hysteresisPct: fc.double({ min: 0, max: 30, noNaN: true }),
    points: fc.array(
      fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true })),
      { minLength: 4, maxLength: 4 },
    ),
  })
  .map((r) => {
    const spec: MarketSpec = { ...MARKETS['SOL-PERP'], imfFactor: r.imf };
    const base = BigInt(r.baseLots) * 10_000_000n; // 0.01 units a lot
    const position: PerpPositionState = {
      marketIndex: spec.marketIndex,
      base,
      quoteAsset: -BigInt(Math.round(r.baseLots * 0.01 * r.entry * 1e6)),
      quoteEntry: -BigInt(Math.round(r.baseLots * 0.01 * r.entry * 1e6)),
      quoteBreakEven: 0n,
      lastCumulativeFundingRate: 0n,
      openOrders: r.orders,
      openBids: r.orders > 0 ? BigInt(r.bidLots) * 10_000_000n : 0n,
      openAsks: r.orders > 0 ? -BigInt(r.askLots) * 10_000_000n : 0n,
    };
    const account: Account = { spec, collateral: BigInt(r.collateralUsd) * 1_000_000n, position };
    const oracle = Math.round(r.entry * (1 + r.oracleMove) * 1e6) / 1e6;
    const mark = oracle * (1 + r.markSkew);
    return { r, account, oracle, mark };
  });

/** Limits each a little beyond the account's own measure at the centre (`slack` in 0..1 picks how far). */
function limitsNear(f: AccountFigures, mark: number, dayStart: number, s: number[], h: number): RiskLimits {
  const notional = worstCaseBase(f) * mark;
  const leverage = f.totalCollateral > 0 ? notional / f.totalCollateral : 20;
  const distance = liqDistancePct(f.positionBase, mark, f.liquidationPrice);
  return {
    ...RISK_LIMIT_DEFAULTS,
    hysteresisPct: h,
    maxNotional: notional * (1 + s[0] * 0.5) + 1,
    maxLeverage: Math.min(20, Math.max(0.01, leverage * (1 + s[1] * 0.5))),
    minLiqDistancePct: Number.isFinite(distance)
      ? Math.min(99, Math.max(0, distance * (1 - s[2] * 0.5)))
      : s[2] * 50,
    minHealth: Math.min(99, f.health * (1 - s[3] * 0.5)),
    maxDailyLoss: Math.max(0.01, (dayStart - f.totalCollateral) * (1 + s[4] * 0.5) + s[5] * 5),
  };
}

const inputsOf = (
  f: AccountFigures,
  mark: number,
  oracle: number,
  b: ReturnType<typeof band>,
): RiskInputs => ({
  ts: 0,
  band: b,
  snapshot: snapshotAt(mark, { oracle }),
  account: f,
  market: { maintenanceMarginRatio: MARKETS['SOL-PERP'].marginRatioMaintenance / 10_000 },
  manualReduceOnly: false,
  previous: INITIAL_GOVERNOR_STATE,
});

/** Whether a price rule (A–D: what a box certifies; the snapshot rules are checked on every bar) trips. */
const priceRuleTrips = (inputs: RiskInputs, limits: RiskLimits): boolean =>
  liquidationBufferTrips(inputs, limits) ||
  leverageTrips(inputs, limits) ||
  dailyLossTrips(inputs, limits) ||
  notionalTrips(inputs, limits);

/** A point of the box: (u, v) in the unit square, the corners when 0 or 1. */
const pointIn = (box: QuietBox, u: number, v: number): [number, number] => [
  box.markLo + (box.markHi - box.markLo) * u,
  box.oracleLo + (box.oracleHi - box.oracleLo) * v,
];

describe('quietBox', () => {
  it('no price rule trips anywhere in a box, by the simulator’s own figures and the governor (property)', () => {
    let issued = 0;
    let tight = 0;
    fc.assert(
      fc.property(caseArb, ({ r, account, oracle, mark }) => {
        const dayStart0 = figuresAt(account, oracle, 0).totalCollateral + r.dayMove;
        const f = figuresAt(account, oracle, dayStart0);
        const b = band(Math.min(r.bandLo, 0), Math.max(r.bandHi, 0));
        const limits = limitsNear(f, mark, dayStart0, r.slack, r.hysteresisPct);
        if (priceRuleTrips(inputsOf(f, mark, oracle, b), limits)) return;
        const mmr = MARKETS['SOL-PERP'].marginRatioMaintenance / 10_000;
        const box = quietBox(
          { figures: f, mark, oracle, band: b, dayStartEquity: dayStart0, mmr, market: account.spec },
          limits,
        );
        if (box === undefined) return;
        issued++;
        const corners: [number, number][] = [
          [0, 0],
          [0, 1],
          [1, 0],
          [1, 1],
        ];
        for (const [u, v] of [...corners, ...r.points]) {
          const [m, o] = pointIn(box, u, v);
          assert.ok(inQuietBox(box, m, o));
          const at = figuresAt(account, o, dayStart0);
          assert.equal(
            priceRuleTrips(inputsOf(at, m, o, b), limits),
            false,
            `a rule trips at mark ${m}, oracle ${o}`,
          );
        }
        // the box is not needlessly small: three of its widths out, some case trips (counted, asserted below)
        const [m3, o3] = [mark + 3 * (box.markLo - mark), oracle + 3 * (box.oracleLo - oracle)];
        const [m4, o4] = [mark + 3 * (box.markHi - mark), oracle + 3 * (box.oracleHi - oracle)];
        const out = [figuresAt(account, o3, dayStart0), figuresAt(account, o4, dayStart0)];
        if (
          priceRuleTrips(inputsOf(out[0], m3, o3, b), limits) ||
          priceRuleTrips(inputsOf(out[1], m4, o4, b), limits)
        ) {
          tight++;
        }
      }),
      { numRuns: 5_000, seed: 17 },
    );
    // the property is not vacuous: boxes were issued, and some sat close to a limit
    assert.ok(issued > 200, `only ${issued} boxes issued`);
    assert.ok(tight > 50, `only ${tight} boxes were near a limit`);
  });

  it('issues none for an account already past a limit, and none without a price', () => {
    const f = figuresAt(
      {
        spec: MARKETS['SOL-PERP'],
        collateral: 100_000_000n,
        position: {
          marketIndex: 0,
          base: 5_000_000_000n,
          quoteAsset: -750_000_000n,
          quoteEntry: -750_000_000n,
          quoteBreakEven: 0n,
          lastCumulativeFundingRate: 0n,
          openOrders: 0,
          openBids: 0n,
          openAsks: 0n,
        },
      },
      150,
      100,
    );
    const x = {
      figures: f,
      mark: 150,
      oracle: 150,
      band: band(-1, 1),
      dayStartEquity: 100,
      mmr: 0.03,
      market: MARKETS['SOL-PERP'],
    };
    // 750 USDC of notional on 100 of collateral: 7.5x
    assert.equal(quietBox(x, { ...RISK_LIMIT_DEFAULTS, maxLeverage: 3 }), undefined);
    const roomy = { ...RISK_LIMIT_DEFAULTS, maxLeverage: 20, minLiqDistancePct: 5, minHealth: 10 };
    assert.ok(quietBox(x, roomy));
    // a size premium on a step so fine that sides of different sizes may tie at this price: no box
    assert.equal(quietBox({ ...x, market: { stepSize: 1n, imfFactor: 450 } }, roomy), undefined);
    assert.equal(quietBox({ ...x, mark: 0 }, { ...RISK_LIMIT_DEFAULTS, maxLeverage: 20 }), undefined);
  });
  it('issues no box where a size premium could switch the margin to a side with a larger ratio', () => {
    const plain = getMarket('SOL-PERP', { imfFactor: 0 });
    const premium = getMarket('SOL-PERP', { imfFactor: 450 });
    // no premium: both sides' ratios are alike at any price
    assert.equal(premiumSideFixed(plain, 1e-9), true);
    // SOL's step is 0.01 (1e7 BASE): sides of different sizes never tie at or above $0.0001
    assert.equal(Number(premium.stepSize), 1e7);
    assert.equal(premiumSideFixed(premium, 150), true);
    assert.equal(premiumSideFixed(premium, 0.0001), true);
    assert.equal(premiumSideFixed(premium, 0.00009), false);
  });
});
