/**
 * Quickselect: the t-th smallest of an array in linear time, for reads of one rank where a full sort would
 * order everything (a window tail's refill, a run's median bar spacing).
 */

/**
 * Reorders a[0..n) so that a[t] is its t-th smallest value, with no larger value before it and no smaller one
 * after it (quickselect, Hoare partition around a median of three).
 */
export function selectRank(a: Float64Array, n: number, t: number): void {
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const pivot = medianOf3(a[lo], a[(lo + hi) >>> 1], a[hi]);
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const swap = a[i];
        a[i++] = a[j];
        a[j--] = swap;
      }
    }
    // a[lo..j] ≤ pivot, a[i..hi] ≥ pivot, and whatever lies between equals the pivot
    if (t <= j) hi = j;
    else if (t >= i) lo = i;
    else return;
  }
}

function medianOf3(a: number, b: number, c: number): number {
  return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
}
