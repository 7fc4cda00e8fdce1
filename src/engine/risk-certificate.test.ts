/**
 * The risk certificate against the pre-check it stands in for: whole backtests with limits set to trip (leverage,
 * notional, liquidation buffer, daily loss), run once with the certificate and once reading the account on every
 * bar, must take the same decisions and write the same report; and on a quiet account the certificate does
 * answer (so the comparison is not of two runs that never used it).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runBacktest } from '../backtest/run-backtest.ts';
import { serializeReport } from '../backtest/serialize-report.ts';
import { type BotConfig, parseBotConfig } from '../config/bot-config.ts';
import { readConfigFile } from '../config/read-config-file.ts';
import { generateCandles } from '../data/synthetic.ts';
import type { MarketEvent } from '../data/types.ts';
import { MARKETS } from '../domain/markets.ts';
import type { OrderCommand } from '../domain/types.ts';
import { INITIAL_GOVERNOR_STATE, type RiskInputs } from '../risk/inputs.ts';
import { RISK_LIMIT_DEFAULTS } from '../risk/limits.ts';
import { snapshotAt } from '../risk/test-support/fixtures.ts';
import { RiskCertificate } from './risk-certificate.ts';

const EXAMPLE = new URL('../../examples/sol-grid.yaml', import.meta.url).pathname;

/** The example grid with `size` SOL a level and the given risk limits over its own. */
function config(size: number, risk: Record<string, unknown>): BotConfig {
  const raw = readConfigFile(EXAMPLE) as Record<string, Record<string, unknown>>;
  return parseBotConfig(
    { ...raw, grid: { ...raw.grid, baseSizePerLevel: size }, risk: { ...raw.risk, ...risk } },
    'certificate',
  );
}

const events = (seed: number, n: number): MarketEvent[] =>
  generateCandles(n, { seed, startPrice: 150 }).map((candle) => ({
    type: 'bar',
    market: 'SOL-PERP',
    candle,
    intervalMs: 60_000,
  }));

/** The report's text without its timing, and every decision that sent anything. */
function run(cfg: BotConfig, evs: MarketEvent[], certify: boolean) {
  const decisions: [number, readonly OrderCommand[]][] = [];
  const report = runBacktest({
    config: cfg,
    events: evs,
    replayFunding: false,
    now: () => 0,
    riskCertificate: certify,
    onDecision: (ts, commands) => decisions.push([ts, commands]),
  });
  return { report, text: serializeReport(report), decisions };
}

/** Limits that trip now and then on this path (APPROVE between), so both the certificate and the rules act. */
const CASES: [string, number, Record<string, unknown>][] = [
  ['leverage cap', 1, { maxLeverage: 1.6 }],
  ['notional cap', 1, { maxNotional: 1800 }],
  ['liquidation buffer', 6, { maxLeverage: 20, maxNotional: 100_000, minLiqDistancePct: 8, minHealth: 20 }],
  ['health', 4, { maxLeverage: 20, maxNotional: 100_000, minLiqDistancePct: 10, minHealth: 50 }],
  ['daily loss, flatten', 3, { maxDailyLoss: 15, dailyLossAction: 'flatten', maxLeverage: 10 }],
];

describe('risk certificate', () => {
  for (const [name, size, risk] of CASES) {
    it(`${name}: the same decisions and report with and without it`, () => {
      const evs = events(11, 20_000);
      const cfg = config(size, risk);
      const on = run(cfg, evs, true);
      const off = run(cfg, evs, false);
      assert.deepEqual(on.decisions, off.decisions);
      assert.equal(on.text, off.text);
      // the limits bit now and then: bars under APPROVE (where the certificate answers) and under a tripped rule
      const v = on.report.summary.verdicts;
      assert.ok(
        v.CLAMP + v.REDUCE_ONLY + v.PAUSE > 0,
        `${name}: no rule ever tripped (${JSON.stringify(v)})`,
      );
      assert.ok(v.APPROVE > 0, `${name}: a rule tripped on every bar (${JSON.stringify(v)})`);
    });
  }

  it('answers a quiet bar, and stops answering when the stamp, the day or the prices leave it', () => {
    const c = new RiskCertificate();
    const market = MARKETS['SOL-PERP'];
    const limits = { ...RISK_LIMIT_DEFAULTS };
    const band = { kind: 'band' as const, marketIndex: 0, minBase: -2, maxBase: 2, preferredBase: 0 };
    const inputs: RiskInputs = {
      ts: 1_000,
      band,
      snapshot: snapshotAt(150, { ts: 1_000 }),
      account: {
        positionBase: 1,
        entryPrice: 150,
        collateral: 1000,
        totalCollateral: 1000,
        maintenanceRequirement: 4.5,
        health: 100,
        leverage: 0.15,
        liquidationPrice: null,
        openBidBase: 1,
        openAskBase: 1,
        dailyPnl: 0,
      },
      market: { maintenanceMarginRatio: 0.03 },
      manualReduceOnly: false,
      previous: INITIAL_GOVERNOR_STATE,
    };
    const view = { stamp: 7, figureOracle: 150 };
    const holdings = { positions: [], openOrders: [] };
    c.issue(view, holdings, inputs, limits, market, { day: 0, equity: 1000 });
    const setup = { risk: limits, market };
    const ask = (v: typeof view, ts: number, mark: number, reduceOnly = false) =>
      c.rulesQuiet(
        v,
        band,
        snapshotAt(mark, { ts, oracle: mark }),
        INITIAL_GOVERNOR_STATE,
        setup,
        () => true,
        reduceOnly,
      );
    assert.equal(ask(view, 2_000, 150.5), true);
    assert.equal(ask({ ...view, stamp: 8 }, 2_000, 150.5), false, 'the account changed');
    assert.equal(ask(view, 86_400_000, 150.5), false, 'a new day');
    assert.equal(ask(view, 2_000, 200), false, 'the mark left the box');
    assert.equal(ask({ ...view, figureOracle: 100 }, 2_000, 150), false, 'the oracle left the box');
    assert.equal(ask(view, 2_000, 150, true), false, 'the operator switched to reduce-only');
    const noStamp = new RiskCertificate();
    noStamp.issue({ figureOracle: 150 }, holdings, inputs, limits, market, { day: 0, equity: 1000 });
    assert.equal(
      noStamp.rulesQuiet(view, band, inputs.snapshot, INITIAL_GOVERNOR_STATE, setup, () => true, false),
      false,
    );
  });
});
