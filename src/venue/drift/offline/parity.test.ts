/**
 * SDK parity: the simulator's margin maths (src/venue/sim/margin.ts, ledger.ts) against @drift-labs/sdk's own
 * User on the same in-memory state, over generated states. Every figure must agree exactly:
 * - collateral, requirements, pnl, funding pnl and liquidation price are integer maths in the SDK (BN), so they
 *   must match to the micro-unit;
 * - leverage is an integer too (BN in TEN_THOUSAND precision), so it must match exactly;
 * - health is the one float: the SDK converts the two integers with toNumber() and rounds
 *   (1 − req/tc) × 100; we apply the same IEEE operations to the same exactly-converted integers (all values
 *   stay below 2^53), so the tolerance is zero there as well.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { getMarket, type MarketSpec } from '../../../domain/markets.ts';
import type { CumulativeFunding, PerpPositionState } from '../../sim/ledger.ts';
import { unrealizedFundingPnl, unrealizedPnl } from '../../sim/ledger.ts';
import { DEFAULT_LIQUIDATION } from '../../sim/liquidation.ts';
import {
  computeMargin,
  isLiquidatable,
  liquidationPrice,
  MAX_POSITIVE_UPNL_FOR_INITIAL_MARGIN,
  type MarginInputs,
  meetsMaintenanceWithBuffer,
  type PnlAssetWeights,
} from '../../sim/margin.ts';
import { createOfflineDrift, type OfflineState } from './harness.ts';

const drift = createOfflineDrift();

/** Typical oracle price (PRICE) and a position-size range (in steps) per market. */
const UNIVERSE: Record<number, { price: bigint; maxSteps: number }> = {
  0: { price: 150_000_000n, maxSteps: 20_000 }, // SOL, step 0.01 → 200 SOL
  1: { price: 60_000_000_000n, maxSteps: 30_000 }, // BTC, step 0.0001 → 3 BTC
  28: { price: 50_000n, maxSteps: 2_000_000 }, // KMNO, step 1 → 2M KMNO
  30: { price: 500_000n, maxSteps: 200_000 }, // DRIFT, step 1 → 200k DRIFT
};
const INDEXES = [0, 1, 28, 30];

/** A price between 30% and 170% of the typical one, in ticks. */
const priceNear = (typical: bigint) =>
  fc.integer({ min: 300, max: 1700 }).map((permille) => (typical * BigInt(permille)) / 1000n || 1n);

const cumulative = fc.bigInt({ min: -100_000_000_000n, max: 100_000_000_000n });

function positionArb(marketIndex: number) {
  const spec = getMarket(marketIndex);
  const u = UNIVERSE[marketIndex];
  return fc
    .record({
      steps: fc.oneof(
        { weight: 1, arbitrary: fc.constant(0) },
        { weight: 6, arbitrary: fc.integer({ min: -u.maxSteps, max: u.maxSteps }) },
      ),
      entry: priceNear(u.price),
      extraQuote: fc.bigInt({ min: -50_000_000n, max: 50_000_000n }), // realized pnl, fees, settled funding
      openOrders: fc.integer({ min: 0, max: 8 }),
      bidSteps: fc.integer({ min: 0, max: u.maxSteps }),
      askSteps: fc.integer({ min: 0, max: u.maxSteps }),
      fundingLag: fc.oneof(fc.constant(0n), fc.bigInt({ min: -2_000_000_000n, max: 2_000_000_000n })),
      oracle: priceNear(u.price),
      long: cumulative,
      shortOffset: fc.oneof(fc.constant(0n), fc.bigInt({ min: -1_000_000_000n, max: 1_000_000_000n })),
    })
    .map((g) => {
      const base = BigInt(g.steps) * spec.stepSize;
      const quoteEntry = -(base * g.entry) / 1_000_000_000n;
      const funding: CumulativeFunding = { long: g.long, short: g.long + g.shortOffset };
      const sideRate = base >= 0n ? funding.long : funding.short;
      const hasOrders = g.openOrders > 0;
      const pos: PerpPositionState = {
        marketIndex,
        base,
        quoteAsset: quoteEntry + g.extraQuote,
        quoteEntry,
        quoteBreakEven: quoteEntry + g.extraQuote / 3n,
        lastCumulativeFundingRate: sideRate - g.fundingLag,
        openOrders: g.openOrders,
        openBids: hasOrders ? BigInt(g.bidSteps) * spec.stepSize : 0n,
        openAsks: hasOrders ? -BigInt(g.askSteps) * spec.stepSize : 0n,
      };
      return { pos, oracle: g.oracle, funding };
    });
}

