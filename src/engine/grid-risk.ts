/**
 * A grid bot's side of the risk governor: the state carried from one check to the next (the governor's state,
 * the day's starting equity), what the governor reads of the account (its figures, and this market's exposure
 * kept while the orders and the position are the same), and the two checks a grid asks — the every-bar
 * pre-check (has the verdict's signature changed since the last decision?) and a decision's verdict.
 */
import type { ExposureBand, Verdict } from '../domain/intent.ts';
import type { MarketSpec } from '../domain/markets.ts';
import { quoteToNumber } from '../domain/precision.ts';
import type { MarketSnapshot } from '../domain/snapshot.ts';
import type { AccountNumbers, AccountState } from '../domain/types.ts';
import { anyRuleTrips, approvedVerdict, evaluateRisk } from '../risk/governor.ts';
import {
  type AccountFigures,
  type GovernorState,
  INITIAL_GOVERNOR_STATE,
  type MarketFacts,
  type RiskInputs,
} from '../risk/inputs.ts';
import type { RiskLimits } from '../risk/limits.ts';
import type { GridParams } from '../strategies/grid/params.ts';
import {
  accountFigures,
  accountFiguresOfNumbers,
  exposureOf,
  type Holdings,
  type MarketExposure,
} from './account-figures.ts';
import { DayStartEquity, type DayStartMemory } from './day-start-equity.ts';
import { LiveOrdersRecord } from './live-orders-record.ts';
import type { ManualControls } from './manual-controls.ts';
import { type CertifiableView, RiskCertificate } from './risk-certificate.ts';
import { hasSignature, type VerdictSignature } from './verdict-signature.ts';

/** What the risk side reads of the bot's setup, at each check (a reload replaces its parts). */
export interface GridRiskSetup {
  market: MarketSpec;
  grid: GridParams;
  risk: RiskLimits;
}

/** The account as a grid reads it. */
export interface AccountView extends CertifiableView {
  account: AccountState;
  /** Liquidation price of this market's position (PRICE), undefined when none. */
  liquidationPrice: bigint | undefined;
  /**
   * The same account as numbers, with this market's liquidation price, when the venue has them so (the
   * simulator: AccountNumbers). Read instead of `account` and `liquidationPrice` where present, so a view may
   * make those two only when asked (the backtest's: the grid then never asks).
   */
  numbers?: AccountNumbers;
  /**
   * The same account's positions and open orders alone, where the venue has them cheaper than its numbers (the
   * simulator: SimExchange.holdings): what a decision reads when its risk check needs no figures.
   */
  holdings?: Holdings;
}

/**
 * The positions and open orders of a view: its holdings or its numbers' lists where it has them (the same
 * lists as its account's).
 */
export const holdingsOf = (view: AccountView): Holdings => view.holdings ?? view.numbers ?? view.account;

/** What survives a restart of the bot's risk memory (persisted by the runner, see docs/risk.md). */
export interface GridRiskMemory {
  dayStart?: DayStartMemory;
  dailyLossLatchDay: number | null;
  dailyLossSince: number | null;
}

/** What the pre-check compares against: the last decision's band and verdict signature. */
export interface RiskBaseline {
  band: ExposureBand;
  verdictKey: VerdictSignature;
  /**
   * Whether a check that trips no rule on `band` (approvedVerdict) has verdictKey's signature, with the grid it
   * was asked under (the signature counts whole levels of the grid's size, which a reload may change).
   */
  quiet?: { grid: GridParams; keeps: boolean };
}

/** An exposure with the orders and position it was summed from (GridRisk.#exposureOf). */
interface ExposureMemo {
  orders: LiveOrdersRecord;
  base: bigint;
  quoteEntry: bigint;
  exposure: MarketExposure;
}

