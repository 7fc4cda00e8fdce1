/**
 * The grid's price lattice: levels origin·(1 + step)^j for every integer j, fixed once chosen (geometric, so every
 * level is step% above the one below it at any price, and the lattice never has to move as the price travels).
 * The ladder's orders sit on these levels and stay there while the price wanders between them: that is what lets
 * an order wait for the price instead of being re-placed as it approaches.
 *
 * The lattice is re-chosen (at the mark) only when the wanted step differs from the lattice's by more than 20% —
 * volatility widened or narrowed the step (docs/grid-strategy.md). 20% rather than less so a volatility estimate
 * wobbling around a threshold does not re-lay the whole ladder back and forth.
 */
export interface Lattice {
  /** Price of level 0. */
  origin: number;
  /** Level spacing as a fraction (0.005 = each level 0.5% above the one below). */
  stepFraction: number;
  /** ln(1 + stepFraction), kept to index prices without recomputing it. */
  logRatio: number;
}

const RECHOOSE_TOLERANCE = 0.2;

export function makeLattice(origin: number, stepFraction: number): Lattice {
  return { origin, stepFraction, logRatio: Math.log1p(stepFraction) };
}

export function latticeFor(prev: Lattice | undefined, mark: number, stepFraction: number): Lattice {
  if (prev && Math.abs(prev.stepFraction - stepFraction) <= RECHOOSE_TOLERANCE * stepFraction) return prev;
  return makeLattice(mark, stepFraction);
}

/** Price of level j. */
export const levelPrice = (l: Lattice, j: number): number => l.origin * Math.exp(j * l.logRatio);

/**
 * The highest level whose price is ≤ `price` (−Infinity for a non-positive price). The logarithm gives the
 * answer up to rounding; the two checks make it exact against `levelPrice`, which is what orders are placed at.
 */
export function levelAtOrBelow(l: Lattice, price: number): number {
  if (!(price > 0)) return Number.NEGATIVE_INFINITY;
  let j = Math.floor(Math.log(price / l.origin) / l.logRatio);
  while (levelPrice(l, j + 1) <= price) j++;
  while (levelPrice(l, j) > price) j--;
  return j;
}

/** The highest level strictly below `price`. */
export function levelBelow(l: Lattice, price: number): number {
  const j = levelAtOrBelow(l, price);
  return levelPrice(l, j) < price ? j : j - 1;
}

/** The lowest level strictly above `price`. */
export const levelAbove = (l: Lattice, price: number): number => levelAtOrBelow(l, price) + 1;

/** The lowest level at or above `price`. */
export function levelAtOrAbove(l: Lattice, price: number): number {
  const j = levelAtOrBelow(l, price);
  return levelPrice(l, j) === price ? j : j + 1;
}

/**
 * levelAtOrBelow and levelAtOrAbove with the last answer kept, for one price series (the mark, a range bound):
 * such a price stays between the same two levels for many bars, and each bar's answer cost a logarithm and two
 * or three exponentials. A price inside the kept level's [price, next level's price) has that level as its
 * answer — the only one, as levels rise with j — so the kept answer is exactly what levelAtOrBelow gives. A
 * price that left it for the level next to it (a level crossed: most misses) is found the same way, by that
 * level's bracket: its two prices are the kept one and one more exponential.
 */
export class LevelFinder {
  #lattice: Lattice | undefined;
  #level = 0;
  /** levelPrice of the kept level and of the one above it. */
  #floor = Number.NaN;
  #ceiling = Number.NaN;

  atOrBelow(l: Lattice, price: number): number {
    if (l === this.#lattice) {
      if (price >= this.#floor) {
        if (price < this.#ceiling) return this.#level;
        // one level up (a level crossed): one exponential instead of a logarithm and two or three
        const above = levelPrice(l, this.#level + 2);
        if (price < above) return this.#keep(this.#level + 1, this.#ceiling, above);
      } else if (price < this.#floor) {
        const below = levelPrice(l, this.#level - 1);
        if (price >= below) return this.#keep(this.#level - 1, below, this.#floor);
      }
    }
    const j = levelAtOrBelow(l, price);
    this.#lattice = l;
    this.#level = j;
    this.#floor = levelPrice(l, j);
    this.#ceiling = levelPrice(l, j + 1);
    return j;
  }

  /** Keeps level j of the kept lattice with its price and the next one's. */
  #keep(j: number, floor: number, ceiling: number): number {
    this.#level = j;
    this.#floor = floor;
    this.#ceiling = ceiling;
    return j;
  }

  atOrAbove(l: Lattice, price: number): number {
    const j = this.atOrBelow(l, price);
    return this.#floor === price ? j : j + 1;
  }

  /** levelBelow: the highest level strictly below `price`. */
  below(l: Lattice, price: number): number {
    const j = this.atOrBelow(l, price);
    return this.#floor < price ? j : j - 1;
  }
}

/**
 * The levels a grid decision looks up (the mark's, the book's either side, the range's bounds), each kept between
 * decisions.
 */
export interface DecisionLevels {
  mark: LevelFinder;
  bid: LevelFinder;
  ask: LevelFinder;
  range: { lo: LevelFinder; hi: LevelFinder };
}

/** Finders for one decision's lookups, none kept yet (a caller that keeps none between decisions). */
export const freshDecisionLevels = (): DecisionLevels => ({
  mark: new LevelFinder(),
  bid: new LevelFinder(),
  ask: new LevelFinder(),
  range: { lo: new LevelFinder(), hi: new LevelFinder() },
});
