/**
 * The last margin figures (and liquidation prices) of a subaccount, kept with the inputs they were computed
 * from. The backtest reads the same account several times per bar (the decision's view, the report row, the
 * liquidation check), mostly with nothing changed in between; the exact BigInt margin is then computed once.
 *
 * Valid while every input computeMargin reads is the same: the collateral, the position objects (the ledger
 * replaces a position on every change, never mutates it), and per position its market's oracle (the float the
 * exact price is made from, so no exact price need be made to check) and cumulative funding (replaced, never
 * mutated). Market specs do not change during a run. The plan (margin-doubles.ts planMargin: all of the margin
 * but its prices) is valid while the same holds of everything but the oracles.
 */
import type { PerpPositionState } from './ledger.ts';
import type { MarginFigures } from './margin.ts';
import { type DoublesMarket, type MarginPlan, planMargin } from './margin-doubles.ts';

export interface MarginMemo {
  collateral: bigint;
  /** The inputs, in the first `count` slots (the arrays are reused when the memo is refilled). */
  count: number;
  positions: PerpPositionState[];
  oracles: number[];
  cumulative: unknown[];
  figures: MarginFigures | undefined;
  /**
   * The account's margin without its prices (margin-doubles.ts), made when first asked (`planned`): it holds
   * while the inputs but the oracles are the same, so a memo refilled for a new oracle keeps it.
   */
  plan: MarginPlan | undefined;
  planned: boolean;
  /**
   * Liquidation price by market index as its PRICE integer in a double (−1 when there is none), valid where
   * `liquidationStamp[i] === stamp` (so refilling the memo forgets them all without clearing anything); the
   * BigInt beside it, null until asked (the backtest reads the double on every bar).
   */
  liquidationInts: number[];
  liquidationPrices: (bigint | undefined | null)[];
  liquidationStamp: number[];
  stamp: number;
}

export interface MemoMarket {
  oracleNum: number;
  cumulative: unknown;
}

/**
 * The memo if it still describes the account, else the same memo refilled for the current inputs. Stale is the
 * rule (the oracle moves every bar) and a fleet of bots asks on every bar, so a memo is made once per
 * subaccount and refilled in place: no arrays, maps or objects per bar. Nothing outside keeps the memo itself,
 * only the figures and prices read from it, which are never changed.
 */
export function currentMemo(
  memo: MarginMemo | undefined,
  collateral: bigint,
  positions: ReadonlyMap<number, PerpPositionState>,
  marketOf: (marketIndex: number) => MemoMarket,
): MarginMemo {
  if (memo !== undefined && memo.collateral === collateral && memo.count === positions.size) {
    let i = 0;
    let sameState = true;
    let samePrices = true;
    for (const p of positions.values()) {
      const m = marketOf(p.marketIndex);
      if (memo.positions[i] !== p || memo.cumulative[i] !== m.cumulative) {
        sameState = false;
        break;
      }
      if (memo.oracles[i] !== m.oracleNum) {
        samePrices = false;
        memo.oracles[i] = m.oracleNum;
      }
      i++;
    }
    if (sameState) {
      // only an oracle moved (the rule: every bar): the plan holds, the figures and prices do not
      if (!samePrices) {
        memo.figures = undefined;
        memo.stamp++;
      }
      return memo;
    }
  }
  const fresh: MarginMemo = memo ?? {
    collateral,
    count: 0,
    positions: [],
    oracles: [],
    cumulative: [],
    figures: undefined,
    plan: undefined,
    planned: false,
    liquidationInts: [],
    liquidationPrices: [],
    liquidationStamp: [],
    stamp: 0,
  };
  fresh.collateral = collateral;
  fresh.figures = undefined;
  fresh.plan = undefined;
  fresh.planned = false;
  fresh.stamp++;
  let i = 0;
  for (const p of positions.values()) {
    const m = marketOf(p.marketIndex);
    fresh.positions[i] = p;
    fresh.oracles[i] = m.oracleNum;
    fresh.cumulative[i] = m.cumulative;
    i++;
  }
  // slots past the count would keep old positions alive: dropped (rare: a position opened or closed)
  if (fresh.positions.length > i) {
    fresh.positions.length = i;
    fresh.oracles.length = i;
    fresh.cumulative.length = i;
  }
  fresh.count = i;
  return fresh;
}

/** The memo's plan (made on the first ask after a refill); undefined where the doubles cannot plan the account. */
export function planOf(
  memo: MarginMemo,
  collateral: bigint,
  positions: ReadonlyMap<number, PerpPositionState>,
  marketOf: (marketIndex: number) => DoublesMarket,
): MarginPlan | undefined {
  if (!memo.planned) {
    memo.plan = planMargin(collateral, positions, marketOf);
    memo.planned = true;
  }
  return memo.plan;
}
