/** Builders for risk inputs in tests and benchmarks: a healthy flat SOL account unless told otherwise. */
import type { ExposureBand } from '../../domain/intent.ts';
import type { MarketSnapshot } from '../../domain/snapshot.ts';
import {
  type AccountFigures,
  type GovernorState,
  INITIAL_GOVERNOR_STATE,
  type RiskInputs,
} from '../inputs.ts';

export function snapshotAt(mark: number, over: Partial<MarketSnapshot> = {}): MarketSnapshot {
  return {
    ts: 0,
    marketIndex: 0,
    mark,
    bid: mark - 0.01,
    ask: mark + 0.01,
    oracle: mark,
    oracleAgeMs: 0,
    oracleStale: false,
    fundingRate: 0,
    nextFundingTs: 3_600_000,
    divergence: 0,
    vol: 0.5,
    reduceOnly: false,
    ...over,
  };
}

export function accountFigures(over: Partial<AccountFigures> = {}): AccountFigures {
  return {
    positionBase: 0,
    entryPrice: 0,
    collateral: 1000,
    totalCollateral: 1000,
    maintenanceRequirement: 0,
    health: 100,
    leverage: 0,
    liquidationPrice: null,
    openBidBase: 0,
    openAskBase: 0,
    dailyPnl: 0,
    ...over,
  };
}

export const band = (
  minBase: number,
  maxBase: number,
  preferredBase = (minBase + maxBase) / 2,
): ExposureBand => ({
  kind: 'band',
  marketIndex: 0,
  minBase,
  maxBase,
  preferredBase,
});

export interface InputsOverrides {
  ts?: number;
  band?: ExposureBand;
  snapshot?: Partial<MarketSnapshot>;
  account?: Partial<AccountFigures>;
  mmr?: number;
  manualReduceOnly?: boolean;
  previous?: GovernorState;
  mark?: number;
}

/**
 * A consistent account at `mark` for a position of `positionBase` with the given equity: maintenance requirement,
 * health, leverage and liquidation price follow Drift's single-market formulas.
 */
export function accountAt(
  mark: number,
  positionBase: number,
  totalCollateral: number,
  mmr = 0.03,
  over: Partial<AccountFigures> = {},
): AccountFigures {
  const notional = Math.abs(positionBase) * mark;
  const req = notional * mmr;
  const liq =
    positionBase === 0
      ? null
      : positionBase > 0
        ? mark - (totalCollateral - req) / (positionBase * (1 - mmr))
        : mark + (totalCollateral - req) / (-positionBase * (1 + mmr));
  return accountFigures({
    positionBase,
    entryPrice: positionBase === 0 ? 0 : mark,
    collateral: totalCollateral,
    totalCollateral,
    maintenanceRequirement: req,
    health: totalCollateral > 0 ? Math.max(0, (1 - req / totalCollateral) * 100) : 0,
    leverage: totalCollateral > 0 ? notional / totalCollateral : Number.POSITIVE_INFINITY,
    liquidationPrice: liq !== null && liq > 0 ? liq : positionBase > 0 ? null : liq,
    ...over,
  });
}

export function makeInputs(o: InputsOverrides = {}): RiskInputs {
  const mark = o.mark ?? 100;
  return {
    ts: o.ts ?? 1_700_000_000_000,
    band: o.band ?? band(-5, 5, 0),
    snapshot: snapshotAt(mark, o.snapshot),
    account: accountFigures(o.account),
    market: { maintenanceMarginRatio: o.mmr ?? 0.03 },
    manualReduceOnly: o.manualReduceOnly ?? false,
    previous: o.previous ?? INITIAL_GOVERNOR_STATE,
  };
}
