/**
 * A `--data` or `--funding` argument: `[MARKET=]FILE`. Its own module so that the streamed load's thread, started
 * before the backtest command's modules load (streamed-load-thread.ts), can read a file ahead without them.
 */

export interface FileArg {
  market: string | undefined;
  path: string;
}

/** `SOL-PERP=file.csv` → {market, path}; a path that merely contains '=' elsewhere stays a path. */
export function parseFileArg(arg: string): FileArg {
  const m = /^([A-Za-z0-9]+-PERP)=(.+)$/i.exec(arg);
  return m
    ? { market: (m[1] as string).toUpperCase(), path: m[2] as string }
    : { market: undefined, path: arg };
}