/** Margin ratios and, in most states, a size premium (imf, 1e6 precision: 1000 = 0.001) as markets carry. */
const ratiosArb = fc.option(
  fc.integer({ min: 100, max: 5000 }).chain((initial) =>
    fc.record({
      initial: fc.constant(initial),
      maintenance: fc.integer({ min: 50, max: initial }),
      imf: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 5000 })),
    }),
  ),
  { nil: undefined },
);

const weightsArb = fc.option(
  fc.record({
    initial: fc.integer({ min: 0, max: 10_000 }),
    maintenance: fc.integer({ min: 0, max: 10_000 }),
  }),
  { nil: undefined },
);

const stateArb = fc
  .record({
    collateral: fc.oneof(
      { weight: 8, arbitrary: fc.bigInt({ min: 0n, max: 200_000_000_000n }) },
      { weight: 1, arbitrary: fc.bigInt({ min: -500_000_000n, max: 0n }) },
    ),
    markets: fc.subarray(INDEXES, { minLength: 0, maxLength: 4 }),
  })
  .chain(({ collateral, markets }) =>
    fc
      .tuple(
        fc.tuple(...markets.map(positionArb)),
        fc.tuple(...markets.map(() => ratiosArb)),
        fc.tuple(...markets.map(() => weightsArb)),
      )
      .map(([generated, ratios, weights]) => {
        const state: Required<Omit<OfflineState, 'pnlWeights' | 'beingLiquidated'>> & {
          pnlWeights: Record<number, PnlAssetWeights>;
        } = {
          collateral,
          positions: [],
          oraclePrices: {},
          cumulativeFunding: {},
          markets: {},
          pnlWeights: {},
        };
        markets.forEach((i, k) => {
          const g = generated[k];
          state.positions.push(g.pos);
          state.oraclePrices[i] = g.oracle;
          state.cumulativeFunding[i] = g.funding;
          const r = ratios[k];
          state.markets[i] = r
            ? getMarket(i, {
                marginRatioInitial: r.initial,
                marginRatioMaintenance: r.maintenance,
                imfFactor: r.imf,
              })
            : getMarket(i);
          const w = weights[k];
          if (w) state.pnlWeights[i] = w;
        });
        return state;
      }),
  );

function simInputs(s: OfflineState): MarginInputs {
  const spec = (i: number): MarketSpec => s.markets?.[i] ?? getMarket(i);
  return {
    collateral: s.collateral,
    positions: s.positions,
    oraclePrice: (i) => s.oraclePrices[i],
    market: spec,
    cumulativeFunding: (i) => s.cumulativeFunding?.[i] ?? { long: 0n, short: 0n },
    pnlWeights: s.pnlWeights ? (i) => s.pnlWeights?.[i] ?? { initial: 0, maintenance: 10_000 } : undefined,
  };
}

/**
 * The program's $100 cap per position on weighted positive pnl for initial margin (protocol-v2
 * math/margin.rs, MAX_POSITIVE_UPNL_FOR_INITIAL_MARGIN), which SDK 2.156's getMarginCalculation does not
 * apply: what it takes off the SDK's initial total collateral, computed here on its own from the state.
 */
function initialPnlCapExcess(state: OfflineState): bigint {
  let excess = 0n;
  for (const p of state.positions) {
    if (p.base === 0n && p.quoteAsset === 0n && p.openOrders === 0) continue;
    const f = state.cumulativeFunding?.[p.marketIndex] ?? { long: 0n, short: 0n };
    const pnl =
      unrealizedPnl(p, state.oraclePrices[p.marketIndex]) + unrealizedFundingPnl(p, f.long, f.short);
    const weight = BigInt(state.pnlWeights?.[p.marketIndex]?.initial ?? 0);
    const weighted = pnl > 0n ? (pnl * weight) / 10_000n : 0n;
    if (weighted > MAX_POSITIVE_UPNL_FOR_INITIAL_MARGIN)
      excess += weighted - MAX_POSITIVE_UPNL_FOR_INITIAL_MARGIN;
  }
  return excess;
}

