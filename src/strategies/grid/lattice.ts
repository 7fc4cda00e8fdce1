/**
 * The grid's price lattice: levels at origin + j·spacing for every integer j, fixed once chosen. A ladder
 * anchored to the lattice (instead of to the moving mark) keeps its orders where they are while the price
 * wanders between levels, so the planner has nothing to requote; only when the mark crosses a level does one
 * order per side change. That is the classic grid: each level crossed buys or sells one size, and an order
 * filled at level j is answered by the opposite order one level away (a full step of profit).
 *
 * The lattice is re-chosen at the mark when the step it was built for differs from the wanted step (relative to
 * the current mark) by more than 10% — e.g. volatility widened the step, or the price has travelled so far that
 * a fixed spacing no longer is `step%` of it.
 */
export interface Lattice {
  origin: number;
  spacing: number;
}

const TOLERANCE = 0.1;

export function latticeFor(prev: Lattice | undefined, mark: number, stepFraction: number): Lattice {
  if (prev && Math.abs(prev.spacing / mark - stepFraction) <= TOLERANCE * stepFraction) return prev;
  return { origin: mark, spacing: mark * stepFraction };
}

/**
 * Price of the k-th level (k = 1 nearest) on one side. The nearest bid is the highest level at least half a
 * spacing below the mark, the nearest ask the lowest level at least half a spacing above it, so right after a
 * fill at a level the bot never quotes the same level back on the other side.
 */
export function latticeLevel(l: Lattice, mark: number, side: 'buy' | 'sell', k: number): number {
  const half = l.spacing / 2;
  const j =
    side === 'buy'
      ? Math.floor((mark - half - l.origin) / l.spacing) - (k - 1)
      : Math.ceil((mark + half - l.origin) / l.spacing) + (k - 1);
  return l.origin + j * l.spacing;
}
