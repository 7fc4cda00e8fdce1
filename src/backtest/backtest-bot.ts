/**
 * Adapts the shared bots (GridBot, SpreadBot) to the synchronous simulation loops (backtest and chaos): they
 * read the simulator's account directly instead of through the async venue port. Also resolves 'auto' sizes
 * from the first price.
 */

import { resolveGridSize, resolveSpreadSizes } from '../config/auto-size.ts';
import type { BotConfig, GridBotConfig, SpreadBotConfig } from '../config/bot-config.ts';
import type { MarketEventSeq } from '../data/event-tape.ts';
import type { Candle, FundingRecord, MarketEvent } from '../data/types.ts';
import type { Verdict, VerdictKind } from '../domain/intent.ts';
import { baseToNumber, priceToNumber } from '../domain/precision.ts';
import type { AccountNumbers, AccountState, OrderCommand, VenueEvent } from '../domain/types.ts';
import type { Holdings } from '../engine/account-figures.ts';
import { GridBot } from '../engine/grid-bot.ts';
import type { AccountView, GridRiskMemory } from '../engine/grid-risk.ts';
import { SpreadBot } from '../engine/spread-bot.ts';
import type { RangeSource } from '../marketdata/blended-range.ts';
import type { SimExchange } from '../venue/sim/exchange.ts';
import type { LegRow } from './report-types.ts';
import type { TimelineExtras } from './timeline.ts';

export interface SimDecision {
  verdict: Verdict;
  commands: OrderCommand[];
}

export interface BacktestBot {
  onBar(market: string, candle: Candle, intervalMs: number): void;
  /** History before trading (warmupUntil): market data, and whatever the bot learns from it as the runner's warm-up. */
  warm(market: string, candle: Candle, intervalMs: number): void;
  onFunding(market: string, record: FundingRecord): void;
  onVenueEvents(events: readonly VenueEvent[]): void;
  /** A reconnect or restart at `ts`: ramp in again and decide at the next opportunity. */
  restart(ts: number): void;
  /** Decides when due (or at once when `force` and prices are known); null when no decision was made. */
  decide(sim: SimExchange, sub: number, ts: number, force?: boolean): SimDecision | null;
  verdictKind(): VerdictKind;
  /** True while the verdict in force carries the daily-loss rule (research metrics, Monte Carlo). */
  dailyLossActive(): boolean;
  timelineExtras(sim: SimExchange, sub: number): TimelineExtras;
  /** Decision memory that survives a restart (as BotEngine.memory): grid 'risk' = the daily-loss latch. */
  memory(): Record<string, unknown>;
  restoreMemory(memory: Record<string, unknown>): void;
  /** After the decision's commands were executed: the spread bot verifies its fills from the positions. */
  afterExecute?(sim: SimExchange, sub: number): void;
  /** Spread: legs refused before sending so far, by cause. */
  refusals?(): Record<string, number>;
}

// asked at the end of every bar: no reasons (almost always) answered without the search
const hasDailyLoss = (v: Verdict | undefined): boolean =>
  v !== undefined && v.reasons.length > 0 && v.reasons.some((r) => r.rule === 'C_daily_loss');

function firstClose(events: MarketEventSeq, market: string): number {
  for (let i = 0; i < events.length; i++) {
    const e = events.at(i) as MarketEvent;
    if (e.type === 'bar' && e.market === market) return e.candle.close;
  }
  throw new Error(`no price data for ${market}`);
}

/**
 * A grid's view of a simulated account: its numbers (SimExchange.accountNumbers), which is all the grid reads,
 * with the account and the liquidation price made from the venue only if something asks for them, and the
 * account's stamp and oracle for the risk certificate (engine/risk-certificate.ts) — on a quiet bar the
 * pre-check reads only those, and the numbers are never made. One per bot, emptied at each bar (`reset`): what
 * it read belongs to the account as it stood on that bar, and GridBot lets go of the view before the venue moves.
 */