describe('SDK parity (generated states)', () => {
  it('margin (size premium included), pnl, funding pnl, leverage, health and liquidation price agree with @drift-labs/sdk exactly', () => {
    let liquidatable = 0;
    let withLiqPrice = 0;
    let premium = 0;
    let capped = 0;
    fc.assert(
      fc.property(stateArb, (state) => {
        const sdk = drift.evaluate(state);
        const inputs = simInputs(state);
        const sim = computeMargin(inputs);
        const ctx = JSON.stringify(state, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));

        assert.equal(
          sim.totalCollateral,
          sdk.totalCollateralMaintenance,
          `maintenance total collateral ${ctx}`,
        );
        const excess = initialPnlCapExcess(state);
        if (excess > 0n) capped++;
        assert.equal(
          sim.initialTotalCollateral,
          sdk.totalCollateralInitial - excess,
          `initial total collateral ${ctx}`,
        );
        const free = sdk.totalCollateralInitial - excess - sdk.initialMarginRequirement;
        assert.equal(
          sim.freeCollateral,
          excess === 0n ? sdk.freeCollateral : free > 0n ? free : 0n,
          `free collateral ${ctx}`,
        );
        assert.equal(
          sim.initialMarginRequirement,
          sdk.initialMarginRequirement,
          `initial requirement ${ctx}`,
        );
        assert.equal(
          sim.maintenanceMarginRequirement,
          sdk.maintenanceMarginRequirement,
          `maint. requirement ${ctx}`,
        );
        assert.equal(sim.unrealizedPnl, sdk.unrealizedPnl, `unrealized pnl ${ctx}`);
        assert.equal(sim.unrealizedFundingPnl, sdk.unrealizedFundingPnl, `funding pnl ${ctx}`);
        assert.equal(sim.leverageTenThousandths, sdk.leverageTenThousandths, `leverage ${ctx}`);
        assert.equal(sim.health, sdk.health, `health ${ctx}`);
        assert.equal(isLiquidatable(sim), sdk.canBeLiquidated, `liquidatable ${ctx}`);

        let withFunding = 0n;
        for (const p of state.positions) {
          const f = inputs.cumulativeFunding(p.marketIndex);
          if (p.base !== 0n || p.quoteAsset !== 0n || p.openOrders !== 0) {
            withFunding += unrealizedPnl(p, state.oraclePrices[p.marketIndex]);
            withFunding += unrealizedFundingPnl(p, f.long, f.short);
          }
          const liq = liquidationPrice(inputs, p.marketIndex);
          assert.equal(
            liq,
            sdk.liquidationPrices[p.marketIndex],
            `liquidation price ${p.marketIndex} ${ctx}`,
          );
          if (liq !== undefined) withLiqPrice++;
        }
        assert.equal(withFunding, sdk.unrealizedPnlWithFunding, `pnl with funding ${ctx}`);
        if (sdk.canBeLiquidated) liquidatable++;
        // States where the size premium raised a requirement above the plain ratio's.
        const plain = computeMargin({
          ...inputs,
          market: (i) => ({ ...inputs.market(i), imfFactor: 0 }),
        });
        if (plain.maintenanceMarginRequirement !== sim.maintenanceMarginRequirement) premium++;
      }),
      { seed: 424242, numRuns: 300 },
    );
    // the generator must reach the interesting regions, or the agreement above proves little
    assert.ok(liquidatable > 5, `only ${liquidatable} liquidatable states generated`);
    assert.ok(withLiqPrice > 50, `only ${withLiqPrice} liquidation prices generated`);
    assert.ok(premium > 30, `only ${premium} states where the size premium mattered`);
    assert.ok(capped > 5, `only ${capped} states where the $100 initial pnl cap mattered`);
  });
});

/**
 * The simulator's "being liquidated" lock (sim-engine.ts liquidationLock) lifts when the account meets
 * maintenance plus the liquidation buffer (2%): for a user with Drift's BEING_LIQUIDATED status, the SDK's
 * getMarginCalculation('Maintenance', {liquidationBufferMap}).meetsMarginRequirementWithBuffer() — the
 * program's can_exit_liquidation. (SDK 2.156's canBeLiquidated() compares without the buffer.)
 */
describe('SDK parity: leaving the being-liquidated status', () => {
  const beingLiquidated = stateArb.map((s) => ({ ...s, beingLiquidated: true }));

  it('the lock lifts exactly where the SDK says the buffered requirement is met', () => {
    let locked = 0;
    let lifted = 0;
    fc.assert(
      fc.property(beingLiquidated, (state) => {
        const sdk = drift.evaluate(state);
        const meets = meetsMaintenanceWithBuffer(simInputs(state), DEFAULT_LIQUIDATION.bufferBps);
        const ctx = JSON.stringify(state, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
        assert.equal(meets, sdk.meetsMaintenanceWithBuffer, ctx);
        if (meets) lifted++;
        else locked++;
      }),
      { seed: 7331, numRuns: 300 },
    );
    assert.ok(locked > 10 && lifted > 10, `locked ${locked}, lifted ${lifted}`);
  });
});
