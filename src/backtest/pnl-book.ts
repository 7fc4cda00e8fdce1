/**
 * The report's own books, kept from the venue's events alone (fills, funding, liquidations), in exact
 * integers. It is independent of the venue's ledger on purpose: at the end of a run, starting collateral plus
 * the PnL booked here must equal the venue's equity to the micro-USDC, or an event was lost or mis-booked.
 *
 * Per market it keeps the signed base and the quote entry (cost basis, negative for a long, as Drift's
 * quote_entry_amount). Cash is what fills paid or received, without fees; then
 *   realized   = cash − Σ quoteEntry        (what left the cost basis)
 *   unrealized = Σ (base × oracle + quoteEntry)
 * so realized + unrealized is the mark-to-market of all trading, exactly.
 */
import { BASE_PRECISION, baseToNumber } from '../domain/precision.ts';
import type { VenueEvent } from '../domain/types.ts';
import { bounded, exactNumber, truncMulDiv } from '../venue/sim/exact-doubles.ts';

interface Book {
  marketIndex: number;
  base: bigint;
  quoteEntry: bigint;
  /** base and quoteEntry as exact doubles (NaN beyond 2^48), made when they change: read on every bar. */
  baseInt: number;
  quoteEntryInt: number;
  /** baseToNumber(base), for the metrics. */
  baseUnits: number;
  /**
   * baseInt and BASE_UNIT divided by their greatest common divisor, made when the base changes: the every-bar
   * baseInt·oracle/BASE_UNIT as reducedBase·oracle/reducedUnit, the same quotient. A position is a multiple of
   * the market's step, so the product mostly stays below 2^52 and truncMulDiv takes its one-division path instead
   * of the two-product one (0.5 SOL: 5e8·150e6 is past 2^52, 1·150e6/2 is not).
   */
  reducedBase: number;
  reducedUnit: number;
}

/** The greatest common divisor of two integers held exactly in doubles (Euclid; `%` of such integers is exact). */
function gcd(a: number, b: number): number {
  let x = Math.abs(a);
  let y = Math.abs(b);
  while (y !== 0) {
    const r = x % y;
    x = y;
    y = r;
  }
  return x;
}

/** Integers beyond this (in magnitude) send equityInDoubles to NaN (the caller then sums in BigInt). */
const LIMIT = 2 ** 48;
const term = (x: number): number => bounded(x, LIMIT);
const BASE_UNIT = Number(BASE_PRECISION);

export class PnlBook {
  private readonly books = new Map<number, Book>();
  /** The books in the Map's order, for the every-bar sum (an array walk, not a Map iterator's entries). */
  readonly #bookList: Book[] = [];
  #cash = 0n;
  #fees = 0n;
  #funding = 0n;
  fills = 0;
  makerFills = 0;
  takerFills = 0;
  liquidations = 0;
  /** cash + funding − fees as an exact double (NaN beyond 2^48 in a part), kept as they change. */
  #flowsInt = 0;

  private book(marketIndex: number): Book {
    let b = this.books.get(marketIndex);
    if (!b) {
      b = {
        marketIndex,
        base: 0n,
        quoteEntry: 0n,
        baseInt: 0,
        quoteEntryInt: 0,
        baseUnits: 0,
        reducedBase: 0,
        reducedUnit: BASE_UNIT,
      };
      this.books.set(marketIndex, b);
      this.#bookList.push(b);
    }
    return b;
  }

  /** Σ signed quote of all trades (sells +, buys −), QUOTE. */
  get cash(): bigint {
    return this.#cash;
  }
  /** Σ fees paid (rebates negative), QUOTE. */
  get fees(): bigint {
    return this.#fees;
  }
  /** Σ funding received (paid negative), QUOTE. */
  get funding(): bigint {
    return this.#funding;
  }

  #flowsChanged(): void {
    this.#flowsInt =
      exactNumber(this.#cash, LIMIT) + exactNumber(this.#funding, LIMIT) - exactNumber(this.#fees, LIMIT);
  }

