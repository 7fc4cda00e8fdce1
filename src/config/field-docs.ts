/**
 * One line per config field, for the generated reference (docs/config.md) and the commented file `zero-perps
 * init` writes. Keyed by the field's path; the reference test fails when a field of the schema has no line
 * here, so a new field cannot reach users undocumented.
 */
export const FIELD_DOCS: Readonly<Record<string, string>> = {
  name: 'The bot id: unique across config files and the database; shown in the dashboard and logs.',
  strategy: '`grid` (one market, a ladder along a price curve) or `spread` (DRIFT-PERP/KMNO-PERP pair).',
  market: 'Grid bots: the perp market traded (case does not matter).',
  markets: 'Spread bots: the two legs, always DRIFT-PERP and KMNO-PERP (the default).',
  collateral: 'USDC the bot trades with: paper and backtest deposit it; live checks it is there.',
  fees: 'Fee rates used by the simulator and the PnL books.',
  marketSpec:
    'Per-market overrides of the spec table for paper and backtests (tickSize, stepSize, minOrderSize, marginRatioInitial, marginRatioMaintenance, imfFactor, contractTier), e.g. {ETH-PERP: {tickSize: 0.01}}; live reads the chain (docs/markets.md).',
  'fees.takerBps': 'Taker fee, basis points of notional.',
  'fees.makerBps': 'Maker fee, basis points (negative = rebate). takerBps + makerBps must not be negative.',

  grid: 'Grid strategy parameters (docs/grid-strategy.md).',
  'grid.curve':
    '`stepwise`: position changes level by level; `linear`: a straight line from +max at lo to −max at hi.',
  'grid.levels': 'The curve’s reach in levels: the largest position either way is levels × baseSizePerLevel.',
  'grid.stepPct': 'Ladder spacing, percent of the mark (0.5 = 0.5%).',
  'grid.baseSizePerLevel':
    "Base units per level (e.g. SOL), at least the market's minimum order size. Leave out (or 'auto') to size the full ladder on one side at 1× the collateral.",
  'grid.bias': '`bullish` / `bearish` shrink the disfavoured side by biasSkew; `neutral` is symmetric.',
  'grid.biasSkew': 'How much a bias shrinks the disfavoured side (0 = no effect).',
  'grid.rangeMode':
    '`bounded`: outside the range only orders that bring the position towards flat; `infinity`: the ladder keeps trading beyond it up to the curve’s extent, and the range follows the market.',
  'grid.range':
    'A fixed range {lo, hi} (prices) instead of the blended percentile range: the curve never moves.',
  'grid.range.lo': 'The fixed range’s low price (the curve’s most long).',
  'grid.range.hi': 'The fixed range’s high price (the curve’s most short).',
  'grid.percentiles': 'Percentile band [lo, hi] of the blended price range.',
  'grid.lookbackWeights':
    'Weights of the 1h/4h/1d/1w windows in the blended range (0 switches a window off).',
  'grid.lookbackWeights.1h': 'Weight of the 1-hour window.',
  'grid.lookbackWeights.4h': 'Weight of the 4-hour window.',
  'grid.lookbackWeights.1d': 'Weight of the 1-day window.',
  'grid.lookbackWeights.1w': 'Weight of the 1-week window.',
  'grid.liveLevelsPerSide':
    'Orders actually placed per side (both sides stay within Drift’s 32 open orders).',
  'grid.volatility': 'Mild volatility response: widen the step and slow the cadence in fast markets.',
  'grid.volatility.referenceVol':
    'Annualised realised volatility (0.8 = 80%/yr) above which the response starts.',
  'grid.volatility.maxStepPct': 'The widened step never exceeds this (percent).',
  'grid.volatility.maxCadenceFactor': 'Routine decisions are spaced out by at most this factor.',
  'grid.postOnly': 'Ladder orders rest as post-only makers.',

  spread: 'Spread strategy parameters (docs/spread-strategy.md).',
  'spread.driftQuantity':
    "DRIFT base units per leg (default 100), at least DRIFT-PERP's minimum order size; 'auto': a quarter of the collateral, fixed once chosen.",
  'spread.kmnoQuantity':
    "KMNO base units per leg (default 1000), at least KMNO-PERP's minimum order size; 'auto': a quarter of the collateral, fixed once chosen.",
  'spread.cycleIntervalSec': 'Seconds between decisions.',
  'spread.signalLagPeriods': 'Cycles of lag before a signal is acted on.',
  'spread.window': 'Fresh observations in the rolling regression and z-score.',
  'spread.entryZ': '|z| at or above which a position is opened; must exceed exitZ.',
  'spread.exitZ': '|z| at or below which the position is closed.',
  'spread.signalPrice': 'Which price feeds the signal: the mark (what the legs trade at) or the oracle.',
  'spread.maxSlippageBps': 'Opening legs: worst accepted distance of the fill price from the mark, bps.',
  'spread.closeMaxSlippageBps':
    'Closing legs (exits, repairs, emergency, shutdown): worst accepted distance, bps.',
  'spread.reconcileEveryCycles': 'Compare the legs with the venue every this many cycles.',
  'spread.closeOnShutdown': 'Close both legs when the runner stops.',
  'spread.shutdownTimeoutSec':
    'How long a shutdown keeps retrying the closes before it exits non-zero naming what is still open.',
  'spread.maxConsecutiveFailures': 'Consecutive failed orders that turn HEALTHY into DEGRADED.',
  'spread.recoveryCycles': 'Consecutive clean cycles that bring DEGRADED back to HEALTHY.',
  'spread.sizeTolerance': 'A leg within this fraction of its intended size is left alone.',

  execution: 'How verdicts and ladders become orders (docs/execution.md).',
  'execution.makerPreferred':
    'Ladder and reduction orders rest as post-only makers; false = reductions go taker.',
  'execution.postOnly': "Drift PostOnlyParams: 'must' rejects a crossing order, 'try' skips it silently.",
  'execution.maxSlippageBps': 'Worst acceptable price of a taker order, bps beyond the best bid/ask.',
  'execution.requoteThresholdBps': 'A live order within this many bps of the desired price is kept as is.',
  'execution.ttlSec':
    'An order older than this is requoted if it no longer matches what is wanted; one that matches exactly is kept.',
  'execution.oracleOffsetOrders':
    'Maker orders float with the oracle (Drift oracle-offset orders): the ladder follows the price without a transaction per move; levels are then relative to the oracle, not a fixed lattice.',
  'execution.cadenceSec':
    'Routine re-decisions (a level crossed without a fill, the heartbeat) at least this many seconds apart, × the volatility cadence factor; fills and risk changes act at once.',
  'execution.rampIn': 'After a start the ladder opens in equal steps.',
  'execution.rampIn.steps': 'Number of equal openings; 1 = no ramp.',
  'execution.rampIn.intervalSec': 'Seconds between openings.',
  'execution.manyLevelsMovedThreshold':
    'This many new orders on one side → the side is re-laddered atomically.',
  'execution.maxOpenOrders': 'Open orders at most (Drift allows 32 per subaccount).',

  risk: 'Risk limits (docs/risk.md); every field has a conservative default.',
  'risk.maxLeverage': 'Worst-case (position + open orders) notional / total collateral.',
  'risk.minLiqDistancePct': 'Minimum distance from mark to the liquidation price, % of mark.',
  'risk.minHealth': 'Minimum Drift account health (0..100).',
  'risk.maxDailyLoss': 'USDC lost since 00:00 UTC that stops new exposure for the day.',
  'risk.maxNotional': 'Worst-case position notional, USDC.',
  'risk.maxFundingApr': '%/year of funding the position’s side may pay before that side is clamped.',
  'risk.maxDivergencePct': '% |mark − oracle| / oracle above which the bot pauses.',
  'risk.reduceOnly': 'Manual switch: only orders that shrink the position.',
  'risk.dailyLossAction':
    'What the daily-loss rule does when it trips, until 00:00 UTC: `flatten` closes the position (maker, then taker), `reduce_only` blocks new exposure, `pause` holds everything.',
  'risk.flattenAfterSec':
    'A daily-loss flatten waits this long on its maker close before closing with takers.',
  'risk.maxVolatility': 'Annualised realised volatility (1.5 = 150%/yr) above which exposure is clamped.',
  'risk.pauseVolatility': 'Annualised volatility above which the bot pauses; must exceed maxVolatility.',
  'risk.maxOracleAgeSec': 'Seconds without a fresh oracle before it counts as stale.',
  'risk.hysteresisPct': '% of a limit a measure must be back inside before a tripped rule releases.',
};
