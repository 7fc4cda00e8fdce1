/**
 * `npm run bench [name…]`: runs every bench/*.bench.ts (or those whose file name contains a given name), each in
 * its own process so one suite's memory and JIT state do not colour another's figures, then prints a table and
 * one JSON line. Figures only: nothing here passes or fails.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuTicks, stealPercent } from './host-steal.ts';

export interface BenchFigure {
  name: string;
  value: number;
  unit: string;
}

const dir = new URL('.', import.meta.url);
const SUITE_FLAG = '--suite';

if (process.argv[2] === SUITE_FLAG) {
  // Child: run one suite and print its figures as JSON on the last line.
  const mod = (await import(new URL(process.argv[3], dir).href)) as { run: () => Promise<BenchFigure[]> };
  process.stdout.write(`${JSON.stringify(await mod.run())}\n`);
} else {
  const only = process.argv.slice(2);
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.bench.ts'))
    .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
    .sort();
  const all: (BenchFigure & { suite: string })[] = [];
  for (const f of files) {
    const suite = basename(f, '.bench.ts');
    process.stderr.write(`running ${suite}…\n`);
    const before = cpuTicks();
    // --expose-gc: the memory figures collect before they measure (without it globalThis.gc is undefined and
    // they measured whatever garbage happened to be there: negative bytes per chart history, once).
    const out = execFileSync(
      process.execPath,
      ['--expose-gc', fileURLToPath(import.meta.url), SUITE_FLAG, f],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    const last = out.trim().split('\n').at(-1) ?? '[]';
    for (const fig of JSON.parse(last) as BenchFigure[]) all.push({ suite, ...fig });
    const steal = stealPercent(before, cpuTicks());
    if (steal !== undefined) {
      all.push({
        suite,
        name: 'host steal while this suite ran (CPU time the host gave to other machines)',
        value: steal,
        unit: '% of CPU time',
      });
    }
  }
  const fmt = (v: number): string =>
    Math.abs(v) >= 1000 ? Math.round(v).toLocaleString('en-US') : v.toPrecision(4).replace(/\.?0+$/, '');
  const rows = all.map((r) => [r.suite, r.name, fmt(r.value), r.unit]);
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i].length), 5));
  for (const r of rows) {
    console.log(r.map((c, i) => (i === 2 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  '));
  }
  console.log(
    JSON.stringify({
      node: process.version,
      cpus: cpus().length,
      figures: Object.fromEntries(all.map((r) => [`${r.suite}.${r.name}`, { value: r.value, unit: r.unit }])),
    }),
  );
}
