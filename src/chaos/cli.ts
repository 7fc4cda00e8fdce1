/**
 * `npm run chaos -- [--minutes N] [--seed S] [--runs R] [--bars B] [--strategy grid|spread]`
 *   --seed S alone replays exactly that seed; with --runs or --minutes it is the first seed of the campaign.
 * Prints cycles, faults injected by kind, restarts and invariant violations; exits 1 when any invariant failed.
 */
import { FAULT_KINDS } from '../venue/sim/faults/fault-config.ts';
import { type CampaignSummary, failureLine, runCampaign } from './campaign.ts';
import type { ChaosStrategy } from './scenario.ts';

export const DEFAULT_BARS = 5000;

export interface ChaosArgs {
  minutes?: number;
  seed?: number;
  runs?: number;
  bars: number;
  strategy?: ChaosStrategy;
}

export function parseChaosArgs(argv: readonly string[]): ChaosArgs {
  const out: ChaosArgs = { bars: DEFAULT_BARS };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    const num = (min: number): number => {
      const n = Number(value);
      if (value === undefined || !Number.isFinite(n) || n < min) {
        throw new Error(`${flag}: expected a number ≥ ${min} (got ${value ?? 'nothing'})`);
      }
      i++;
      return n;
    };
    if (flag === '--minutes') out.minutes = num(0);
    else if (flag === '--seed') out.seed = Math.floor(num(0));
    else if (flag === '--runs') out.runs = Math.floor(num(1));
    else if (flag === '--bars') out.bars = Math.floor(num(10));
    else if (flag === '--strategy') {
      if (value !== 'grid' && value !== 'spread')
        throw new Error(`--strategy: grid or spread (got ${value})`);
      out.strategy = value;
      i++;
    } else
      throw new Error(`unknown option ${flag}; use --minutes N, --seed S, --runs R, --bars B, --strategy`);
  }
  return out;
}

export function formatSummary(s: CampaignSummary): string {
  const faults = FAULT_KINDS.filter((k) => s.faults[k] > 0)
    .map((k) => `${k} ${s.faults[k]}`)
    .join(', ');
  const total = FAULT_KINDS.reduce((n, k) => n + s.faults[k], 0);
  return [
    `chaos: ${s.runs} runs, ${s.bars} bars, ${s.cycles} decision cycles, ${s.fills} fills, ${s.liquidations} liquidations`,
    `faults injected: ${total} (${faults || 'none'})`,
    `restarts: ${s.restarts}`,
    `bars above a cap while PAUSED (defense suspended by design, see docs/reliability.md): ${s.pausedOverCapBars}`,
    `invariant violations: ${s.violations}`,
  ].join('\n');
}

export function main(argv: readonly string[]): number {
  let args: ChaosArgs;
  try {
    args = parseChaosArgs(argv);
  } catch (err) {
    console.error(`chaos: ${(err as Error).message}`);
    return 2;
  }
  const replay = args.seed !== undefined && args.runs === undefined && args.minutes === undefined;
  const summary = runCampaign({
    firstSeed: args.seed ?? 1,
    bars: args.bars,
    runs: replay ? 1 : args.runs,
    minutes: replay ? undefined : (args.minutes ?? (args.runs === undefined ? 1 : undefined)),
    strategy: args.strategy,
    onRun: (r) => {
      for (const v of r.violations) {
        console.log(failureLine(v.invariant, r.seed, args.bars, DEFAULT_BARS));
        console.log(`  at ${new Date(v.ts).toISOString()} (${r.strategy} ${r.market}): ${v.detail}`);
      }
    },
  });
  console.log(formatSummary(summary));
  return summary.violations > 0 ? 1 : 0;
}

if (import.meta.main) process.exitCode = main(process.argv.slice(2));
