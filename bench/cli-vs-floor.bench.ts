/**
 * What a user waits for: the whole `zero-perps backtest` CLI on a generated year of 1-minute bars (525,600, the
 * example grid config, the default report), beside a floor program that does the least any backtest must do —
 * read and parse the same CSV, then run a naive grid loop over it. The bench writes the floor program itself
 * (below) so both read the same file on the same machine in the same minute. Best of 3 each; the ratio is the
 * figure issue 17 sets a goal for (≤ 3×), with the CLI's peak RSS (≤ 400 MiB).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatGenericCsv, generateCandles } from '../src/data/index.ts';
import type { BenchFigure } from './run.ts';

const root = new URL('../', import.meta.url).pathname;

/**
 * The floor: parse `timestamp,open,high,low,close,volume` lines into numbers, then a naive grid — levels 0.5%
 * apart, buy one at each level the low trades below, sell one at each level the high trades above, ±10 sizes.
 */
const FLOOR_PROGRAM = `
import { readFileSync } from 'node:fs';
const text = readFileSync(process.argv[2], 'utf8');
let pos = text.indexOf('\\n') + 1;
const n = Math.max(0, text.split('\\n').length - 2);
const high = new Float64Array(n), low = new Float64Array(n), close = new Float64Array(n);
let rows = 0;
while (pos < text.length) {
  const end = text.indexOf('\\n', pos);
  const line = text.slice(pos, end < 0 ? text.length : end);
  pos = end < 0 ? text.length : end + 1;
  if (line.length === 0) continue;
  const f = line.split(',');
  high[rows] = Number(f[2]); low[rows] = Number(f[3]); close[rows] = Number(f[4]);
  rows++;
}
const step = 1.005, origin = close[0];
let last = 0, inv = 0, fills = 0, cash = 0;
for (let i = 0; i < rows; i++) {
  while (inv < 10 && low[i] < origin * step ** (last - 1)) { last--; inv++; fills++; cash -= origin * step ** last; }
  while (inv > -10 && high[i] > origin * step ** (last + 1)) { last++; inv--; fills++; cash += origin * step ** last; }
}
console.log(JSON.stringify({ rows, fills, cash }));
`;

function best(times: number[]): number {
  return Math.min(...times);
}

/** Runs a command, returns wall seconds and (with GNU time) peak RSS in MiB. */
function timed(cmd: string, args: string[]): { seconds: number; rssMiB: number | null } {
  const gnuTime = existsSync('/usr/bin/time');
  const t0 = performance.now();
  const r = gnuTime
    ? spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...args], { encoding: 'utf8' })
    : spawnSync(cmd, args, { encoding: 'utf8' });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${r.stderr}`);
  const kb = gnuTime ? Number(/(\d+)\s*$/.exec(r.stderr.trim())?.[1]) : Number.NaN;
  return { seconds, rssMiB: Number.isFinite(kb) ? kb / 1024 : null };
}

export async function run(): Promise<BenchFigure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'zp-floor-'));
  try {
    const csv = join(dir, 'year.csv');
    writeFileSync(csv, formatGenericCsv(generateCandles(525_600, { seed: 7, startPrice: 150 })));
    const floor = join(dir, 'floor.mjs');
    writeFileSync(floor, FLOOR_PROGRAM);
    execFileSync(process.execPath, [floor, csv]); // warm the file cache
    const cli = [
      join(root, 'bin/zero-perps.js'),
      'backtest',
      '--config',
      join(root, 'examples/sol-grid.yaml'),
      '--data',
      csv,
      '--out',
      join(dir, 'out'),
    ];
    const floorRuns: number[] = [];
    const cliRuns: number[] = [];
    let rss = 0;
    for (let i = 0; i < 3; i++) {
      floorRuns.push(timed(process.execPath, [floor, csv]).seconds);
      const c = timed(process.execPath, cli);
      cliRuns.push(c.seconds);
      if (c.rssMiB !== null) rss = Math.max(rss, c.rssMiB);
    }
    const f = best(floorRuns);
    const c = best(cliRuns);
    return [
      { name: 'year: floor program (parse + naive grid), best of 3', value: f, unit: 's' },
      { name: 'year: zero-perps backtest CLI, best of 3', value: c, unit: 's' },
      { name: 'year: CLI / floor', value: c / f, unit: '×' },
      { name: 'year: CLI peak RSS', value: rss, unit: 'MiB' },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
