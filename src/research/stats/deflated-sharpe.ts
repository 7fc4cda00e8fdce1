/**
 * The Deflated Sharpe Ratio (Bailey & López de Prado, "The Deflated Sharpe Ratio: Correcting for Selection
 * Bias, Backtest Overfitting and Non-Normality", 2014): the probability that the chosen trial's true Sharpe
 * ratio is above zero, given that it is the best of N trials and its returns are skewed and fat-tailed.
 *
 *   SR₀ = √V[SRₙ] · ((1 − γ) Φ⁻¹(1 − 1/N) + γ Φ⁻¹(1 − 1/(N e)))          (expected maximum of N null SRs)
 *   DSR = Φ( (SR̂ − SR₀) √(T − 1) / √(1 − γ₃ SR̂ + (γ₄ − 1)/4 · SR̂²) )
 *
 * with SR̂ the chosen trial's per-period (not annualised) Sharpe ratio over T returns, γ₃ their skewness, γ₄
 * their kurtosis (3 for normal returns), V[SRₙ] the variance of the N trials' Sharpe ratios, γ Euler's
 * constant.
 */
import { normalCdf, normalQuantile } from './normal.ts';

const EULER_GAMMA = 0.5772156649015329;

export interface Moments {
  n: number;
  mean: number;
  sd: number;
  skew: number;
  /** Kurtosis (not excess): 3 for a normal distribution. */
  kurtosis: number;
}

export function moments(xs: readonly number[]): Moments {
  const n = xs.length;
  const mean = n > 0 ? xs.reduce((a, b) => a + b, 0) / n : 0;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (const x of xs) {
    const d = x - mean;
    m2 += d * d;
    m3 += d * d * d;
    m4 += d * d * d * d;
  }
  m2 /= n;
  m3 /= n;
  m4 /= n;
  return {
    n,
    mean,
    sd: n > 1 ? Math.sqrt((m2 * n) / (n - 1)) : 0,
    skew: m2 > 0 ? m3 / m2 ** 1.5 : 0,
    kurtosis: m2 > 0 ? m4 / (m2 * m2) : 3,
  };
}

/** Per-period Sharpe ratio (mean / sample stdev); 0 without variance. */
export function sharpeOf(xs: readonly number[]): number {
  const m = moments(xs);
  return m.sd > 0 ? m.mean / m.sd : 0;
}

/** The expected maximum Sharpe ratio of N trials with no skill whose Sharpe ratios have variance `variance`. */
export function expectedMaxSharpe(trials: number, variance: number): number {
  if (trials < 2 || !(variance > 0)) return 0;
  return (
    Math.sqrt(variance) *
    ((1 - EULER_GAMMA) * normalQuantile(1 - 1 / trials) +
      EULER_GAMMA * normalQuantile(1 - 1 / (trials * Math.E)))
  );
}

export interface DeflatedSharpe {
  /** The chosen trial's per-period Sharpe ratio. */
  sharpe: number;
  /** The benchmark SR₀ it must beat. */
  sr0: number;
  returns: number;
  trials: number;
  skew: number;
  kurtosis: number;
  /** Probability (0..1) that the true Sharpe ratio is > 0 after deflation. */
  dsr: number;
}

export function deflatedSharpe(returns: readonly number[], trialSharpes: readonly number[]): DeflatedSharpe {
  const m = moments(returns);
  const sr = m.sd > 0 ? m.mean / m.sd : 0;
  const v = moments(trialSharpes);
  const sr0 = expectedMaxSharpe(trialSharpes.length, v.sd * v.sd);
  const denom = 1 - m.skew * sr + ((m.kurtosis - 1) / 4) * sr * sr;
  const z = m.n > 1 && denom > 0 ? ((sr - sr0) * Math.sqrt(m.n - 1)) / Math.sqrt(denom) : Number.NaN;
  return {
    sharpe: sr,
    sr0,
    returns: m.n,
    trials: trialSharpes.length,
    skew: m.skew,
    kurtosis: m.kurtosis,
    dsr: Number.isNaN(z) ? Number.NaN : normalCdf(z),
  };
}
