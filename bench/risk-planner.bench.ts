/**
 * Decision latency of one bot: snapshot → risk verdict → execution governor → plan, on a synthetic random-walk
 * price path (seeded, deterministic) with a grid ladder that follows the price. Live orders and the position
 * evolve through applyPlanToLiveOrders and a crude fill rule (a resting order fills when the mark crosses it),
 * so the planner sees keeps, requotes, TTL expiries and side re-ladders as in a real run.
 */
import { getMarket } from '../src/domain/markets.ts';
import { baseToNumber } from '../src/domain/precision.ts';
import type { MarketSnapshot } from '../src/domain/snapshot.ts';
import type { Order } from '../src/domain/types.ts';
import { governExecution } from '../src/execution/execution-governor.ts';
import { applyPlanToLiveOrders, planOrders } from '../src/execution/planner.ts';
import { defaultExecutionPolicy } from '../src/execution/policy.ts';
import { makeLadder, openBaseBySide } from '../src/execution/test-support/fixtures.ts';
import { evaluateRisk } from '../src/risk/governor.ts';
import { type GovernorState, INITIAL_GOVERNOR_STATE } from '../src/risk/inputs.ts';
import { defaultRiskLimits } from '../src/risk/limits.ts';
import { accountAt, band } from '../src/risk/test-support/fixtures.ts';

interface Result {
  name: string;
  value: number;
  unit: string;
}

const SOL = getMarket('SOL-PERP');

/** Park–Miller LCG: deterministic, no Math.random. */
function lcg(seed: number): () => number {
  let s = seed % 2147483647;
  return () => {
    s = (s * 48271) % 2147483647;
    return s / 2147483647;
  };
}

function measure(
  levelsPerSide: number,
  decisions: number,
): { perSec: number; p50: number; p99: number; max: number } {
  const rand = lcg(12345);
  const limits = defaultRiskLimits();
  const policy = defaultExecutionPolicy();
  let mark = 100;
  let position = 0n;
  let live: Order[] = [];
  let nextOrderId = 1;
  let state: GovernorState = INITIAL_GOVERNOR_STATE;
  const warmup = 2000;
  const lat = new Float64Array(decisions);
  let total = 0n;
  for (let i = 0; i < warmup + decisions; i++) {
    const ts = 1_700_000_000_000 + i * 1000;
    mark *= 1 + (rand() - 0.5) * 0.004;
    const filled = fillCrossed(live, mark);
    position += filled.baseDelta;
    live = filled.still;
    const ladder = makeLadder(SOL, Math.round(mark * 2) / 2, levelsPerSide, 0.4, 0.5);

    const t0 = process.hrtime.bigint();
    const snapshot = snapshotAt(ts, mark);
    const open = openBaseBySide(live, 0);
    const q = baseToNumber(position);
    const r = evaluateRisk(
      {
        ts,
        band: band(-10, 10, 0),
        snapshot,
        account: { ...accountAt(mark, q, 1000), openBidBase: open.bid, openAskBase: open.ask },
        market: { maintenanceMarginRatio: 0.03 },
        manualReduceOnly: false,
        previous: state,
      },
      limits,
    );
    state = r.state;
    const desired = governExecution({
      verdict: r.verdict,
      snapshot,
      market: SOL,
      positionBase: position,
      ladder,
      policy,
    });
    const commands = planOrders(desired, live, policy, r.verdict, ts, position);
    const t1 = process.hrtime.bigint();

    const applied = applyPlanToLiveOrders(live, commands, nextOrderId, ts);
    live = applied.live;
    nextOrderId = applied.nextOrderId;
    if (i >= warmup) {
      lat[i - warmup] = Number(t1 - t0) / 1000; // µs
      total += t1 - t0;
    }
  }
  return latencySummary(lat, total);
}

/** Resting orders the mark crossed fill (the simplest fill rule): the base they add, and the orders left. */
function fillCrossed(live: readonly Order[], mark: number): { still: Order[]; baseDelta: bigint } {
  const still: Order[] = [];
  let baseDelta = 0n;
  for (const o of live) {
    const crossed = o.side === 'buy' ? mark <= Number(o.price) / 1e6 : mark >= Number(o.price) / 1e6;
    if (crossed) baseDelta += o.side === 'buy' ? o.base : -o.base;
    else still.push(o);
  }
  return { still, baseDelta };
}

/** A snapshot at `mark`: a 1-cent spread, the oracle 5 bps above, calm funding and volatility. */
function snapshotAt(ts: number, mark: number): MarketSnapshot {
  return {
    ts,
    marketIndex: 0,
    mark,
    bid: mark - 0.005,
    ask: mark + 0.005,
    oracle: mark * 1.0005,
    oracleAgeMs: 0,
    oracleStale: false,
    fundingRate: 0.00001,
    nextFundingTs: ts + 3_600_000,
    divergence: -0.0005,
    vol: 0.8,
    reduceOnly: false,
  };
}

/** Decisions per second over the measured ones (`totalNs`), and their latency percentiles (µs). */
function latencySummary(
  lat: Float64Array,
  totalNs: bigint,
): { perSec: number; p50: number; p99: number; max: number } {
  const sorted = Array.from(lat).sort((a, b) => a - b);
  const pct = (p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  return {
    perSec: lat.length / (Number(totalNs) / 1e9),
    p50: pct(0.5),
    p99: pct(0.99),
    max: sorted[sorted.length - 1],
  };
}

export async function run(): Promise<Result[]> {
  const out: Result[] = [];
  for (const levels of [10, 20]) {
    const m = measure(levels, 20_000);
    const tag = `risk→plan, ${levels * 2}-order ladder`;
    out.push(
      { name: `${tag}: decisions per second`, value: Math.round(m.perSec), unit: 'decisions/s' },
      { name: `${tag}: p50 latency`, value: Number(m.p50.toFixed(1)), unit: 'µs' },
      { name: `${tag}: p99 latency`, value: Number(m.p99.toFixed(1)), unit: 'µs' },
    );
  }
  return out;
}

if (import.meta.main) {
  for (const r of await run()) console.log(`${r.name}: ${r.value} ${r.unit}`);
}
