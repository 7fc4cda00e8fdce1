/** fast-check arbitraries for chart history points (history-ring.test.ts, chart-history.test.ts). */
import fc from 'fast-check';
import type { HistoryPoint } from '../history-ring.ts';

/** Any finite double a session could record (with -0 and the extremes). */
const num = () => fc.double({ noNaN: true, noDefaultInfinity: true });

/** A point with any fields: null or a number, lo/hi also absent; ts as given (default any safe integer). */
export function historyPoint(ts: fc.Arbitrary<number> = fc.integer({ min: 0, max: 2 ** 45 })) {
  const range = fc.option(num(), { nil: null });
  return fc
    .record({
      ts,
      mark: fc.option(num(), { nil: null }),
      equity: num(),
      base: num(),
      liqPrice: fc.option(num(), { nil: null }),
      lo: fc.option(range, { nil: undefined }),
      hi: fc.option(range, { nil: undefined }),
    })
    .map(
      ({ lo, hi, ...p }): HistoryPoint => ({
        ...p,
        ...(lo === undefined ? {} : { lo }),
        ...(hi === undefined ? {} : { hi }),
      }),
    );
}