export class SimGridView implements AccountView {
  readonly #sim: SimExchange;
  readonly #sub: number;
  readonly #marketIndex: number;
  #numbers: AccountNumbers | undefined;
  #holdings: Holdings | undefined;
  #stamp: number | undefined;
  #account: AccountState | undefined;

  readonly #certify: boolean;

  /** `certify` false: no stamp, so every risk pre-check reads the account (the certificate's cross-check). */
  constructor(sim: SimExchange, sub: number, marketIndex: number, certify: boolean) {
    this.#sim = sim;
    this.#sub = sub;
    this.#marketIndex = marketIndex;
    this.#certify = certify;
  }

  /** Whether this is the view of `sim`'s account `sub`. */
  isOf(sim: SimExchange, sub: number): boolean {
    return this.#sim === sim && this.#sub === sub;
  }

  /** Forgets what was read: the next bar reads the account afresh. */
  reset(): this {
    this.#numbers = undefined;
    this.#holdings = undefined;
    this.#stamp = undefined;
    this.#account = undefined;
    return this;
  }

  get numbers(): AccountNumbers {
    this.#numbers ??= this.#sim.accountNumbers(this.#sub, this.#marketIndex);
    return this.#numbers;
  }

  get holdings(): Holdings {
    this.#holdings ??= this.#numbers ?? this.#sim.holdings(this.#sub);
    return this.#holdings;
  }

