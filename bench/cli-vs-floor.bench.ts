/**
 * What a user waits for: the whole `zero-perps backtest` CLI on a generated year of 1-minute bars (525,600, the
 * example grid config, the default report), beside a floor program that does the least any backtest must do —
 * read and parse the same CSV, then run a naive grid loop over it. The bench writes the floor program itself
 * (below) so both read the same file on the same machine in the same minute. Best of 3 each; the ratio is the
 * figure issue 17 sets a goal for (≤ 3×), with the CLI's peak RSS (≤ 400 MiB). The same again on Bun (floor and
 * CLI both on Bun, so each runtime has its own ratio), and each runtime's start-up (`--version`) from the bundle
 * and from the TypeScript. Also the same year as Drift candle JSON as `data download` writes it (its windows' edge
 * candles repeated; with and without a year of funding), and the spread bot on a year of both its markets.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleStaleReason } from '../bin/cli-bundle.js';
import { formatGenericCsv, generateCandles } from '../src/data/index.ts';
import { driftCandleRecords } from '../src/data/test-support/drift-candle-records.ts';
import type { BenchFigure } from './run.ts';

const root = new URL('../', import.meta.url).pathname;
/** The Bun that `npm ci` installs (devDependency); its figures are left out when it is missing. */
const BUN = join(root, 'node_modules', '.bin', 'bun');

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

/** One runtime's figures: floor and CLI alternate, best of 3 each. */
interface RuntimeRuns {
  floor: number[];
  cli: number[];
  rss: number;
}

/**
 * Start-up, best of 5: `--version` (the entry module only) and `backtest --help` (the backtest command's modules,
 * then its usage): module loading and the bundle check, no work.
 */
function startup(cmd: string, args: string[], env: Record<string, string>): number {
  const runs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const r = spawnSync(cmd, [join(root, 'bin/zero-perps.js'), ...args], { env: { ...process.env, ...env } });
    if (r.status !== 0) throw new Error(`${cmd} zero-perps ${args.join(' ')} failed`);
    runs.push((performance.now() - t0) / 1000);
  }
  return best(runs);
}

/**
 * The same year as Drift candle JSON, written as `data download drift candles` writes it (201 MB, pretty-printed):
 * the product's own data, read a piece at a time while the run goes on (docs/data.md); then again with a year of
 * hourly funding records (`--funding`). Node, best of 2 each.
 */
function driftJsonYear(dir: string, cli: string[]): BenchFigure[] {
  const json = join(dir, 'year-drift.json');
  const candles = driftCandleRecords(generateCandles(525_600, { seed: 7, startPrice: 150 }));
  // as `data download drift candles` writes it: windows of 2,000 candles, each window's edge candle repeated
  const downloaded = candles.flatMap((c, i) => (i > 0 && i % 2000 === 0 ? [candles[i - 1], c] : [c]));
  writeFileSync(json, `${JSON.stringify({ candles: downloaded }, null, 2)}\n`);
  // and a year of hourly Drift funding records for the market (`--funding`, as a trader runs Drift data)
  const funding = join(dir, 'year-funding.json');
  const fundingRates = Array.from({ length: 8760 }, (_, k) => ({
    ts: String(Math.floor(Number(candles[0]?.start ?? 0) / 1000) + k * 3600),
    marketIndex: 0,
    // up to ~17% a year either way: a funding rule that trips now and then, not all year
    fundingRate: String(Math.round(Math.sin(k / 50) * 3_000_000)),
    oraclePriceTwap: '150000000',
    markPriceTwap: '150050000',
  }));
  writeFileSync(funding, JSON.stringify({ fundingRates }, null, 2));
  const args = cli.map((a, i) => (cli[i - 1] === '--data' ? json : a));
  const runs = [timed(process.execPath, args), timed(process.execPath, args)];
  const funded = [...args, '--funding', funding];
  const fundedRuns = [timed(process.execPath, funded), timed(process.execPath, funded)];
  rmSync(json, { force: true });
  rmSync(funding, { force: true });
  const figures = (what: string, r: { seconds: number; rssMiB: number | null }[]): BenchFigure[] => [
    { name: `${what}: zero-perps backtest CLI, best of 2`, value: best(r.map((x) => x.seconds)), unit: 's' },
    { name: `${what}: CLI peak RSS`, value: Math.max(...r.map((x) => x.rssMiB ?? 0)), unit: 'MiB' },
  ];
  return [
    ...figures('year as Drift candle JSON (as data download writes it)', runs),
    ...figures('year as Drift candle JSON with a year of funding', fundedRuns),
  ];
}

