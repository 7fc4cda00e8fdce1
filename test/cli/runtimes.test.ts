/**
 * The ways the CLI runs: the TypeScript or the bundle (dist/cli/, scripts/build-cli.ts), on Node or on Bun. All
 * of them must write the same report, byte for byte but for the two timing fields; the bundle must never run
 * once a source it was built from changed (bin/cli-bundle.js).
 *
 * The Bun cases need the `bun` binary that `npm ci` installs (devDependency); without it they are skipped and
 * say why. The rest of the suite runs the TypeScript on Node (npm test sets ZERO_PERPS_SOURCE=ts).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import {
  BUNDLE_DIR,
  BUNDLE_ENTRY,
  bundleStaleReason,
  describeSource,
  MANIFEST,
} from '../../bin/cli-bundle.js';
import { buildCli, WORKER_ENTRIES } from '../../scripts/build-cli.ts';
import { formatGenericCsv, generateCandles } from '../../src/data/index.ts';
import { RANGE_THREAD_MIN_BARS } from '../../src/marketdata/range-thread.ts';

const root = new URL('../../', import.meta.url).pathname;
const bunBinary = join(root, 'node_modules', '.bin', 'bun');
const noBun = existsSync(bunBinary) ? false : 'the bun binary is not installed here (`npm ci` installs it)';

/** A project folder holding `files` and a bundle manifest recording them as they are now. */
function fakeProject(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'zp-bundle-'));
  mkdirSync(join(dir, 'src'));
  mkdirSync(join(dir, BUNDLE_DIR), { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, 'src', name), text);
  writeFileSync(join(dir, BUNDLE_DIR, BUNDLE_ENTRY), '');
  const sources = Object.keys(files).map((name) => describeSource(dir, `src/${name}`));
  writeFileSync(join(dir, BUNDLE_DIR, MANIFEST), JSON.stringify({ sources }));
  return dir;
}

/** Moves a file's mtime without changing its content (a `touch`, a `git checkout`). */
function touch(path: string, secondsLater: number): void {
  const t = Date.now() / 1000 + secondsLater;
  utimesSync(path, t, t);
}

