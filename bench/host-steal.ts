/**
 * How much of the machine's CPU time the host took for other guests while a bench ran (Linux's "steal" column
 * in /proc/stat). On the shared virtual machines we measure on, the same build's figures moved by up to 2.5×
 * within the hour (docs/backtest.md, "Thirteenth round"). Steal is the part of that the host reports: a figure
 * measured with a large steal is a figure of the neighbours' load as much as of our code, and the bench says so
 * beside it. A small steal does not clear a figure (contention for memory and caches shows in no counter).
 */
import { readFileSync } from 'node:fs';

export interface CpuTicks {
  steal: number;
  total: number;
}

/** The machine's CPU time so far in clock ticks (all CPUs), or undefined where /proc/stat is not readable. */
export function cpuTicks(): CpuTicks | undefined {
  let text: string;
  try {
    text = readFileSync('/proc/stat', 'utf8');
  } catch {
    return undefined;
  }
  // "cpu  user nice system idle iowait irq softirq steal guest guest_nice": guest time is already in user
  const fields = /^cpu\s+(.*)$/m.exec(text)?.[1].trim().split(/\s+/).map(Number);
  if (fields === undefined || fields.length < 8 || fields.some((v) => !Number.isFinite(v))) return undefined;
  const total = fields.slice(0, 8).reduce((a, b) => a + b, 0);
  return { steal: fields[7] as number, total };
}

/** The share of the machine's CPU time the host took between two readings, in percent (undefined: unknown). */
export function stealPercent(from: CpuTicks | undefined, to: CpuTicks | undefined): number | undefined {
  if (from === undefined || to === undefined) return undefined;
  const total = to.total - from.total;
  return total > 0 ? ((to.steal - from.steal) / total) * 100 : undefined;
}
