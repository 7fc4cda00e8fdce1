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
import { BASE_PRECISION } from '../domain/precision.ts';
import type { VenueEvent } from '../domain/types.ts';

interface Book {
  base: bigint;
  quoteEntry: bigint;
}

export class PnlBook {
  private readonly books = new Map<number, Book>();
  /** Σ signed quote of all trades (sells +, buys −), QUOTE. */
  cash = 0n;
  /** Σ fees paid (rebates negative), QUOTE. */
  fees = 0n;
  /** Σ funding received (paid negative), QUOTE. */
  funding = 0n;
  fills = 0;
  makerFills = 0;
  takerFills = 0;
  liquidations = 0;

  private book(marketIndex: number): Book {
    let b = this.books.get(marketIndex);
    if (!b) {
      b = { base: 0n, quoteEntry: 0n };
      this.books.set(marketIndex, b);
    }
    return b;
  }

  /** Trade of signed base `delta` for unsigned `quote`. */
  private trade(marketIndex: number, delta: bigint, quote: bigint): void {
    const b = this.book(marketIndex);
    this.cash += delta > 0n ? -quote : quote;
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
  }

  onEvent(e: VenueEvent): void {
    switch (e.type) {
      case 'filled': {
        const f = e.fill;
        this.trade(f.marketIndex, f.side === 'buy' ? f.base : -f.base, f.quote);
        this.fees += f.fee;
        this.fills++;
        if (f.maker) this.makerFills++;
        else this.takerFills++;
        break;
      }
      case 'funding':
        this.funding += e.payment.amount;
        break;
      case 'liquidated': {
        const abs = e.base < 0n ? -e.base : e.base;
        this.trade(e.marketIndex, e.base, (abs * e.price) / BASE_PRECISION);
        this.fees += e.fee;
        this.liquidations++;
        break;
      }
      default:
        break;
    }
  }

  base(marketIndex: number): bigint {
    return this.books.get(marketIndex)?.base ?? 0n;
  }

  realized(): bigint {
    let entry = 0n;
    for (const b of this.books.values()) entry += b.quoteEntry;
    return this.cash - entry;
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
