/**
 * A chaos campaign: consecutive seeds, one run each, until a run count or a wall-clock budget is reached.
 * The wall clock only decides when to stop starting runs; every run is deterministic in its seed.
 */
import { addFaultCounts, emptyFaultCounts, type FaultCounts } from '../venue/sim/faults/fault-config.ts';
import { type ChaosRunResult, runChaos } from './run-chaos.ts';
import type { ChaosStrategy } from './scenario.ts';

export interface CampaignOptions {
  firstSeed: number;
  bars: number;
  /** Stop after this many runs (default: unlimited, then `minutes` must be set). */
  runs?: number;
  /** Stop starting runs after this many minutes. */
  minutes?: number;
  strategy?: ChaosStrategy;
  now?: () => number;
  onRun?: (r: ChaosRunResult) => void;
}

export interface CampaignSummary {
  runs: number;
  bars: number;
  cycles: number;
  restarts: number;
  fills: number;
  liquidations: number;
  pausedOverCapBars: number;
  faults: FaultCounts;
  violations: number;
  failedSeeds: { seed: number; invariant: string; detail: string }[];
}

export function runCampaign(o: CampaignOptions): CampaignSummary {
  const now = o.now ?? Date.now;
  const started = now();
  const deadline = o.minutes === undefined ? Number.POSITIVE_INFINITY : started + o.minutes * 60_000;
  const maxRuns = o.runs ?? (o.minutes === undefined ? 1 : Number.POSITIVE_INFINITY);
  const s: CampaignSummary = {
    runs: 0,
    bars: 0,
    cycles: 0,
    restarts: 0,
    fills: 0,
    liquidations: 0,
    pausedOverCapBars: 0,
    faults: emptyFaultCounts(),
    violations: 0,
    failedSeeds: [],
  };
  for (let seed = o.firstSeed; s.runs < maxRuns && now() < deadline; seed++) {
    const r = runChaos({ seed, bars: o.bars, strategy: o.strategy });
    s.runs++;
    s.bars += r.bars;
    s.cycles += r.cycles;
    s.restarts += r.restarts;
    s.fills += r.fills;
    s.liquidations += r.liquidations;
    s.pausedOverCapBars += r.pausedOverCapBars;
    addFaultCounts(s.faults, r.faults);
    s.violations += r.violations.length;
    const first = r.violations[0];
    if (first) s.failedSeeds.push({ seed, invariant: first.invariant, detail: first.detail });
    o.onRun?.(r);
  }
  return s;
}

/** The line printed for a failing seed (also what tests look for). */
export function failureLine(invariant: string, seed: number, bars: number, defaultBars: number): string {
  const extra = bars === defaultBars ? '' : ` --bars ${bars}`;
  return `chaos: invariant ${invariant} failed for seed ${seed} — replay with npm run chaos -- --seed ${seed}${extra}`;
}
