import type { RiskState } from '../api.ts';

const LABEL: Record<RiskState, string> = { normal: 'normal', reduce_only: 'reduce-only', paused: 'paused' };

export function RiskBadge(props: { state: RiskState; testid?: string }) {
  return (
    <span class={`badge ${props.state}`} data-testid={props.testid ?? 'risk-badge'} data-state={props.state}>
      {LABEL[props.state] ?? props.state}
    </span>
  );
}

/** Spread-bot health: HEALTHY / DEGRADED / EMERGENCY. */
export function StateBadge(props: { state: string; testid: string }) {
  return (
    <span class={`badge ${props.state.toLowerCase()}`} data-testid={props.testid} data-state={props.state}>
      {props.state}
    </span>
  );
}
