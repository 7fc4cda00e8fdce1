/**
 * The grid's risk certificate (risk/quiet-box.ts) with everything it was issued under: the account's stamp, the
 * day and its starting equity, the band's bounds, the limits and market, and the governor's (empty) state. The
 * every-bar pre-check asks it first; while all of those are the same and the prices stay in its box, no price
 * rule can trip, so only the snapshot rules (funding, divergence, volatility, the reduce-only switches) are run
 * — on the snapshot of the bar — and the account is not read at all. Anything else, and the check reads the
 * account as before (and issues a new certificate when it finds no rule tripped).
 *
 * Issued only on a view that can give its stamp and oracle cheaply (the simulator's: AccountView.stamp), for
 * an account holding a position and orders on the grid's market alone, with no rule active.
 */
import type { ExposureBand } from '../domain/intent.ts';
import type { MarketSpec } from '../domain/markets.ts';
import type { MarketSnapshot } from '../domain/snapshot.ts';
import { type GovernorState, INITIAL_GOVERNOR_STATE, type RiskInputs } from '../risk/inputs.ts';
import type { RiskLimits } from '../risk/limits.ts';
import { inQuietBox, type QuietBox, quietBox } from '../risk/quiet-box.ts';
import { utcDay } from '../risk/rules/c-daily-loss.ts';
import { fundingTrips } from '../risk/rules/e-funding.ts';
import { divergenceTrips } from '../risk/rules/f-divergence.ts';
import { reduceOnlySwitched } from '../risk/rules/g-reduce-only.ts';
import { volatilityTrips } from '../risk/rules/v-volatility.ts';
import type { Holdings } from './account-figures.ts';
import type { DayStartMemory } from './day-start-equity.ts';

/**
 * What a view tells the certificate; both absent on views that cannot say them cheaply. A view that gives them
 * promises figures made as Drift's margin makes them with the maintenance pnl weight at 100% (the simulator's):
 * the bounds of risk/quiet-box.ts rest on that.
 */
export interface CertifiableView {
  /** Changes whenever anything in the account but the prices changed (SimExchange.accountStamp). */
  readonly stamp?: number;
  /** The oracle (USD) the account's figures are priced at. */
  readonly figureOracle?: number;
}

/** Whether the account holds anything off `marketIndex` (its figures would move with other oracles). */
function holdsOtherMarkets(h: Holdings, marketIndex: number): boolean {
  for (const p of h.positions) if (p.marketIndex !== marketIndex) return true;
  for (const o of h.openOrders) if (o.marketIndex !== marketIndex) return true;
  return false;
}

export class RiskCertificate {
  #box: QuietBox | undefined;
  #stamp = Number.NaN;
  #dayStart: DayStartMemory = { day: Number.NaN, equity: Number.NaN };
  #minBase = Number.NaN;
  #maxBase = Number.NaN;
  #limits: RiskLimits | undefined;
  #market: MarketSpec | undefined;
  /** The issuing check's inputs, re-pointed at each bar's snapshot for the snapshot rules (never kept by them). */
  #inputs: RiskInputs | undefined;

  /**
   * After a check on `view` that tripped no rule: the certificate for its account, or none (the view cannot
   * stamp, the account reaches other markets, a rule is active, or no box fits). `dayStart` is the day's
   * start the check measured from.
   */
  issue(
    view: CertifiableView,
    holdings: Holdings,
    inputs: RiskInputs,
    limits: RiskLimits,
    market: MarketSpec,
    dayStart: DayStartMemory | undefined,
  ): void {
    this.#box = undefined;
    const stamp = view.stamp;
    const oracle = view.figureOracle;
    if (stamp === undefined || oracle === undefined || dayStart === undefined) return;
    if (inputs.previous !== INITIAL_GOVERNOR_STATE || (inputs.account.otherNotional ?? 0) !== 0) return;
    if (holdsOtherMarkets(holdings, market.marketIndex)) return;
    this.#box = quietBox(
      {
        figures: inputs.account,
        mark: inputs.snapshot.mark,
        oracle,
        band: inputs.band,
        dayStartEquity: dayStart.equity,
        mmr: inputs.market.maintenanceMarginRatio,
        market,
      },
      limits,
    );
    this.#stamp = stamp;
    this.#dayStart = dayStart;
    this.#minBase = inputs.band.minBase;
    this.#maxBase = inputs.band.maxBase;
    this.#limits = limits;
    this.#market = market;
    this.#inputs = { ...inputs };
  }

  /**
   * True when no rule can trip on `view` now (the verdict is then approvedVerdict on `band`), known without
   * reading the account; false when the certificate cannot say (then the caller reads the account).
   */
  rulesQuiet(
    view: CertifiableView,
    band: ExposureBand,
    snapshot: MarketSnapshot,
    governor: GovernorState,
    setup: { risk: RiskLimits; market: MarketSpec },
    dayStartIs: (m: DayStartMemory) => boolean,
    manualReduceOnly: boolean,
  ): boolean {
    const box = this.#box;
    const inputs = this.#inputs;
    if (box === undefined || inputs === undefined) return false;
    if (
      governor !== INITIAL_GOVERNOR_STATE ||
      setup.risk !== this.#limits ||
      setup.market !== this.#market ||
      band.minBase !== this.#minBase ||
      band.maxBase !== this.#maxBase ||
      utcDay(snapshot.ts) !== this.#dayStart.day ||
      !dayStartIs(this.#dayStart) ||
      !inQuietBox(box, snapshot.mark, view.figureOracle ?? Number.NaN) ||
      view.stamp !== this.#stamp
    ) {
      return false;
    }
    // the rules that read the snapshot alone (and the position's side, the band and the switches: unchanged
    // or set here), on this bar's snapshot
    inputs.ts = snapshot.ts;
    inputs.snapshot = snapshot;
    inputs.manualReduceOnly = manualReduceOnly;
    const limits = setup.risk;
    return !(
      fundingTrips(inputs, limits) ||
      divergenceTrips(inputs, limits) ||
      volatilityTrips(inputs, limits) ||
      reduceOnlySwitched(inputs, limits)
    );
  }
}