describe('the bundle is current only while its sources are unchanged', () => {
  it('runs when nothing changed, and when only mtimes moved', () => {
    const dir = fakeProject({ 'a.ts': 'export const a = 1;\n', 'b.ts': 'export const b = 2;\n' });
    try {
      assert.equal(bundleStaleReason(dir), null);
      touch(join(dir, 'src/a.ts'), 60);
      assert.equal(bundleStaleReason(dir), null, 'same content under a new mtime is still current');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is stale after an edit that keeps the size, an edit that does not, or a deleted file', () => {
    const dir = fakeProject({ 'a.ts': 'export const a = 1;\n', 'b.ts': 'export const b = 2;\n' });
    try {
      writeFileSync(join(dir, 'src/a.ts'), 'export const a = 7;\n');
      touch(join(dir, 'src/a.ts'), 60);
      assert.equal(bundleStaleReason(dir), 'src/a.ts changed');
      writeFileSync(join(dir, 'src/a.ts'), 'export const a = 1;\n');
      assert.equal(bundleStaleReason(dir), null, 'the recorded content again: current');
      writeFileSync(join(dir, 'src/b.ts'), 'export const b = 22;\n');
      assert.equal(bundleStaleReason(dir), 'src/b.ts changed');
      unlinkSync(join(dir, 'src/b.ts'));
      assert.equal(bundleStaleReason(dir), 'src/b.ts is gone');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is missing without a manifest or without its entry file', () => {
    const dir = fakeProject({ 'a.ts': 'x\n' });
    try {
      unlinkSync(join(dir, BUNDLE_DIR, BUNDLE_ENTRY));
      assert.match(bundleStaleReason(dir) ?? '', /^no bundle/);
      writeFileSync(join(dir, BUNDLE_DIR, BUNDLE_ENTRY), '');
      unlinkSync(join(dir, BUNDLE_DIR, MANIFEST));
      assert.match(bundleStaleReason(dir) ?? '', /^no bundle/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('for any edits and touches: current exactly when every file has its recorded content', () => {
    // Two letters, two or three long: edits that keep the size (only the hash can see them) are common.
    const content = fc.string({ unit: fc.constantFrom('a', 'b'), minLength: 2, maxLength: 3 });
    const change = fc.record({
      file: fc.nat(2),
      text: fc.option(content, { nil: undefined }),
      touch: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.array(content, { minLength: 3, maxLength: 3 }),
        fc.array(change, { maxLength: 5 }),
        (texts, changes) => {
          const files = Object.fromEntries(texts.map((t, i) => [`f${i}.ts`, t]));
          const dir = fakeProject(files);
          try {
            const now = [...texts];
            for (const [i, c] of changes.entries()) {
              const path = join(dir, 'src', `f${c.file}.ts`);
              if (c.text !== undefined) {
                writeFileSync(path, c.text);
                now[c.file] = c.text;
              }
              if (c.touch) touch(path, 1 + i);
            }
            const unchanged = now.every((t, i) => t === texts[i]);
            assert.equal(bundleStaleReason(dir) === null, unchanged);
          } finally {
            rmSync(dir, { recursive: true, force: true });
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});

/** report.json with its two timing fields (wallSeconds, barsPerSecond) zeroed; fails if either is missing. */
function reportWithoutTimings(dir: string): string {
  const text = readFileSync(join(dir, 'report.json'), 'utf8');
  let found = 0;
  const out = text.replace(/"(wallSeconds|barsPerSecond)":[-0-9.e+]+/g, (_m, key: string) => {
    found++;
    return `"${key}":0`;
  });
  assert.equal(found, 2, `${dir}/report.json: expected wallSeconds and barsPerSecond once each`);
  return out;
}

/** The example grid's backtest of `data` into `out`. */
const backtestArgs = (data: string, out: string): string[] => [
  'backtest',
  '--config',
  join(root, 'examples/sol-grid.yaml'),
  '--data',
  data,
  '--out',
  out,
];

/** Runs a command in the project folder (DEBUG off unless `env` sets it); its stderr, after checking it exited 0. */
function runIn(cmd: string, argv: string[], env: Record<string, string> = {}): string {
  const r = spawnSync(cmd, argv, {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, DEBUG: '', ...env },
  });
  assert.equal(r.status, 0, `${cmd} ${argv.join(' ')} failed:\n${r.stderr}`);
  return r.stderr;
}

/**
 * A bundle of the sources as they are now, beside (not over) dist/cli/: inside the project, so that the packages
 * it leaves external resolve from node_modules. `run.mjs` in it starts the CLI.
 */
async function testBundle(): Promise<string> {
  mkdirSync(join(root, 'dist'), { recursive: true });
  const bundle = mkdtempSync(join(root, 'dist', 'test-'));
  await buildCli(bundle);
  writeFileSync(
    join(bundle, 'run.mjs'),
    `import { main } from './${BUNDLE_ENTRY}';\nprocess.exit(await main(process.argv.slice(2)));\n`,
  );
  return bundle;
}

describe('every runtime and build writes the same report (SOL month)', { timeout: 300_000 }, () => {
  const tmp = mkdtempSync(join(tmpdir(), 'zp-runtimes-'));
  let bundle = '';
  const args = (out: string) =>
    backtestArgs(join(root, 'data/binance/SOLUSDT-spot-1m-2025-03.csv'), join(tmp, out));
  const run = runIn;

  before(async () => {
    bundle = await testBundle();
    run(process.execPath, [join(root, 'bin/zero-perps.js'), ...args('node-ts')], { ZERO_PERPS_SOURCE: 'ts' });
  });
  after(() => {
    rmSync(tmp, { recursive: true, force: true });
    if (bundle) rmSync(bundle, { recursive: true, force: true });
  });

  function assertSameAsNodeTs(out: string): void {
    assert.equal(reportWithoutTimings(join(tmp, out)), reportWithoutTimings(join(tmp, 'node-ts')));
    assert.ok(
      readFileSync(join(tmp, out, 'report.html')).equals(readFileSync(join(tmp, 'node-ts', 'report.html'))),
      `${out}/report.html differs from the TypeScript's on Node`,
    );
  }

  it('the bundle on Node', () => {
    run(process.execPath, [join(bundle, 'run.mjs'), ...args('node-bundle')]);
    assertSameAsNodeTs('node-bundle');
  });

  it('the TypeScript on Bun', { skip: noBun }, () => {
    run(bunBinary, [join(root, 'bin/zero-perps.js'), ...args('bun-ts')], { ZERO_PERPS_SOURCE: 'ts' });
    assertSameAsNodeTs('bun-ts');
  });

  it('the bundle on Bun', { skip: noBun }, () => {
    run(bunBinary, [join(bundle, 'run.mjs'), ...args('bun-bundle')]);
    assertSameAsNodeTs('bun-bundle');
  });

  it(
    '`bun run backtest -- …` runs the CLI on Bun (bunfig.toml), not on the Node in node_modules',
    { skip: noBun },
    () => {
      const stderr = run(bunBinary, ['run', 'backtest', '--', ...args('bun-run').slice(1)], { DEBUG: '1' });
      assert.match(stderr, /zero-perps: bun \d+\.\d+\.\d+, running the/);
      assertSameAsNodeTs('bun-run');
    },
  );
});

// The bundle starts the worker threads it bundled (scripts/build-cli.ts WORKER_ENTRIES), not the TypeScript
// beside the sources, and they compute what the TypeScript's compute: the thread that reads a generic CSV while
// the run goes on and the range thread (a file of 55,000 bars, long enough to start them) and the research pool
// (optimize).
describe('the bundle runs its own worker threads', { timeout: 300_000 }, () => {
  const tmp = mkdtempSync(join(tmpdir(), 'zp-runtimes-thread-'));
  const data = join(tmp, 'bars.csv');
  let bundle = '';
  const args = (out: string) => backtestArgs(data, join(tmp, out));
  // DEBUG on: the backtest then says whether the range ran on its own thread
  const run = (cmd: string, argv: string[], env: Record<string, string> = {}) =>
    runIn(cmd, argv, { DEBUG: '1', ...env });

  before(async () => {
    writeFileSync(
      data,
      formatGenericCsv(generateCandles(RANGE_THREAD_MIN_BARS + 5_000, { seed: 5, startPrice: 150 })),
    );
    bundle = await testBundle();
    run(process.execPath, [join(root, 'bin/zero-perps.js'), ...args('node-ts')], { ZERO_PERPS_SOURCE: 'ts' });
  });
  after(() => {
    rmSync(tmp, { recursive: true, force: true });
    if (bundle) rmSync(bundle, { recursive: true, force: true });
  });

  it('every worker entry is one bundled file that loads no TypeScript, and the bundle starts it', () => {
    for (const entry of WORKER_ENTRIES) {
      const file = entry.split('/').at(-1)?.replace(/\.ts$/, '.js') as string;
      const worker = readFileSync(join(bundle, file), 'utf8');
      assert.doesNotMatch(worker, /(from|import\()\s*["'][^"']*\.ts["']/, `${file} imports a .ts module`);
      const starters = readdirSync(bundle).filter((f) =>
        readFileSync(join(bundle, f), 'utf8').includes(`new URL("./${file}", import.meta.url)`),
      );
      assert.equal(starters.length, 1, `one chunk starts ${file} (${starters.join(', ')})`);
    }
    assert.match(readFileSync(join(bundle, 'range-thread-worker.js'), 'utf8'), /fillRangeSeries/);
    assert.match(readFileSync(join(bundle, 'streamed-load-worker.js'), 'utf8'), /runStreamedParse/);
  });

  /** The bundle's run on `cmd`: streamed (the default for this file), then with the range thread. */
  const threadsRun = (cmd: string, name: string) => {
    const streamed = run(cmd, [join(bundle, 'run.mjs'), ...args(`${name}-streamed`)]);
    assert.match(streamed, /the file is read on a second thread while the run goes on/);
    assert.doesNotMatch(streamed, /gave way/);
    const ranged = run(cmd, [join(bundle, 'run.mjs'), ...args(`${name}-range`)], {
      ZERO_PERPS_STREAMED_LOAD: '0',
    });
    assert.match(ranged, /the blended range runs on a second thread/);
    for (const out of [`${name}-streamed`, `${name}-range`]) {
      assert.equal(reportWithoutTimings(join(tmp, out)), reportWithoutTimings(join(tmp, 'node-ts')), out);
    }
  };

  it("on Node: the threads run and the report is the TypeScript's", () =>
    threadsRun(process.execPath, 'node'));

  it("on Bun: the threads run and the report is the TypeScript's", { skip: noBun }, () =>
    threadsRun(bunBinary, 'bun'),
  );

  it("the research pool from the bundle (optimize, two workers) gives the TypeScript's results", () => {
    const space = join(tmp, 'space.yaml');
    writeFileSync(space, 'grid.stepPct: [0.3, 0.5]\n');
    const month = join(root, 'data/binance/SOLUSDT-spot-1m-2025-03.csv');
    const optimize = (out: string) => [
      'optimize',
      ...['--config', join(root, 'examples/sol-grid.yaml'), '--data', month, '--space', space],
      ...['--folds', '2', '--workers', '2', '--out', join(tmp, out)],
    ];
    run(process.execPath, [join(root, 'bin/zero-perps.js'), ...optimize('opt-ts')], {
      ZERO_PERPS_SOURCE: 'ts',
    });
    run(process.execPath, [join(bundle, 'run.mjs'), ...optimize('opt-bundle')]);
    // the timing figures (wall and CPU seconds) are the only fields that may differ
    const results = (out: string) =>
      readFileSync(join(tmp, out, 'results.json'), 'utf8').replace(
        /"(\w*[sS]econds\w*)": ?[-0-9.e+]+/g,
        '"$1":0',
      );
    assert.match(results('opt-ts'), /"trials": \[/);
    assert.equal(results('opt-bundle'), results('opt-ts'));
  });
});

describe('bin/zero-perps.js picks the bundle or the TypeScript', () => {
  const stale = bundleStaleReason(root);
  const version = (env: Record<string, string>) => {
    const { ZERO_PERPS_SOURCE: _ignored, ...base } = process.env;
    const r = spawnSync(process.execPath, [join(root, 'bin/zero-perps.js'), '--version'], {
      encoding: 'utf8',
      env: { ...base, DEBUG: '1', ...env },
    });
    assert.equal(r.status, 0, r.stderr);
    return r.stderr;
  };

  it(
    'the bundle when dist/cli/ is current',
    { skip: stale ? `dist/cli/ is not current: ${stale}` : false },
    () => {
      assert.match(version({}), /running the bundle/);
    },
  );

  it('the TypeScript when ZERO_PERPS_SOURCE=ts', () => {
    assert.match(version({ ZERO_PERPS_SOURCE: 'ts' }), /running the TypeScript \(ZERO_PERPS_SOURCE=ts\)/);
  });
});