/**
 * The spread bot on a year of 1-minute bars of both its markets (two generic CSVs, as `data download` and most
 * exports give them): the strategy the grid's figures say nothing of, with twice the bars.
 */
function spreadYear(dir: string): BenchFigure[] {
  const files = (
    [
      ['DRIFT-PERP', 3, 0.6],
      ['KMNO-PERP', 4, 0.06],
    ] as const
  ).map(([market, seed, startPrice]) => {
    const path = join(dir, `${market}.csv`);
    writeFileSync(path, formatGenericCsv(generateCandles(525_600, { seed, startPrice })));
    return `${market}=${path}`;
  });
  const args = [
    join(root, 'bin/zero-perps.js'),
    'backtest',
    '--config',
    join(root, 'examples/drift-kmno-spread.yaml'),
    ...files.flatMap((f) => ['--data', f]),
    '--out',
    join(dir, 'out-spread'),
  ];
  const runs = [timed(process.execPath, args), timed(process.execPath, args)];
  for (const f of files) rmSync(f.slice(f.indexOf('=') + 1), { force: true });
  return [
    {
      name: 'spread year (two markets): zero-perps backtest CLI, best of 2',
      value: best(runs.map((x) => x.seconds)),
      unit: 's',
    },
    { name: 'spread year: CLI peak RSS', value: Math.max(...runs.map((x) => x.rssMiB ?? 0)), unit: 'MiB' },
  ];
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
    // The CLI as a user starts it: the bundle when current (bin/cli-bundle.js), else the TypeScript.
    const stale = bundleStaleReason(root);
    process.stderr.write(
      `cli-vs-floor: the CLI runs ${stale === null ? 'the bundle' : `the TypeScript: ${stale}`}\n`,
    );
    const runtimes: [string, string][] = [['node', process.execPath]];
    if (existsSync(BUN)) runtimes.push(['bun', BUN]);
    else process.stderr.write('cli-vs-floor: no bun binary (npm ci installs it): Bun figures left out\n');
    const runs = new Map<string, RuntimeRuns>(
      runtimes.map(([name]) => [name, { floor: [], cli: [], rss: 0 }]),
    );
    for (let i = 0; i < 3; i++) {
      for (const [name, exe] of runtimes) {
        const r = runs.get(name)!;
        r.floor.push(timed(exe, [floor, csv]).seconds);
        const c = timed(exe, cli);
        r.cli.push(c.seconds);
        if (c.rssMiB !== null) r.rss = Math.max(r.rss, c.rssMiB);
      }
    }
    const figures: BenchFigure[] = [];
    for (const [name] of runtimes) {
      const r = runs.get(name)!;
      const f = best(r.floor);
      const c = best(r.cli);
      // Node's figures keep their names (issue 17's goal is stated on them); Bun's say "on bun".
      const on = name === 'node' ? '' : ` on ${name}`;
      figures.push(
        { name: `year: floor program (parse + naive grid)${on}, best of 3`, value: f, unit: 's' },
        { name: `year: zero-perps backtest CLI${on}, best of 3`, value: c, unit: 's' },
        { name: `year: CLI / floor${on}`, value: c / f, unit: '×' },
        { name: `year: CLI peak RSS${on}`, value: r.rss, unit: 'MiB' },
      );
    }
    figures.push(...driftJsonYear(dir, cli));
    figures.push(...spreadYear(dir));
    const sources: [string, Record<string, string>][] = [['TypeScript', { ZERO_PERPS_SOURCE: 'ts' }]];
    if (stale === null) sources.unshift(['bundle', { ZERO_PERPS_SOURCE: '' }]);
    for (const [name, exe] of runtimes) {
      for (const args of [['--version'], ['backtest', '--help']]) {
        for (const [source, env] of sources) {
          const value = startup(exe, args, env);
          figures.push({
            name: `start-up: ${args.join(' ')} on ${name}, ${source}, best of 5`,
            value,
            unit: 's',
          });
        }
      }
    }
    return figures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
