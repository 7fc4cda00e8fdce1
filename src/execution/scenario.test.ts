/**
 * Scenarios on the simulated Drift venue (src/venue/sim SimExchange): the whole decision path — risk verdict →
 * execution governor → planner — drives a real simulated account bar by bar.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Candle } from '../data/types.ts';
import type { Verdict } from '../domain/intent.ts';
import { getMarket } from '../domain/markets.ts';
import { baseToNumber, priceToNumber, quoteToNumber } from '../domain/precision.ts';
import { priceOnTick, sizeOnStep } from '../domain/rounding.ts';
import type { DesiredOrder, MarketSnapshot } from '../domain/snapshot.ts';
import type { VenueEvent } from '../domain/types.ts';
import { evaluateRisk } from '../risk/governor.ts';
import { type GovernorState, INITIAL_GOVERNOR_STATE, type RiskInputs } from '../risk/inputs.ts';
import { defaultRiskLimits, type RiskLimits } from '../risk/limits.ts';
import { band } from '../risk/test-support/fixtures.ts';
import { SimExchange } from '../venue/sim/exchange.ts';
import { governExecution } from './execution-governor.ts';
import { planOrders } from './planner.ts';
import { defaultExecutionPolicy } from './policy.ts';
import { openBaseBySide } from './test-support/fixtures.ts';

const SOL = getMarket('SOL-PERP'); // maintenance 3%, initial 5%
const MINUTE = 60_000;
const T0 = Date.UTC(2026, 0, 5); // 00:00 UTC: the daily PnL window starts with the run
const policy = defaultExecutionPolicy();

/** A long grid: 2 SOL at every 1% line of a grid anchored at 100, ten lines each side of the price. */
function longGrid(bid: number, ask: number): DesiredOrder[] {
  const out: DesiredOrder[] = [];
  const base = sizeOnStep(2, SOL.stepSize);
  const lines = Array.from({ length: 81 }, (_, k) => 100 * (1 + 0.2 - 0.01 * k)); // 120 … 40
  const below = lines.filter((p) => p < bid).slice(0, 10);
  const above = lines
    .filter((p) => p > ask)
    .reverse()
    .slice(0, 10);
  below.forEach((p, i) => {
    out.push({
      marketIndex: 0,
      side: 'buy',
      price: priceOnTick(p, SOL.tickSize, 'buy'),
      base,
      postOnly: true,
      reduceOnly: false,
      level: i + 1,
      taker: false,
    });
  });
  above.forEach((p, i) => {
    out.push({
      marketIndex: 0,
      side: 'sell',
      price: priceOnTick(p, SOL.tickSize, 'sell'),
      base,
      postOnly: true,
      reduceOnly: false,
      level: i + 1,
      taker: false,
    });
  });
  return out;
}

function candle(ts: number, open: number, close: number, oracle = close): Candle {
  const high = Math.max(open, close) * 1.001;
  const low = Math.min(open, close) * 0.999;
  return {
    ts,
    open,
    high,
    low,
    close,
    volume: 1e6,
    oracleOpen: open,
    oracleHigh: high,
    oracleLow: low,
    oracleClose: oracle,
  };
}

interface Step {
  verdict: Verdict;
  openOrders: number;
  events: readonly VenueEvent[];
  health: number;
}