  /**
   * Read once per view: a decision bar asks it in the pre-check and again in the decision's risk check, and the
   * account does not change between the two (commands go out after the decision).
   */
  get stamp(): number | undefined {
    if (!this.#certify) return undefined;
    this.#stamp ??= this.#sim.accountStamp(this.#sub);
    return this.#stamp;
  }

  /** The oracle's PRICE integer in USD: what the account's figures are priced at. */
  get figureOracle(): number {
    return this.#sim.oracleInteger(this.#marketIndex) / 1e6;
  }

  get account(): AccountState {
    this.#account ??= this.#sim.accountView(this.#sub);
    return this.#account;
  }

  get liquidationPrice(): bigint | undefined {
    return this.#sim.liquidationPrice(this.#sub, this.#marketIndex);
  }
}

/**
 * `range`: a grid's blended range computed elsewhere (BacktestOptions.range); ignored by the spread bot.
 * `certify`: BacktestOptions.riskCertificate.
 */
export function createBacktestBot(
  config: BotConfig,
  events: MarketEventSeq,
  spreadBps: number,
  range?: RangeSource,
  certify = true,
): BacktestBot {
  return config.strategy === 'grid'
    ? gridBacktestBot(config, events, spreadBps, range, certify)
    : spreadBacktestBot(config, events, spreadBps);
}

/** A grid bot on the simulator: it starts (ramp-in) on its market's first bar and reads the account as numbers. */
function gridBacktestBot(
  config: GridBotConfig,
  events: MarketEventSeq,
  spreadBps: number,
  range: RangeSource | undefined,
  certify: boolean,
): BacktestBot {
  const market = config.markets[0];
  const grid = resolveGridSize(config, firstClose(events, market.symbol));
  let started = false;
  let view: SimGridView | undefined;
  const bot = new GridBot(
    { market, grid, execution: config.execution, risk: config.risk, spreadBps, startTs: 0 },
    range,
  );
  return {
    onBar(m, candle, intervalMs) {
      if (m !== market.symbol) return;
      if (!started) {
        started = true;
        bot.restart(candle.ts + intervalMs);
      }
      bot.onBar(candle, intervalMs);
    },
    restart(ts) {
      started = true;
      bot.restart(ts);
    },
    warm(m, candle, intervalMs) {
      if (m === market.symbol) bot.onBar(candle, intervalMs);
    },
    onFunding(m, record) {
      if (m === market.symbol) bot.onFunding(record);
    },
    onVenueEvents(evs) {
      for (const e of evs) {
        if (e.type !== 'accepted' && e.type !== 'cancelled') {
          bot.onVenueEvent();
          return;
        }
      }
    },
    decide(sim, sub, _ts, force) {
      if (!(bot.snapshots.current.mark > 0)) return null;
      // the account as numbers (no AccountState, no BigInts): GridBot reads it and lets go before the venue
      // moves again. One view for the run's venue and account (the loop passes the same two on every bar),
      // emptied per bar.
      if (view === undefined || !view.isOf(sim, sub)) {
        view = new SimGridView(sim, sub, market.marketIndex, certify);
      }
      const fresh = view.reset();
      const trigger = bot.due(fresh) ?? (force ? 'venue_event' : null);
      if (trigger === null) return null;
      return bot.decide(fresh, trigger);
    },
    verdictKind: () => bot.lastVerdict?.kind ?? 'APPROVE',
    memory: () => ({ risk: bot.riskMemory() }),
    restoreMemory(m) {
      if (m.risk) bot.restoreRiskMemory(m.risk as GridRiskMemory);
    },
    dailyLossActive: () => hasDailyLoss(bot.lastVerdict),
    timelineExtras: () => ({
      rangeLo: Number.isNaN(bot.range.lo) ? null : bot.range.lo,
      rangeHi: Number.isNaN(bot.range.hi) ? null : bot.range.hi,
    }),
  };
}

/** A spread bot on the simulator: both legs' accounts and books, its refusals counted by cause. */
function spreadBacktestBot(config: SpreadBotConfig, events: MarketEventSeq, spreadBps: number): BacktestBot {
  const [drift, kmno] = config.markets;
  const spread = resolveSpreadSizes(
    config,
    firstClose(events, drift.symbol),
    firstClose(events, kmno.symbol),
  );
  const bot = new SpreadBot({
    markets: [drift, kmno],
    spread,
    execution: config.execution,
    risk: config.risk,
    spreadBps,
  });
  const refused: Record<string, number> = {};
  return {
    onBar: (m, c, i) => bot.onBar(m, c, i),
    warm: (m, c, i) => bot.warm(m, c, i),
    onFunding: (m, r) => bot.onFunding(m, r),
    onVenueEvents: (evs) => bot.onVenueEvents(evs),
    restart() {},
    decide(sim, sub, ts, force) {
      if (!bot.due(ts) && !(force && bot.snapshots.every((s) => s.current.mark > 0))) return null;
      const d = bot.decide(
        {
          account: sim.account(sub),
          liquidationPrice: (i) => sim.liquidationPrice(sub, i),
          books: [sim.orderBook(drift.marketIndex), sim.orderBook(kmno.marketIndex)],
        },
        ts,
      );
      for (const [cause, n] of Object.entries(d.refused)) refused[cause] = (refused[cause] ?? 0) + (n ?? 0);
      return d;
    },
    afterExecute(sim, sub) {
      bot.verifyFills(sim.account(sub));
    },
    refusals: () => ({ ...refused }),
    verdictKind: () => bot.lastVerdict?.kind ?? 'APPROVE',
    memory: () => ({}),
    restoreMemory() {},
    dailyLossActive: () => hasDailyLoss(bot.lastVerdict),
    timelineExtras(sim, sub) {
      const legs: Record<string, LegRow> = {};
      const positions = sim.positions(sub);
      for (const m of [drift, kmno]) {
        const q = sim.quote(m.marketIndex);
        const pos = positions.find((p) => p.marketIndex === m.marketIndex);
        const lp = pos ? sim.liquidationPrice(sub, m.marketIndex) : undefined;
        legs[m.symbol] = {
          mark: q ? priceToNumber(q.mark) : 0,
          oracle: q ? priceToNumber(q.oracle) : 0,
          base: pos ? baseToNumber(pos.base) : 0,
          liqPrice: lp === undefined ? null : priceToNumber(lp),
        };
      }
      return { legs };
    },
  };
}
