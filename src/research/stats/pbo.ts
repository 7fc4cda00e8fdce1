/**
 * The Probability of Backtest Overfitting by combinatorially symmetric cross-validation (Bailey, Borwein,
 * López de Prado & Zhu, "The Probability of Backtest Overfitting", 2015).
 *
 * M is a T × N matrix of returns (T periods, N trials). Its rows are cut into S equal blocks (S even). For
 * each of the C(S, S/2) ways to pick half the blocks as in-sample (the rest out-of-sample): the trial with
 * the best in-sample Sharpe ratio is found, its out-of-sample Sharpe ratio is ranked among all trials'
 * (ω = rank / (N + 1)), and λ = ln(ω / (1 − ω)). PBO is the share of splits with λ ≤ 0: how often the
 * in-sample winner does no better than the median trial out of sample. Pure noise gives PBO ≈ 0.5; real,
 * persistent skill gives PBO near 0.
 */

export interface Pbo {
  /** 0..1 */
  pbo: number;
  partitions: number;
  combinations: number;
  /** Share of splits where the in-sample winner lost money out of sample (mean OOS return < 0). */
  probOosLoss: number;
  /** Quantiles of λ over the splits. */
  logitQuantiles: { p5: number; p50: number; p95: number };
}

interface BlockStats {
  n: number;
  sum: number;
  sumSq: number;
}

function combinations(s: number, k: number): number[][] {
  const out: number[][] = [];
  const pick: number[] = [];
  const walk = (start: number): void => {
    if (pick.length === k) {
      out.push([...pick]);
      return;
    }
    for (let i = start; i <= s - (k - pick.length); i++) {
      pick.push(i);
      walk(i + 1);
      pick.pop();
    }
  };
  walk(0);
  return out;
}

/** `returns[n]` is trial n's return series; all of length T. */
export function probabilityOfOverfitting(returns: readonly (readonly number[])[], partitions = 16): Pbo {
  const n = returns.length;
  const t = n > 0 ? returns[0].length : 0;
  if (n < 2) throw new RangeError('PBO needs at least two trials');
  if (returns.some((r) => r.length !== t)) throw new RangeError('PBO: every trial needs the same periods');
  let s = Math.min(partitions, t - (t % 2));
  if (s % 2 === 1) s--;
  if (s < 2) throw new RangeError(`PBO: too few periods (${t}) to split`);
  const blocks = blockStatsOf(returns, s, t);
  const combos = combinations(s, s / 2);
  const logits: number[] = [];
  let overfit = 0;
  let oosLoss = 0;
  for (const isBlocks of combos) {
    const { lambda, oosMean } = splitLogit(blocks, returns, isBlocks, s);
    logits.push(lambda);
    if (lambda <= 0) overfit++;
    if (oosMean < 0) oosLoss++;
  }
  logits.sort((a, b) => a - b);
  const q = (p: number) => logits[Math.min(logits.length - 1, Math.floor(p * logits.length))];
  return {
    pbo: overfit / combos.length,
    partitions: s,
    combinations: combos.length,
    probOosLoss: oosLoss / combos.length,
    logitQuantiles: { p5: q(0.05), p50: q(0.5), p95: q(0.95) },
  };
}

/** Per block, per trial: count, Σr, Σr² over `s` blocks of T periods (the last block takes the remainder). */
function blockStatsOf(returns: readonly (readonly number[])[], s: number, t: number): BlockStats[][] {
  const size = Math.floor(t / s);
  const blocks: BlockStats[][] = [];
  for (let b = 0; b < s; b++) {
    const from = b * size;
    const to = b === s - 1 ? t : from + size;
    blocks.push(
      returns.map((r) => {
        let sum = 0;
        let sumSq = 0;
        for (let i = from; i < to; i++) {
          sum += r[i];
          sumSq += r[i] * r[i];
        }
        return { n: to - from, sum, sumSq };
      }),
    );
  }
  return blocks;
}

/** A trial's Sharpe ratio and mean return over the chosen blocks. */
function sharpeOver(
  blocks: readonly BlockStats[][],
  chosen: readonly number[],
  trial: number,
): { sr: number; mean: number } {
  let cnt = 0;
  let sum = 0;
  let sumSq = 0;
  for (const b of chosen) {
    const st = blocks[b][trial];
    cnt += st.n;
    sum += st.sum;
    sumSq += st.sumSq;
  }
  const mean = sum / cnt;
  const v = cnt > 1 ? (sumSq - cnt * mean * mean) / (cnt - 1) : 0;
  return { sr: v > 0 ? mean / Math.sqrt(v) : 0, mean };
}

/**
 * One split (`isBlocks` in sample, the other blocks out of sample): λ of the in-sample winner's out-of-sample
 * rank among the trials, and its mean out-of-sample return.
 */
function splitLogit(
  blocks: readonly BlockStats[][],
  returns: readonly (readonly number[])[],
  isBlocks: readonly number[],
  s: number,
): { lambda: number; oosMean: number } {
  const n = returns.length;
  const inSet = new Set(isBlocks);
  const oosBlocks = [...Array(s).keys()].filter((b) => !inSet.has(b));
  let best = 0;
  let bestSr = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < n; k++) {
    const sr = sharpeOver(blocks, isBlocks, k).sr;
    if (sr > bestSr) {
      bestSr = sr;
      best = k;
    }
  }
  const oos = returns.map((_, k) => sharpeOver(blocks, oosBlocks, k));
  const mine = oos[best].sr;
  // rank 1..N ascending; ties share the average rank
  let below = 0;
  let equal = 0;
  for (const o of oos) {
    if (o.sr < mine) below++;
    else if (o.sr === mine) equal++;
  }
  const rank = below + (equal + 1) / 2;
  const w = rank / (n + 1);
  return { lambda: Math.log(w / (1 - w)), oosMean: oos[best].mean };
}
