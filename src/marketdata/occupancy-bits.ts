/**
 * Which indexes of a lattice window's counts hold samples (lattice-window.ts), as a bitmap in two levels: a bit
 * per index, and a bit per word of those saying whether the word has any. The nearest index holding samples
 * above or below another is then found in at most a few words of each level.
 *
 * Why two levels: a window's samples may sit far apart on its counts (a week of a market that jumped, at six
 * decimals: up to 2^20 indexes), and one level would scan up to 2^15 words to cross such a gap.
 *
 * The summary may say a word has bits when it no longer has (`clear` leaves it; a scan that finds the word empty
 * clears its bit then), never the other way round: keeping it exact on every clear cost ~10% of a blended range's
 * update, where most clears empty a word that the next sample fills again.
 */
export class OccupancyBits {
  /** Bit i: index i is set. */
  private readonly words: Int32Array;
  /** Bit w: set whenever words[w] may not be 0 (set when a bit of it is; cleared by a scan that finds it 0). */
  private readonly summary: Int32Array;

  /** `length`: a multiple of 32. */
  constructor(length: number) {
    this.words = new Int32Array(length >> 5);
    this.summary = new Int32Array(Math.max(1, length >> 10));
  }

  set(i: number): void {
    const w = i >> 5;
    this.words[w] |= 1 << (i & 31);
    this.summary[w >> 5] |= 1 << (w & 31);
  }

  clear(i: number): void {
    this.words[i >> 5] &= ~(1 << (i & 31));
  }

  clearAll(): void {
    this.words.fill(0);
    this.summary.fill(0);
  }

  /** The first set index ≥ i (one must be). */
  firstAtOrAbove(i: number): number {
    const words = this.words;
    const summary = this.summary;
    let w = i >> 5;
    const word = (words[w] as number) & (-1 << (i & 31));
    if (word !== 0) return (w << 5) + lowestBit(word);
    // the next words marked in the summary, clearing the marks of those found empty
    w++;
    let s = w >> 5;
    let marks = (summary[s] as number) & (-1 << (w & 31));
    for (;;) {
      while (marks === 0) marks = summary[++s] as number;
      const bit = lowestBit(marks);
      w = (s << 5) + bit;
      const found = words[w] as number;
      if (found !== 0) return (w << 5) + lowestBit(found);
      summary[s] &= ~(1 << bit);
      marks &= marks - 1;
    }
  }

  /** The last set index ≤ i (one must be). */
  lastAtOrBelow(i: number): number {
    const words = this.words;
    const summary = this.summary;
    let w = i >> 5;
    const word = (words[w] as number) & (-1 >>> (31 - (i & 31)));
    if (word !== 0) return (w << 5) + highestBit(word);
    w--;
    let s = w >> 5;
    let marks = (summary[s] as number) & (-1 >>> (31 - (w & 31)));
    for (;;) {
      while (marks === 0) marks = summary[--s] as number;
      const bit = highestBit(marks);
      w = (s << 5) + bit;
      const found = words[w] as number;
      if (found !== 0) return (w << 5) + highestBit(found);
      summary[s] &= ~(1 << bit);
      marks &= ~(1 << bit);
    }
  }
}

/** The place of the lowest set bit of a non-zero word: 31 − clz of that bit alone. */
const lowestBit = (word: number): number => 31 - Math.clz32(word & -word);

/** The place of the highest set bit of a non-zero word. */
const highestBit = (word: number): number => 31 - Math.clz32(word);
