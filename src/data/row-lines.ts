/**
 * The file line of each row a parser took, kept as the places where the rows stop following each other line by
 * line (a blank line between them): a year's CSV is one such stretch. The lines are asked for only when a file
 * needs sorting (finishCandles names the superseded rows' lines), so a parser notes every row without keeping a
 * number per row (525,600 of them for a year of 1-minute bars, and the array's growth: ~5% of the reading
 * thread's CPU, issue 17, twenty-seventh round).
 */
export class RowLines {
  #rows = 0;
  /** The first row of each stretch, and its line. */
  readonly #startRow: number[] = [];
  readonly #startLine: number[] = [];

  /** Row number `rows so far` is on `line`. */
  add(line: number): void {
    const n = this.#startRow.length;
    if (
      n === 0 ||
      line !== (this.#startLine[n - 1] as number) + (this.#rows - (this.#startRow[n - 1] as number))
    ) {
      this.#startRow.push(this.#rows);
      this.#startLine.push(line);
    }
    this.#rows++;
  }

  /** The line of row `row` (0 ≤ row < the rows added). */
  of(row: number): number {
    const starts = this.#startRow;
    // the last stretch starting at or before `row`
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] as number) <= row) lo = mid;
      else hi = mid - 1;
    }
    return (this.#startLine[lo] as number) + (row - (starts[lo] as number));
  }
}
