/**
 * The simplest grid a trader would write, as an independent yardstick for the grid bot (it shares no code with
 * src/strategies/grid): levels step% apart on a fixed geometric lattice anchored at the first price; one size is
 * bought at each level the price trades down through and sold at each level it trades up through, remembering
 * the last traded level (so the answer to a buy at level j is a sell at j + 1), within an inventory cap.
 *
 * Fills need the price to trade through a level (strictly beyond it), along the same intrabar path the simulator
 * documents: the gap from the previous close to the open first, then O→L→H→C when the bar closed up (or flat),
 * O→H→L→C when it closed down. Round trips pair each sell with the newest open buy one level below (and each
 * buy with the newest open sell one level above); grid profit is the sum of their price differences × size,
 * before fees.
 */

export interface ReferenceBar {
  open: number;
  high: number;
  low: number;
  close: number;
}

export interface ReferenceGridSpec {
  /** Level spacing, percent (0.5 = each level 0.5% above the one below). */
  stepPct: number;
  /** Base units bought or sold per level. */
  size: number;
  /** The inventory may not go beyond ± this many sizes. */
  maxSizes: number;
}

export interface ReferenceFill {
  bar: number;
  side: 'buy' | 'sell';
  price: number;
  level: number;
}

export interface ReferenceResult {
  fills: ReferenceFill[];
  buys: number;
  sells: number;
  roundTrips: number;
  gridProfit: number;
  /** Inventory at the end, in base units. */
  position: number;
  /** Cash flow of every fill (sells +, buys −), base units × price. */
  cash: number;
}

export function runReferenceGrid(bars: readonly ReferenceBar[], spec: ReferenceGridSpec): ReferenceResult {
  const ratio = 1 + spec.stepPct / 100;
  const anchor = bars.length > 0 ? bars[0].open : 0;
  const price = (level: number): number => anchor * ratio ** level;
  let last = 0; // the last traded level; the anchor itself to begin with
  let sizes = 0; // inventory in sizes
  const fills: ReferenceFill[] = [];
  const openBuys: number[] = []; // levels of buys not yet sold, newest last
  const openSells: number[] = [];
  let roundTrips = 0;
  let gridProfit = 0;
  let cash = 0;

  const moveTo = (to: number, bar: number): void => {
    while (sizes < spec.maxSizes && to < price(last - 1)) {
      last -= 1;
      sizes += 1;
      fills.push({ bar, side: 'buy', price: price(last), level: last });
      cash -= spec.size * price(last);
      if (openSells.length > 0 && openSells[openSells.length - 1] === last + 1) {
        openSells.pop();
        roundTrips += 1;
        gridProfit += spec.size * (price(last + 1) - price(last));
      } else openBuys.push(last);
    }
    while (sizes > -spec.maxSizes && to > price(last + 1)) {
      last += 1;
      sizes -= 1;
      fills.push({ bar, side: 'sell', price: price(last), level: last });
      cash += spec.size * price(last);
      if (openBuys.length > 0 && openBuys[openBuys.length - 1] === last - 1) {
        openBuys.pop();
        roundTrips += 1;
        gridProfit += spec.size * (price(last) - price(last - 1));
      } else openSells.push(last);
    }
  };

  let prevClose = anchor;
  bars.forEach((b, i) => {
    const path = b.close >= b.open ? [b.open, b.low, b.high, b.close] : [b.open, b.high, b.low, b.close];
    // the gap from the previous close is traded first (a resting order beyond it fills at its own price)
    if (b.open !== prevClose) moveTo(b.open, i);
    for (const p of path) moveTo(p, i);
    prevClose = b.close;
  });

  const buys = fills.filter((f) => f.side === 'buy').length;
  return {
    fills,
    buys,
    sells: fills.length - buys,
    roundTrips,
    gridProfit,
    position: sizes * spec.size,
    cash,
  };
}
