/**
 * The margin figures margin-doubles.ts computes, held as the exact integers in doubles: a reader of the account
 * on every bar mostly wants the leverage and health (numbers) and a few of the integers, so each BigInt is made
 * when first read.
 */
import { quoteToNumber } from '../../domain/precision.ts';
import type { MarginFigures } from './margin.ts';

const LEVERAGE = 1e4;

/** MarginFigures whose integers are made into BigInts when first read. */
export class FiguresInDoubles implements MarginFigures {
  readonly leverage: number;
  readonly health: number;
  readonly #tc: number;
  readonly #itc: number;
  readonly #imr: number;
  readonly #mmr: number;
  readonly #pnl: number;
  readonly #funding: number;
  readonly #notional: number;
  readonly #lev: number;
  #totalCollateral: bigint | undefined;
  #initialTotalCollateral: bigint | undefined;
  #freeCollateral: bigint | undefined;
  #initialMarginRequirement: bigint | undefined;
  #maintenanceMarginRequirement: bigint | undefined;

  constructor(
    tc: number,
    itc: number,
    imr: number,
    mmr: number,
    pnl: number,
    funding: number,
    notional: number,
    lev: number,
  ) {
    this.#tc = tc;
    this.#itc = itc;
    this.#imr = imr;
    this.#mmr = mmr;
    this.#pnl = pnl;
    this.#funding = funding;
    this.#notional = notional;
    this.#lev = lev;
    this.leverage = lev / LEVERAGE;
    this.health = healthInDoubles(tc, mmr);
  }

  /** totalCollateral in USDC: quoteToNumber(totalCollateral), without the BigInt. */
  get totalCollateralUsd(): number {
    return this.#tc / 1e6;
  }
  /** initialTotalCollateral in USDC, as totalCollateralUsd. */
  get initialTotalCollateralUsd(): number {
    return this.#itc / 1e6;
  }
  /** maintenanceMarginRequirement in USDC, as totalCollateralUsd. */
  get maintenanceUsd(): number {
    return this.#mmr / 1e6;
  }

  get totalCollateral(): bigint {
    this.#totalCollateral ??= BigInt(this.#tc);
    return this.#totalCollateral;
  }
  get initialTotalCollateral(): bigint {
    this.#initialTotalCollateral ??= BigInt(this.#itc);
    return this.#initialTotalCollateral;
  }
  get freeCollateral(): bigint {
    const free = this.#itc - this.#imr;
    this.#freeCollateral ??= BigInt(free > 0 ? free : 0);
    return this.#freeCollateral;
  }
  get initialMarginRequirement(): bigint {
    this.#initialMarginRequirement ??= BigInt(this.#imr);
    return this.#initialMarginRequirement;
  }
  get maintenanceMarginRequirement(): bigint {
    this.#maintenanceMarginRequirement ??= BigInt(this.#mmr);
    return this.#maintenanceMarginRequirement;
  }
  // rarely read: made at each read
  get unrealizedPnl(): bigint {
    return BigInt(this.#pnl);
  }
  get unrealizedFundingPnl(): bigint {
    return BigInt(this.#funding);
  }
  get totalNotional(): bigint {
    return BigInt(this.#notional);
  }
  get leverageTenThousandths(): bigint {
    return BigInt(this.#lev);
  }

  /** Every figure as a plain object (what computeMargin returns), for comparisons and logs. */
  toJSON(): MarginFigures {
    return {
      totalCollateral: this.totalCollateral,
      initialTotalCollateral: this.initialTotalCollateral,
      freeCollateral: this.freeCollateral,
      initialMarginRequirement: this.initialMarginRequirement,
      maintenanceMarginRequirement: this.maintenanceMarginRequirement,
      unrealizedPnl: this.unrealizedPnl,
      unrealizedFundingPnl: this.unrealizedFundingPnl,
      totalNotional: this.totalNotional,
      leverageTenThousandths: this.leverageTenThousandths,
      leverage: this.leverage,
      health: this.health,
    };
  }
}

/** margin.ts healthOf on the same integers (Number of an exact BigInt is the double itself). */
export function healthInDoubles(totalCollateral: number, maintenanceRequirement: number): number {
  if (maintenanceRequirement === 0 && totalCollateral >= 0) return 100;
  if (totalCollateral <= 0) return 0;
  const h = (1 - maintenanceRequirement / totalCollateral) * 100;
  return Math.round(Math.min(100, Math.max(0, h)));
}

/** quoteToNumber(f.initialTotalCollateral), without the BigInt where the figures are in doubles. */
export const initialTotalCollateralUsd = (f: MarginFigures): number =>
  f instanceof FiguresInDoubles ? f.initialTotalCollateralUsd : quoteToNumber(f.initialTotalCollateral);
