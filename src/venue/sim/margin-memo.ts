/**
 * The last margin figures (and liquidation prices) of a subaccount, kept with the inputs they were computed
 * from. The backtest reads the same account several times per bar (the decision's view, the report row, the
 * liquidation check), mostly with nothing changed in between; the exact BigInt margin is then computed once.
 *
 * Valid while every input computeMargin reads is the same: the collateral, the position objects (the ledger
 * replaces a position on every change, never mutates it), and per position its market's oracle and cumulative
 * funding (also replaced, never mutated). Market specs do not change during a run.
 */
import type { PerpPositionState } from './ledger.ts';
import type { MarginFigures } from './margin.ts';

export interface MarginMemo {
  collateral: bigint;
  positions: PerpPositionState[];
  oracles: bigint[];
  cumulative: unknown[];
  figures: MarginFigures | undefined;
  liquidationPrices: Map<number, bigint | undefined>;
}

export interface MemoMarket {
  oracle: bigint;
  cumulative: unknown;
}

/** The memo if it still describes the account, else the same memo emptied for the current inputs. */
export function currentMemo(
  memo: MarginMemo | undefined,
  collateral: bigint,
  positions: ReadonlyMap<number, PerpPositionState>,
  marketOf: (marketIndex: number) => MemoMarket,
): MarginMemo {
  if (memo !== undefined && memo.collateral === collateral && memo.positions.length === positions.size) {
    let i = 0;
    let same = true;
    for (const p of positions.values()) {
      const m = marketOf(p.marketIndex);
      if (memo.positions[i] !== p || memo.oracles[i] !== m.oracle || memo.cumulative[i] !== m.cumulative) {
        same = false;
        break;
      }
      i++;
    }
    if (same) return memo;
  }
  // Stale (the oracle moves every bar): the memo is emptied and refilled in place rather than made anew, since a
  // fleet of bots asks for it on every bar. Nothing outside keeps the memo itself, only the figures and prices
  // read from it, which are never changed.
  const fresh: MarginMemo = memo ?? {
    collateral,
    positions: [],
    oracles: [],
    cumulative: [],
    figures: undefined,
    liquidationPrices: new Map(),
  };
  fresh.collateral = collateral;
  fresh.positions.length = 0;
  fresh.oracles.length = 0;
  fresh.cumulative.length = 0;
  fresh.figures = undefined;
  fresh.liquidationPrices.clear();
  for (const p of positions.values()) {
    const m = marketOf(p.marketIndex);
    fresh.positions.push(p);
    fresh.oracles.push(m.oracle);
    fresh.cumulative.push(m.cumulative);
  }
  return fresh;
}
