import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseBotConfig } from '../config/bot-config.ts';
import type { ExposureBand } from '../domain/intent.ts';
import { quoteToInt } from '../domain/precision.ts';
import { testOrder } from '../domain/test-support/accounts.ts';
import type { AccountState } from '../domain/types.ts';
import { approvedVerdict } from '../risk/governor.ts';
import { snapshotAt } from '../strategies/grid/test-support/fixtures.ts';
import { type AccountView, GridRisk, type GridRiskSetup, type RiskBaseline } from './grid-risk.ts';
import { verdictSignature } from './verdict-signature.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2025, 0, 1);

function setup(): GridRiskSetup {
  const c = parseBotConfig(
    {
      name: 't',
      strategy: 'grid',
      market: 'SOL-PERP',
      collateral: 1000,
      grid: { levels: 10, stepPct: 0.5, baseSizePerLevel: 1 },
      risk: { maxDailyLoss: 50, dailyLossAction: 'reduce_only' },
    },
    't',
  );
  if (c.strategy !== 'grid' || c.grid.baseSizePerLevel === 'auto') throw new Error('a sized grid');
  return {
    market: c.markets[0],
    grid: { ...c.grid, baseSizePerLevel: c.grid.baseSizePerLevel },
    risk: c.risk,
  };
}

const account = (equity: number): AccountState => ({
  subaccountId: 0,
  collateral: quoteToInt(1000),
  positions: [],
  openOrders: [],
  totalCollateral: quoteToInt(equity),
  freeCollateral: quoteToInt(equity),
  initialMarginRequirement: 0n,
  maintenanceMarginRequirement: 0n,
  leverage: 0,
  health: 100,
});

const band = (half: number): ExposureBand => ({
  kind: 'band',
  marketIndex: 0,
  minBase: -half,
  maxBase: half,
  preferredBase: 0,
});

/** A last decision's baseline: APPROVE on `b`. */
const baseline = (b: ExposureBand): RiskBaseline => ({
  band: b,
  verdictKey: verdictSignature(approvedVerdict(b), setup()),
});

const view = (equity: number): AccountView => ({ account: account(equity), liquidationPrice: undefined });

describe('GridRisk: the pre-check and the decision share one bar’s figures', () => {
  it('a decision on another account at the same time reads that account, not the pre-check’s', () => {
    const risk = new GridRisk(setup(), { pause: false, reduceOnly: false });
    const s = snapshotAt(150, { ts: T0 + 60_000 });
    risk.noteDay(T0, view(1000)); // the day starts at 1000
    assert.equal(risk.decide(view(1000), band(5), s).kind, 'APPROVE');
    const fine = view(990);
    assert.equal(risk.changedSince(baseline(band(5)), fine, s), false);
    // the same bar, a new account object 60 below the day's start: the daily-loss rule must see it
    assert.equal(risk.decide(view(940), band(5), s).kind, 'REDUCE_ONLY');
  });

  it('a decision after a pre-check of a losing account reads its own, sound account', () => {
    const risk = new GridRisk(setup(), { pause: false, reduceOnly: false });
    const s = snapshotAt(150, { ts: T0 + 60_000 });
    risk.noteDay(T0, view(1000));
    assert.equal(risk.changedSince(baseline(band(5)), view(940), s), true);
    assert.equal(risk.decide(view(990), band(5), s).kind, 'APPROVE');
  });

  it('a restored day start is not hidden behind the figures kept before it', () => {
    const risk = new GridRisk(setup(), { pause: false, reduceOnly: false });
    const s = snapshotAt(150, { ts: T0 + 60_000 });
    const v = view(960);
    assert.equal(risk.decide(v, band(5), s).kind, 'APPROVE'); // the day starts at 960 (first look)
    risk.restore({
      dayStart: { day: Math.floor(T0 / DAY), equity: 1020 },
      dailyLossLatchDay: null,
      dailyLossSince: null,
    });
    assert.equal(risk.decide(v, band(5), s).kind, 'REDUCE_ONLY'); // 60 below the restored start
  });

  it('the same lists keep their exposure; new lists with other orders are summed again', () => {
    const risk = new GridRisk(setup(), { pause: false, reduceOnly: false });
    const s = snapshotAt(150, { ts: T0 + 60_000 });
    // 100 SOL of resting bids at 150: a worst-case notional of 15,000 USDC, over the 10,000 default maximum
    const bids = [testOrder({ base: 100_000_000_000n, price: 150_000_000n })];
    const withBids: AccountView = {
      account: { ...account(1000), openOrders: bids },
      liquidationPrice: undefined,
    };
    assert.equal(risk.decide(withBids, band(5), s).kind, 'CLAMP');
    // another account object, the very same lists: the same exposure (and the same verdict)
    const sameLists: AccountView = { account: { ...withBids.account }, liquidationPrice: undefined };
    assert.equal(risk.decide(sameLists, band(5), s).kind, 'CLAMP');
    // a new, empty list of orders: summed again, the bids are gone
    const noBids: AccountView = {
      account: { ...withBids.account, openOrders: [] },
      liquidationPrice: undefined,
    };
    assert.equal(risk.decide(noBids, band(5), s).kind, 'APPROVE');
    // back to a list holding the same order objects (a new list): summed again, the bids are back
    const again: AccountView = {
      account: { ...withBids.account, openOrders: [...bids] },
      liquidationPrice: undefined,
    };
    assert.equal(risk.decide(again, band(5), s).kind, 'CLAMP');
  });

  it('property: pre-checking first never changes a decision’s verdict', () => {
    const step = fc.record({
      equity: fc.integer({ min: 800, max: 1100 }),
      sameObject: fc.boolean(),
      minutes: fc.integer({ min: 0, max: 600 }),
      half: fc.integer({ min: 1, max: 8 }),
    });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 30 }), (steps) => {
        const checked = new GridRisk(setup(), { pause: false, reduceOnly: false });
        const plain = new GridRisk(setup(), { pause: false, reduceOnly: false });
        let ts = T0;
        let last = view(1000);
        for (const x of steps) {
          ts += x.minutes * 60_000;
          const s = snapshotAt(150, { ts });
          const v = x.sameObject ? last : view(x.equity);
          checked.changedSince(baseline(band(x.half)), v, s);
          const a = checked.decide(v, band(x.half), s);
          const b = plain.decide(v, band(x.half), s);
          assert.deepEqual(a, b);
          last = v;
        }
      }),
      { numRuns: 200 },
    );
  });
});