/** Runs the bot over a close path; `governed: false` sends the raw ladder (the control run). */
function runBot(closes: number[], oracles: number[], limits: RiskLimits, governed: boolean): Step[] {
  const ex = new SimExchange({ markets: [SOL], spreadBps: 2, fundingMode: 'off' });
  const id = ex.createSubaccount('grid');
  ex.deposit(id, 1_000_000_000n); // 1000 USDC
  const startEquity = 1000;
  let state: GovernorState = INITIAL_GOVERNOR_STATE;
  const steps: Step[] = [];
  let prev = closes[0];
  closes.forEach((close, i) => {
    const ts = T0 + i * MINUTE;
    ex.onBar(0, candle(ts, prev, close, oracles[i]), MINUTE);
    prev = close;
    const events = ex.drainEvents();
    const now = ts + MINUTE;
    const q = ex.quote(0);
    assert.ok(q);
    const [mark, oracle, bid, ask] = [q.mark, q.oracle, q.bid, q.ask].map(priceToNumber);
    const acct = ex.account(id);
    const pos = acct.positions.find((p) => p.marketIndex === 0);
    const positionBase = pos?.base ?? 0n;
    const live = ex.openOrders(id);
    const open = openBaseBySide(live, 0);
    const liq = ex.liquidationPrice(id, 0);
    const totalCollateral = quoteToNumber(acct.totalCollateral);
    const snapshot: MarketSnapshot = {
      ts: now,
      marketIndex: 0,
      mark,
      bid,
      ask,
      oracle,
      oracleAgeMs: 0,
      oracleStale: false,
      fundingRate: 0,
      nextFundingTs: now + 3_600_000,
      divergence: (mark - oracle) / oracle,
      vol: 0.6,
      reduceOnly: false,
    };
    const inputs: RiskInputs = {
      ts: now,
      band: band(0, 40, 20),
      snapshot,
      account: {
        positionBase: baseToNumber(positionBase),
        entryPrice: pos && pos.base !== 0n ? -quoteToNumber(pos.quoteEntry) / baseToNumber(pos.base) : 0,
        collateral: quoteToNumber(acct.collateral),
        totalCollateral,
        maintenanceRequirement: quoteToNumber(acct.maintenanceMarginRequirement),
        health: acct.health,
        leverage: acct.leverage,
        liquidationPrice: liq === undefined ? null : priceToNumber(liq),
        openBidBase: open.bid,
        openAskBase: open.ask,
        dailyPnl: totalCollateral - startEquity,
      },
      market: { maintenanceMarginRatio: SOL.marginRatioMaintenance / 10_000 },
      manualReduceOnly: false,
      previous: state,
    };
    const r = governed
      ? evaluateRisk(inputs, limits)
      : { verdict: { kind: 'APPROVE' as const, band: inputs.band, reasons: [] }, state };
    state = r.state;
    const ladder = longGrid(bid, ask);
    const desired = governed
      ? governExecution({ verdict: r.verdict, snapshot, market: SOL, positionBase, ladder, policy })
      : ladder;
    const commands = planOrders(desired, live, policy, r.verdict, now, positionBase);
    ex.execute(id, commands, now);
    const after = ex.drainEvents();
    steps.push({
      verdict: r.verdict,
      openOrders: ex.openOrders(id).length,
      events: [...events, ...after],
      health: acct.health,
    });
  });
  return steps;
}

const liquidations = (steps: Step[]): number =>
  steps.flatMap((s) => s.events).filter((e) => e.type === 'liquidated').length;

describe('scenario: a long grid in a falling market', () => {
  // 30 quiet bars at 100, then −0.25% a bar with a 9% gap down at bar 120, down to ≈ 47.
  const closes = Array.from({ length: 300 }, (_, i) => {
    if (i < 30) return 100 + (i % 2 === 0 ? 0.05 : -0.05);
    const drift = 100 * Math.exp(-0.0025 * (i - 30));
    return Math.round(drift * (i >= 120 ? 0.91 : 1) * 10_000) / 10_000;
  });
  const limits: RiskLimits = { ...defaultRiskLimits(), maxLeverage: 10, maxDailyLoss: 10_000 };

  it('without the governor the same grid is liquidated (control)', () => {
    const steps = runBot(closes, closes, limits, false);
    assert.ok(liquidations(steps) > 0);
  });

  it('with it the buffer trips, a taker reduce-only defense fires, and the account is never liquidated', () => {
    const steps = runBot(closes, closes, limits, true);
    assert.equal(liquidations(steps), 0);
    const defended = steps.filter((s) =>
      s.verdict.reasons.some((r) => r.rule === 'A_liquidation_buffer' && r.action === 'REDUCE_ONLY'),
    );
    assert.ok(defended.length > 0, 'rule A never asked for REDUCE_ONLY');
    const takerReduces = steps
      .flatMap((s) => s.events)
      .filter((e) => e.type === 'filled' && !e.fill.maker && e.fill.reduceOnly && e.fill.side === 'sell');
    assert.ok(takerReduces.length > 0, 'no taker defense fill');
    assert.ok(steps.every((s) => s.health > 0));
  });
});

describe('scenario: a divergence spike', () => {
  // Flat market; the oracle jumps 5% away for bars 40–59, then returns.
  const closes = Array.from({ length: 100 }, (_, i) => 100 + (i % 2 === 0 ? 0.05 : -0.05));
  const oracles = closes.map((c, i) => (i >= 40 && i < 60 ? c * 1.05 : c));
  const steps = runBot(closes, oracles, defaultRiskLimits(), true);

  it('pauses with zero open orders while the oracle is away', () => {
    assert.ok(steps[39].openOrders > 0, 'the ladder was live before the spike');
    for (let i = 40; i < 60; i++) {
      assert.equal(steps[i].verdict.kind, 'PAUSE', `bar ${i}`);
      assert.equal(steps[i].openOrders, 0, `bar ${i}`);
    }
  });

  it('resumes quoting once it clears', () => {
    assert.notEqual(steps[60].verdict.kind, 'PAUSE');
    assert.ok(steps[60].openOrders > 0);
    assert.ok(steps.slice(60).every((s) => s.verdict.kind !== 'PAUSE' && s.openOrders > 0));
  });
});