  /** Trade of signed base `delta` for unsigned `quote`. */
  private trade(marketIndex: number, delta: bigint, quote: bigint): void {
    const b = this.book(marketIndex);
    this.#cash += delta > 0n ? -quote : quote;
    const signedQuote = delta > 0n ? -quote : quote; // cost basis moves by what was paid
    if (b.base === 0n || b.base > 0n === delta > 0n) {
      b.quoteEntry += signedQuote;
    } else {
      const absBase = b.base < 0n ? -b.base : b.base;
      const absDelta = delta < 0n ? -delta : delta;
      if (absDelta <= absBase) {
        b.quoteEntry -= (b.quoteEntry * absDelta) / absBase;
      } else {
        // flip: the old position leaves the basis entirely, the excess opens at this fill's price
        const openPart = absDelta - absBase;
        b.quoteEntry = (signedQuote * openPart) / absDelta;
      }
    }
    b.base += delta;
    if (b.base === 0n) b.quoteEntry = 0n;
    b.baseInt = exactNumber(b.base, LIMIT);
    b.quoteEntryInt = exactNumber(b.quoteEntry, LIMIT);
    b.baseUnits = baseToNumber(b.base);
    // a NaN baseInt (beyond 2^48) stays NaN, and so does the equity
    const g = Number.isFinite(b.baseInt) && b.baseInt !== 0 ? gcd(b.baseInt, BASE_UNIT) : 1;
    b.reducedBase = b.baseInt / g;
    b.reducedUnit = BASE_UNIT / g;
  }

  onEvent(e: VenueEvent): void {
    switch (e.type) {
      case 'filled': {
        const f = e.fill;
        this.trade(f.marketIndex, f.side === 'buy' ? f.base : -f.base, f.quote);
        this.#fees += f.fee;
        this.fills++;
        if (f.maker) this.makerFills++;
        else this.takerFills++;
        this.#flowsChanged();
        break;
      }
      case 'funding':
        this.#funding += e.payment.amount;
        this.#flowsChanged();
        break;
      case 'liquidated': {
        const abs = e.base < 0n ? -e.base : e.base;
        this.trade(e.marketIndex, e.base, (abs * e.price) / BASE_PRECISION);
        this.#fees += e.fee;
        this.liquidations++;
        this.#flowsChanged();
        break;
      }
      default:
        break;
    }
  }

  base(marketIndex: number): bigint {
    return this.books.get(marketIndex)?.base ?? 0n;
  }

  /** baseToNumber(base(marketIndex)), kept from the last trade. */
  baseUnits(marketIndex: number): number {
    return this.books.get(marketIndex)?.baseUnits ?? 0;
  }

  /**
   * `start` + realized + unrealized + funding − fees (QUOTE) as an exact double, with `oracle` giving each
   * market's PRICE integer as a double; NaN when a part is beyond 2^48 (then sum the BigInts). The same integer:
   * every term is below 2^48 and there are 4 + 3 per market (at most 8 markets here; a backtest trades one or
   * two), so each partial sum stays below 2^53 and is exact; truncMulDiv truncates as BigInt division does
   * (exact-doubles.ts).
   */
  equityInDoubles(start: number, oracle: (marketIndex: number) => number): number {
    const list = this.#bookList;
    if (list.length > 8) return Number.NaN;
    let equity = start + this.#flowsInt;
    for (let k = 0; k < list.length; k++) {
      const b = list[k];
      equity -= b.quoteEntryInt;
      // baseInt, not base: no BigInt comparison per bar (a NaN baseInt, beyond 2^48, makes the sum NaN as before)
      if (b.baseInt !== 0)
        equity += term(truncMulDiv(b.reducedBase, oracle(b.marketIndex), b.reducedUnit)) + b.quoteEntryInt;
    }
    return equity;
  }

  realized(): bigint {
    let entry = 0n;
    for (const b of this.books.values()) entry += b.quoteEntry;
    return this.#cash - entry;
  }

  /** Unrealized PnL at the given oracle prices (PRICE), rounded as Drift rounds base × price. */
  unrealized(oracle: (marketIndex: number) => bigint): bigint {
    let u = 0n;
    for (const [i, b] of this.books) {
      if (b.base !== 0n) u += (b.base * oracle(i)) / BASE_PRECISION + b.quoteEntry;
    }
    return u;
  }
}
