/**
 * What changed between two versions of a bot's config or objective, field by field (`grid.stepPct: 0.5 →
 * 0.8`). Compared after parsing, so a default spelled out, a reordered key or a comment is not a change.
 */
import type { BotConfig } from './bot-config.ts';

export interface FieldChange {
  field: string;
  /** undefined = the field was absent. */
  from: unknown;
  to: unknown;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function flatten(value: unknown, prefix: string, out: Map<string, unknown>): void {
  if (isPlainObject(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) out.set(prefix, value);
}

/** Field-level differences between two JSON-like documents; arrays compare as whole values. */
export function diffValues(from: unknown, to: unknown, prefix = ''): FieldChange[] {
  const a = new Map<string, unknown>();
  const b = new Map<string, unknown>();
  flatten(from, prefix, a);
  flatten(to, prefix, b);
  const changes: FieldChange[] = [];
  for (const field of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(field);
    const y = b.get(field);
    if (JSON.stringify(x) !== JSON.stringify(y)) changes.push({ field, from: x, to: y });
  }
  return changes.sort((p, q) => (p.field < q.field ? -1 : p.field > q.field ? 1 : 0));
}

/** The parts of a parsed config a user edits (everything but the name and the markets). */
export function editableParts(c: BotConfig): Record<string, unknown> {
  return {
    collateral: c.collateral,
    [c.strategy]: c.strategy === 'grid' ? c.grid : c.spread,
    execution: c.execution,
    risk: c.risk,
    fees: c.fees,
  };
}

export function diffConfigs(from: BotConfig, to: BotConfig): FieldChange[] {
  return diffValues(editableParts(from), editableParts(to));
}

const show = (v: unknown): string => (v === undefined ? '(unset)' : JSON.stringify(v));

/** `grid.stepPct 0.5 → 0.8, risk.maxLeverage 3 → 2` */
export function describeChanges(changes: readonly FieldChange[]): string {
  return changes.map((c) => `${c.field} ${show(c.from)} → ${show(c.to)}`).join(', ');
}