export class GridRisk {
  readonly #setup: GridRiskSetup;
  readonly #manual: ManualControls;
  #governor: GovernorState = INITIAL_GOVERNOR_STATE;
  readonly #dayStart = new DayStartEquity();
  /**
   * The exposure of the last account evaluated, with what it was summed from: the bots check risk on every bar,
   * mostly with no order or position changed since, so the orders need not be summed again. The orders are
   * compared one by one (live-orders-record.ts).
   */
  #exposure: ExposureMemo | undefined;
  /** The risk rules' market facts with the market they were made from. */
  #facts: { from: MarketSpec; facts: MarketFacts } | undefined;
  /** The last figures made, with the view and time they were made for (#figuresOf). */
  readonly #figures: {
    account: AccountState | undefined;
    liquidationPrice: bigint | undefined;
    numbers: AccountNumbers | undefined;
    ts: number;
    figures: AccountFigures | undefined;
  } = {
    account: undefined,
    liquidationPrice: undefined,
    numbers: undefined,
    ts: Number.NaN,
    figures: undefined,
  };
  /**
   * That no rule can trip while the account stays as it is and the prices in a box (risk-certificate.ts): the
   * pre-check's answer on a quiet bar without reading the account.
   */
  readonly #certificate = new RiskCertificate();
  /** Whether the day's start is still `m` (made once: asked on every quiet bar). */
  readonly #dayStartIs = (m: DayStartMemory): boolean => this.#dayStart.is(m);
  /** The last memory handed out (riskMemory), given again while nothing in it changed. */
  #memory: GridRiskMemory | undefined;

  /** `setup` and `manual` are the bot's own objects, read at each check. */
  constructor(setup: GridRiskSetup, manual: ManualControls) {
    this.#setup = setup;
    this.#manual = manual;
  }

  /** Notes the day's starting equity on a new day's first look (the one lasting effect of a check). */
  noteDay(ts: number, view: AccountView): void {
    // the equity is read only on a new day's first look (the one time `at` keeps it)
    if (this.#dayStart.isNewDay(ts)) this.#dayStart.at(ts, equityOf(view));
  }

  /**
   * Whether the risk verdict on the account now would have another signature than the last decision's (the
   * every-bar pre-check). Most checks trip no rule: the verdict is then approvedVerdict on the decision's band,
   * whose answer is noted on the baseline, so the outcomes are not built.
   */
  changedSince(last: RiskBaseline, view: AccountView, snapshot: MarketSnapshot): boolean {
    const setup = this.#setup;
    if (this.#rulesQuiet(view, last.band, snapshot)) return !this.#approvedKeeps(last);
    const inputs = this.#inputs(view, last.band, snapshot);
    if (!anyRuleTrips(inputs, setup.risk)) {
      this.#certificate.issue(
        view,
        holdingsOf(view),
        inputs,
        setup.risk,
        setup.market,
        this.#dayStart.memory(),
      );
      return !this.#approvedKeeps(last);
    }
    return !hasSignature(evaluateRisk(inputs, setup.risk).verdict, last.verdictKey, setup);
  }

  /** The certificate's answer for `band` on this bar: true when no rule can trip (risk-certificate.ts). */
  #rulesQuiet(view: AccountView, band: ExposureBand, snapshot: MarketSnapshot): boolean {
    return this.#certificate.rulesQuiet(
      view,
      band,
      snapshot,
      this.#governor,
      this.#setup,
      this.#dayStartIs,
      this.#manual.reduceOnly,
    );
  }

  /** Whether a check that trips no rule on the baseline's band keeps its signature (noted on the baseline). */
  #approvedKeeps(last: RiskBaseline): boolean {
    const setup = this.#setup;
    const grid = setup.grid;
    if (last.quiet?.grid !== grid) {
      last.quiet = { grid, keeps: hasSignature(approvedVerdict(last.band), last.verdictKey, setup) };
    }
    return last.quiet.keeps;
  }

  /**
   * A decision's verdict on the account now (before the operator's controls), its state kept for the next check.
   * When no rule trips (most decisions) it is what evaluateRisk answers then (`approved`), without the outcomes,
   * which a decision does not read.
   */
  decide(view: AccountView, band: ExposureBand, snapshot: MarketSnapshot): Verdict {
    // the certificate holds for this band (the same bounds as the pre-check's, mostly): no rule trips, and the
    // governor's state is already the initial one (a condition of the certificate)
    if (this.#rulesQuiet(view, band, snapshot)) return approvedVerdict(band);
    const inputs = this.#inputs(view, band, snapshot);
    const risk = this.#setup.risk;
    if (!anyRuleTrips(inputs, risk)) {
      this.#governor = INITIAL_GOVERNOR_STATE;
      return approvedVerdict(band);
    }
    const evaluation = evaluateRisk(inputs, risk);
    this.#governor = evaluation.state;
    return evaluation.verdict;
  }

  /** The daily-loss memory to persist; compare with the last persisted value to know when to write. */
  memory(): GridRiskMemory {
    const kept = this.#memory;
    const { dailyLossLatchDay, dailyLossSince } = this.#governor;
    if (
      kept !== undefined &&
      kept.dailyLossLatchDay === dailyLossLatchDay &&
      kept.dailyLossSince === dailyLossSince &&
      this.#dayStart.is(kept.dayStart)
    ) {
      return kept;
    }
    this.#memory = { dayStart: this.#dayStart.memory(), dailyLossLatchDay, dailyLossSince };
    return this.#memory;
  }

  /** Takes persisted daily-loss memory back after a restart (a latch of an earlier day simply expires). */
  restore(m: GridRiskMemory): void {
    if (m.dayStart) this.#dayStart.restore(m.dayStart);
    this.#figures.figures = undefined; // their daily PnL was measured from the day's start replaced here
    this.#governor = {
      ...this.#governor,
      dailyLossLatchDay: m.dailyLossLatchDay,
      dailyLossSince: m.dailyLossSince,
    };
  }

  /** What the risk governor reads of the account now; notes the day's starting equity on a new day's first look. */
  #inputs(view: AccountView, band: ExposureBand, snapshot: MarketSnapshot): RiskInputs {
    return {
      ts: snapshot.ts,
      band,
      snapshot,
      account: this.#figuresOf(view, snapshot.ts),
      market: this.#marketFacts(),
      manualReduceOnly: this.#manual.reduceOnly,
      previous: this.#governor,
    };
  }

  /**
   * The account's figures for the rules at `ts`. A bar that decides checks the same view twice (the pre-check,
   * then the decision's verdict): the figures of the same account object, liquidation price and time are the
   * same numbers (the day's start is noted on the first look), so the second check takes the first's.
   */
  #figuresOf(view: AccountView, ts: number): AccountFigures {
    const kept = this.#figures;
    const numbers = view.numbers;
    if (numbers !== undefined) {
      if (kept.figures !== undefined && kept.numbers === numbers && kept.ts === ts) return kept.figures;
      const dayStart = this.#dayStart.at(ts, numbers.totalCollateral);
      const figures = accountFiguresOfNumbers(numbers, this.#exposureOf(numbers), dayStart);
      return this.#keepFigures(undefined, undefined, numbers, ts, figures);
    }
    if (
      kept.figures !== undefined &&
      kept.numbers === undefined &&
      kept.account === view.account &&
      kept.liquidationPrice === view.liquidationPrice &&
      kept.ts === ts
    ) {
      return kept.figures;
    }
    const equity = quoteToNumber(view.account.totalCollateral);
    const figures = accountFigures({
      account: view.account,
      marketIndex: this.#setup.market.marketIndex,
      liquidationPrice: view.liquidationPrice,
      dayStartEquity: this.#dayStart.at(ts, equity),
      exposure: this.#exposureOf(view.account),
      totalCollateral: equity,
    });
    return this.#keepFigures(view.account, view.liquidationPrice, undefined, ts, figures);
  }

  /** Keeps the figures with what they were made from, in place (no object per bar). */
  #keepFigures(
    account: AccountState | undefined,
    liquidationPrice: bigint | undefined,
    numbers: AccountNumbers | undefined,
    ts: number,
    figures: AccountFigures,
  ): AccountFigures {
    const kept = this.#figures;
    kept.account = account;
    kept.liquidationPrice = liquidationPrice;
    kept.numbers = numbers;
    kept.ts = ts;
    kept.figures = figures;
    return figures;
  }

  /** The market facts the risk rules read, made again only when the setup's market changed (a reload). */
  #marketFacts(): MarketFacts {
    const market = this.#setup.market;
    const kept = this.#facts;
    if (kept?.from === market) return kept.facts;
    const facts = { maintenanceMarginRatio: market.marginRatioMaintenance / 10_000 };
    this.#facts = { from: market, facts };
    return facts;
  }

  /** This market's exposure of `account`, summed again only when its orders or position changed. */
  #exposureOf(account: Holdings): MarketExposure {
    const marketIndex = this.#setup.market.marketIndex;
    let base = 0n;
    let quoteEntry = 0n;
    // a loop, not find() with a closure: this runs on every risk check
    for (const p of account.positions) {
      if (p.marketIndex !== marketIndex) continue;
      base = p.base;
      quoteEntry = p.quoteEntry;
      break;
    }
    const kept = this.#exposure;
    if (
      kept !== undefined &&
      kept.base === base &&
      kept.quoteEntry === quoteEntry &&
      kept.orders.matches(account.openOrders)
    ) {
      return kept.exposure;
    }
    const exposure = exposureOf(account, marketIndex);
    // the record is made once and taken again in place: this runs on every bar
    const orders = kept?.orders ?? new LiveOrdersRecord();
    orders.take(account.openOrders);
    this.#exposure = { orders, base, quoteEntry, exposure };
    return exposure;
  }
}

/** A view's total collateral in USDC: its numbers' where it has them, else converted from its account. */
const equityOf = (view: AccountView): number =>
  view.numbers !== undefined ? view.numbers.totalCollateral : quoteToNumber(view.account.totalCollateral);
