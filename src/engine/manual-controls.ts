/**
 * The operator's switches (dashboard buttons, API): pause and reduce-only. They can only narrow the governor's
 * verdict, never widen it — risk wins.
 */
import { VERDICT_RANK, type Verdict } from '../domain/intent.ts';

export interface ManualControls {
  pause: boolean;
  reduceOnly: boolean;
}

export function manualVerdict(verdict: Verdict, manual: ManualControls): Verdict {
  if (manual.pause && VERDICT_RANK[verdict.kind] < VERDICT_RANK.PAUSE) {
    return {
      kind: 'PAUSE',
      band: verdict.band,
      reasons: [
        ...verdict.reasons,
        { rule: 'G_reduce_only', action: 'PAUSE', measured: 1, limit: 0, message: 'paused by the operator' },
      ],
    };
  }
  return verdict;
}
