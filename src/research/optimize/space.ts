/**
 * The search space file: config keys (dotted paths into the bot config) mapped to the values to try —
 *
 *   grid.stepPct: [0.3, 0.5, 0.8]            a list
 *   grid.levels: {from: 6, to: 12, step: 2}  a range: 6, 8, 10, 12
 *   risk.maxLeverage: {from: 1, to: 3, count: 5}   evenly spaced: 1, 1.5, 2, 2.5, 3
 *
 * The trials are every combination (the Cartesian product), in a fixed order; `maxTrials` keeps a seeded
 * random subset of them when the product is larger.
 */
import { UserError } from '../../cli/user-error.ts';
import { seededRandom } from '../../data/synthetic.ts';

export type ParamValue = number | string | boolean;
export type Params = Record<string, ParamValue>;

export interface Space {
  keys: string[];
  values: ParamValue[][];
}

const round = (v: number): number => Number(v.toPrecision(12));

function expand(key: string, spec: unknown): ParamValue[] {
  const bad = (why: string) =>
    new UserError(`space: ${key}: ${why} (a list like [0.3, 0.5], or {from, to, step} or {from, to, count})`);
  if (Array.isArray(spec)) {
    if (spec.length === 0) throw bad('an empty list');
    for (const v of spec) {
      if (!['number', 'string', 'boolean'].includes(typeof v))
        throw bad(`${JSON.stringify(v)} is not a value`);
    }
    return [...new Set(spec as ParamValue[])];
  }
  if (typeof spec === 'object' && spec !== null) {
    const o = spec as Record<string, unknown>;
    const unknown = Object.keys(o).filter((k) => !['from', 'to', 'step', 'count'].includes(k));
    if (unknown.length) throw bad(`unknown field ${unknown[0]}`);
    const { from, to, step, count } = o;
    if (typeof from !== 'number' || typeof to !== 'number' || !(to >= from))
      throw bad('needs numbers from ≤ to');
    if (typeof step === 'number' && count === undefined) {
      if (!(step > 0)) throw bad('step must be > 0');
      const n = Math.floor((to - from) / step + 1e-9) + 1;
      if (n > 10_000) throw bad(`${n} values is too many`);
      return Array.from({ length: n }, (_, i) => round(from + i * step));
    }
    if (typeof count === 'number' && step === undefined) {
      if (!Number.isInteger(count) || count < 1 || count > 10_000)
        throw bad('count must be a whole number 1..10000');
      if (count === 1) return [from];
      return Array.from({ length: count }, (_, i) => round(from + ((to - from) * i) / (count - 1)));
    }
    throw bad('give either step or count');
  }
  throw bad(`${JSON.stringify(spec)} is neither`);
}

export function parseSpace(raw: unknown): Space {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || Object.keys(raw).length === 0) {
    throw new UserError('space: must map config keys to values, e.g. "grid.stepPct: [0.3, 0.5, 0.8]"');
  }
  const keys = Object.keys(raw);
  for (const k of keys) {
    if (!/^[A-Za-z][\w]*(\.[A-Za-z0-9_]+)*$/.test(k))
      throw new UserError(`space: "${k}" is not a config key path`);
    if (k === 'name' || k === 'strategy' || k === 'market' || k === 'markets') {
      throw new UserError(`space: ${k} cannot be searched (it changes what the bot is, not how it trades)`);
    }
  }
  return { keys, values: keys.map((k) => expand(k, (raw as Record<string, unknown>)[k])) };
}

export function spaceSize(space: Space): number {
  return space.values.reduce((a, v) => a * v.length, 1);
}

/** Every combination, the last key varying fastest; or `maxTrials` of them drawn without repeats. */
export function trialsOf(space: Space, maxTrials?: number, seed = 1): Params[] {
  const size = spaceSize(space);
  let picks: number[];
  if (maxTrials === undefined || maxTrials >= size) {
    if (size > 100_000) throw new UserError(`space: ${size} combinations; pass --max-trials to sample some`);
    picks = Array.from({ length: size }, (_, i) => i);
  } else {
    const rand = seededRandom(seed);
    const chosen = new Set<number>();
    while (chosen.size < maxTrials) chosen.add(Math.floor(rand() * size));
    picks = [...chosen].sort((a, b) => a - b);
  }
  return picks.map((index) => {
    const params: Params = {};
    let rest = index;
    for (let k = space.keys.length - 1; k >= 0; k--) {
      const vals = space.values[k];
      params[space.keys[k]] = vals[rest % vals.length];
      rest = Math.floor(rest / vals.length);
    }
    return Object.fromEntries(space.keys.map((k) => [k, params[k]]));
  });
}

/** A deep copy of the raw config with each dotted key set. */
export function applyParams(raw: unknown, params: Params): Record<string, unknown> {
  const copy = structuredClone(raw) as Record<string, unknown>;
  for (const [path, value] of Object.entries(params)) {
    const parts = path.split('.');
    let node: Record<string, unknown> = copy;
    for (const p of parts.slice(0, -1)) {
      const next = node[p];
      if (next === undefined) node[p] = {};
      else if (typeof next !== 'object' || next === null || Array.isArray(next)) {
        throw new UserError(`space: ${path}: ${p} is not a section of the config`);
      }
      node = node[p] as Record<string, unknown>;
    }
    node[parts[parts.length - 1]] = value;
  }
  return copy;
}
