/**
 * A corpus of bad input, one case per way a user gets it wrong (the classes of issue 16, item 8): flags, config
 * files and fields, data files and their content, funding files for the wrong market, output folders, and API
 * requests. Each case runs the real CLI (`bin/zero-perps.js`, a real process: hangs and stack traces are
 * visible) or sends a real HTTP request, and its outcome is classified:
 *
 * - clear: fails (or, for input that is accepted with a note, succeeds) with a short message that names the
 *   file, field or flag at fault, and no stack trace;
 * - crashed: a stack trace or a death by signal;
 * - unclear: fails, but the message does not name what is wrong, or says "unexpected failure",
 *   "[object Object]", or "got null" for a NaN;
 * - hung: no exit within the time limit;
 * - silently wrong: succeeds without a word where it must fail or warn.
 *
 * Used by test/fuzz/bad-input.test.ts (every case must be clear) and scripts/bad-input-census.ts (counts per class,
 * run against any checkout to compare before and after).
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export type Outcome = 'clear' | 'crashed' | 'unclear' | 'hung' | 'silently wrong';

export interface CliCase {
  id: string;
  kind: 'cli';
  /** The input class (for the census). */
  cls: string;
  /** Arguments after `zero-perps`; `{d}` is the fixture folder. */
  args: string[];
  /** 'fail': must exit non-zero naming `mention`; 'note': must succeed and print `mention`. */
  expect: 'fail' | 'note';
  mention: RegExp;
  timeoutMs?: number;
  /** Must run as its own process (it could block a thread for good, or starts a runner). */
  process?: boolean;
}

export interface ApiCase {
  id: string;
  kind: 'api';
  cls: string;
  method: string;
  /** Raw request path (not normalised). */
  path: string;
  body?: string;
  headers?: Record<string, string>;
  /** The status a clear answer has. */
  status: number;
  mention: RegExp;
}

export type Case = CliCase | ApiCase;

export interface Result {
  id: string;
  cls: string;
  outcome: Outcome;
  detail: string;
}

const SOL_DATA = 'data/binance/SOLUSDT-spot-1m-2025-03.csv';
const DRIFT_FUNDING = 'data/drift/funding/drift-perp.json';

/** Writes the fixture files the cases name into `d`. `root` is the checkout whose data/ is copied from. */
export function writeFixtures(root: string, d: string): void {
  mkdirSync(d, { recursive: true });
  const sol = readFileSync(join(root, SOL_DATA), 'utf8').split('\n');
  const head = sol[0] as string;
  const rows = sol.slice(1, 1441).filter((l) => l.trim() !== ''); // a day of 1-minute bars
  const w = (name: string, text: string) => writeFileSync(join(d, name), text);
  w('sol.csv', [head, ...rows].join('\n'));
  // Prices a billion times too small (a quote in the wrong unit): every price rounds to 0 on SOL's tick.
  w(
    'sol-tiny.csv',
    [
      head,
      ...rows.map((r) => {
        const [t, ...v] = r.split(',');
        return [t, ...v.slice(0, 4).map((x) => (Number(x) * 1e-9).toExponential(6)), v[4]].join(',');
      }),
    ].join('\n'),
  );
  // Rows in a random (seeded) order.
  const shuffled = [...rows];
  let seed = 7;
  for (let i = shuffled.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    const j = seed % (i + 1);
    [shuffled[i], shuffled[j]] = [shuffled[j] as string, shuffled[i] as string];
  }
  w('sol-shuffled.csv', [head, ...shuffled].join('\n'));
  w('empty.csv', '');
  w('header-only.csv', `${head}\n`);
  w(
    'garbage.csv',
    Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 37 + 11) % 256)).toString('latin1'),
  );
  w('nan.csv', [head, rows[0], (rows[1] as string).replace(/,[\d.]+,/, ',NaN,'), rows[2]].join('\n'));
  w(
    'negative.csv',
    [head, rows[0], (rows[1] as string).replace(/^([^,]+),[\d.]+/, '$1,-147.3'), rows[2]].join('\n'),
  );
  w('semicolon.csv', [head, ...rows.slice(0, 50)].join('\n').replaceAll(',', ';'));
  w(
    'missing-column.csv',
    ['timestamp,open,high,low', ...rows.slice(0, 50).map((r) => r.split(',').slice(0, 4).join(','))].join(
      '\n',
    ),
  );
  w('sol.json', JSON.stringify({ candles: [{ nope: 1 }] }));
  // Funding: DRIFT-PERP's Drift file (market 30) and a Binance CSV for BTC.
  w('drift-funding.json', readFileSync(join(root, DRIFT_FUNDING), 'utf8'));
  w(
    'btc-funding.csv',
    [
      'timestamp,symbol,funding_rate',
      '2025-03-01 00:00:00,BTCUSDT,0.0001',
      '2025-03-01 08:00:00,BTCUSDT,0.0001',
    ].join('\n'),
  );
  // Configs.
  const grid = (extra: string) => `name: g\nstrategy: grid\nmarket: SOL-PERP\ncollateral: 1000\n${extra}`;
  w('grid.yaml', grid(''));
  w('tiny-size.yaml', grid('grid: {baseSizePerLevel: 1.0e-12}\n'));
  w('tiny-spread.yaml', 'name: s\nstrategy: spread\ncollateral: 1000\nspread: {driftQuantity: 1.0e-12}\n');
  w('nan.yaml', 'name: g\nstrategy: grid\nmarket: SOL-PERP\ncollateral: .nan\n');
  w('inf.yaml', grid('risk: {maxNotional: .inf}\n'));
  w('nan-field.yaml', grid('grid: {stepPct: .nan}\n'));
  w('bad-syntax.yaml', 'name: g\nstrategy: [grid\n');
  w('unknown-field.yaml', grid('colateral: 5\n'));
  w('typo-section.yaml', grid('risk: {maxLeverag: 2}\n'));
  w('dup-keys.yaml', grid('collateral: 5\n'));
  w(
    'alias-bomb.yaml',
    `a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n`,
  );
  w('list.yaml', '- name: g\n- strategy: grid\n');
  w('empty.yaml', '');
  w('null.yaml', '~\n');
  w('bad.json', '{"name": "g", ');
  w('binary.yaml', Buffer.from([0, 1, 2, 255, 254, 0, 10]).toString('latin1'));
  w('wrong-market.yaml', grid('').replace('SOL-PERP', 'ETHX-PERP'));
  w('spread-market.yaml', 'name: s\nstrategy: spread\nmarkets: [SOL-PERP, KMNO-PERP]\ncollateral: 1000\n');
  w('string-number.yaml', grid('').replace('collateral: 1000', 'collateral: "1000"'));
  w('huge-levels.yaml', grid('grid: {levels: 1000000}\n'));
  w('neg-collateral.yaml', grid('').replace('collateral: 1000', 'collateral: -1'));
  w('exit-above-entry.yaml', 'name: s\nstrategy: spread\ncollateral: 1000\nspread: {entryZ: 1, exitZ: 2}\n');
  w('pause-below-max-vol.yaml', grid('risk: {maxVolatility: 3, pauseVolatility: 2}\n'));
  w('spread.yaml', 'name: s\nstrategy: spread\ncollateral: 1000\n');
  w('dup-a.yaml', grid(''));
  w('dup-b.yaml', grid('').replace('collateral: 1000', 'collateral: 500'));
  mkdirSync(join(d, 'a-folder'), { recursive: true });
  w('out-file', 'a file, not a folder');
  execFileSync('mkfifo', [join(d, 'fifo.csv')]);
  execFileSync('mkfifo', [join(d, 'fifo.yaml')]);
  try {
    symlinkSync(join(d, 'nowhere.csv'), join(d, 'dangling.csv'));
  } catch {
    // exists
  }
}

const BT = (config: string, ...rest: string[]) => ['backtest', '--config', `{d}/${config}`, ...rest];
const OUT = ['--out', '{d}/out'];

export const CLI_CASES: CliCase[] = [
  // Commands and flags.
  {
    id: 'unknown command',
    kind: 'cli',
    cls: 'flag',
    args: ['bakctest'],
    expect: 'fail',
    mention: /unknown command "bakctest"/,
  },
  {
    id: 'prototype command name',
    kind: 'cli',
    cls: 'flag',
    args: ['constructor'],
    expect: 'fail',
    mention: /unknown command "constructor"/,
  },
  {
    id: 'unknown flag',
    kind: 'cli',
    cls: 'flag',
    args: [...BT('grid.yaml'), '--dat', 'x'],
    expect: 'fail',
    mention: /--dat/,
  },
  {
    id: 'flag without value',
    kind: 'cli',
    cls: 'flag',
    args: ['backtest', '--config'],
    expect: 'fail',
    mention: /--config/,
  },
  {
    id: 'backtest without --data',
    kind: 'cli',
    cls: 'flag',
    args: BT('grid.yaml'),
    expect: 'fail',
    mention: /--data/,
  },
  {
    id: 'backtest without --config',
    kind: 'cli',
    cls: 'flag',
    args: ['backtest', '--data', '{d}/sol.csv'],
    expect: 'fail',
    mention: /--config/,
  },
  {
    id: '--from nonsense',
    kind: 'cli',
    cls: 'flag',
    args: [...BT('grid.yaml', '--data', '{d}/sol.csv'), '--from', 'yesterday'],
    expect: 'fail',
    mention: /--from/,
  },
  {
    id: '--from after --to',
    kind: 'cli',
    cls: 'flag',
    args: [...BT('grid.yaml', '--data', '{d}/sol.csv'), '--from', '2025-03-02', '--to', '2025-03-01'],
    expect: 'fail',
    mention: /--from/,
  },
  {
    id: 'window without bars',
    kind: 'cli',
    cls: 'flag',
    args: [...BT('grid.yaml', '--data', '{d}/sol.csv'), '--from', '2030-01-01'],
    expect: 'fail',
    mention: /--from\/--to|window/,
  },
  {
    id: '--sample 0',
    kind: 'cli',
    cls: 'flag',
    args: [...BT('grid.yaml', '--data', '{d}/sol.csv'), '--sample', '0'],
    expect: 'fail',
    mention: /--sample/,
  },
  {
    id: '--sample 1e3',
    kind: 'cli',
    cls: 'flag',
    args: [...BT('grid.yaml', '--data', '{d}/sol.csv'), '--sample', 'abc'],
    expect: 'fail',
    mention: /--sample/,
  },
  {
    id: '--spread-bps NaN',
    kind: 'cli',
    cls: 'flag',
    args: [...BT('grid.yaml', '--data', '{d}/sol.csv'), '--spread-bps', 'NaN'],
    expect: 'fail',
    mention: /--spread-bps/,
  },
  {
    id: 'start --port abc',
    kind: 'cli',
    cls: 'flag',
    args: ['start', '--port', 'abc'],
    expect: 'fail',
    mention: /--port/,
  },
  {
    id: 'start --port 70000',
    kind: 'cli',
    cls: 'flag',
    args: ['start', '--port', '70000'],
    expect: 'fail',
    mention: /--port/,
  },
  {
    id: 'start --speed -1',
    kind: 'cli',
    cls: 'flag',
    args: ['start', '--speed', '-1'],
    expect: 'fail',
    mention: /--speed/,
  },
  {
    id: 'start --speed tiny',
    kind: 'cli',
    cls: 'flag',
    args: ['start', '--speed', '1e-9'],
    expect: 'fail',
    mention: /--speed/,
  },
  {
    id: 'start --mode test',
    kind: 'cli',
    cls: 'flag',
    args: ['start', '--mode', 'test'],
    expect: 'fail',
    mention: /--mode/,
  },
  {
    id: 'start --log-level loud',
    kind: 'cli',
    cls: 'flag',
    args: ['start', '--log-level', 'loud'],
    expect: 'fail',
    mention: /--log-level/,
  },
  {
    id: 'start positional',
    kind: 'cli',
    cls: 'flag',
    args: ['start', 'grid.yaml'],
    expect: 'fail',
    mention: /grid\.yaml|positional|argument/,
  },
  {
    id: 'start --retain soon',
    kind: 'cli',
    cls: 'flag',
    args: ['start', '--retain', 'soon'],
    expect: 'fail',
    mention: /--retain/,
  },
  {
    id: 'db prune bad age',
    kind: 'cli',
    cls: 'flag',
    args: ['db', 'prune', '--older-than', 'a month'],
    expect: 'fail',
    mention: /--older-than/,
  },
  { id: 'db unknown', kind: 'cli', cls: 'flag', args: ['db', 'vacuum'], expect: 'fail', mention: /vacuum/ },
  {
    id: 'init bad strategy',
    kind: 'cli',
    cls: 'flag',
    args: ['init', '{d}/new.yaml', '--strategy', 'dca'],
    expect: 'fail',
    mention: /--strategy/,
  },
  {
    id: 'init bad collateral',
    kind: 'cli',
    cls: 'flag',
    args: ['init', '{d}/new.yaml', '--collateral', '-5'],
    expect: 'fail',
    mention: /--collateral/,
  },
  {
    id: 'validate nothing',
    kind: 'cli',
    cls: 'flag',
    args: ['validate'],
    expect: 'fail',
    mention: /config file/,
  },

  // Config files that cannot be read as a config.
  {
    id: 'config missing',
    kind: 'cli',
    cls: 'config file',
    args: BT('nope.yaml', '--data', '{d}/sol.csv'),
    expect: 'fail',
    mention: /nope\.yaml: file not found/,
  },
  {
    id: 'config is a folder',
    kind: 'cli',
    cls: 'config file',
    args: BT('a-folder', '--data', '{d}/sol.csv'),
    expect: 'fail',
    mention: /a-folder/,
  },
  {
    id: 'config is a FIFO',
    kind: 'cli',
    cls: 'config file',
    args: BT('fifo.yaml', '--data', '{d}/sol.csv'),
    expect: 'fail',
    mention: /fifo\.yaml/,
    timeoutMs: 8000,
    process: true,
  },
  {
    id: 'config from stdin device',
    kind: 'cli',
    cls: 'config file',
    args: ['backtest', '--config', '/dev/stdin', '--data', '{d}/sol.csv'],
    expect: 'fail',
    mention: /\/dev\/stdin/,
    timeoutMs: 8000,
    process: true,
  },
  {
    id: 'config bad YAML',
    kind: 'cli',
    cls: 'config file',
    args: BT('bad-syntax.yaml', '--data', '{d}/sol.csv'),
    expect: 'fail',
    mention: /bad-syntax\.yaml:\d+: not valid YAML/,
  },
  {
    id: 'config bad JSON',
    kind: 'cli',
    cls: 'config file',
    args: BT('bad.json', '--data', '{d}/sol.csv'),
    expect: 'fail',
    mention: /bad\.json: not valid JSON/,
  },
  {
    id: 'config binary',
    kind: 'cli',
    cls: 'config file',
    args: BT('binary.yaml', '--data', '{d}/sol.csv'),
    expect: 'fail',
    mention: /binary\.yaml/,
  },
  {
    id: 'config empty',
    kind: 'cli',
    cls: 'config file',
    args: BT('empty.yaml', '--data', '{d}/sol.csv'),
    expect: 'fail',
    mention: /empty\.yaml/,
  },
  {
    id: 'config null',
    kind: 'cli',
    cls: 'config file',
    args: BT('null.yaml', '--data', '{d}/sol.csv'),
    expect: 'fail',
    mention: /null\.yaml/,
  },
  {
    id: 'config list',
    kind: 'cli',
    cls: 'config file',
    args: BT('list.yaml', '--data', '{d}/sol.csv'),
    expect: 'fail',
    mention: /list\.yaml/,
  },
  {
    id: 'config alias bomb',
    kind: 'cli',
    cls: 'config file',
    args: BT('alias-bomb.yaml', '--data', '{d}/sol.csv'),
    expect: 'fail',
    mention: /alias-bomb\.yaml/,
  },
  {
    id: 'config duplicate keys',
    kind: 'cli',
    cls: 'config file',
    args: BT('dup-keys.yaml', '--data', '{d}/sol.csv'),
    expect: 'fail',
    mention: /dup-keys\.yaml:\d+.*collateral|dup-keys\.yaml.*unique/i,
  },

  // Config fields.
  {
    id: 'NaN collateral',
    kind: 'cli',
    cls: 'config field',
    args: BT('nan.yaml', '--data', '{d}/sol.csv'),
    expect: 'fail',
    mention: /collateral.*got NaN/,
  },
  {
    id: 'NaN grid field',
    kind: 'cli',
    cls: 'config field',
    args: BT('nan-field.yaml', '--data', '{d}/sol.csv'),
    expect: 'fail',
    mention: /grid\.stepPct.*got NaN/,
  },
  {
    id: 'infinite limit',
    kind: 'cli',
    cls: 'config field',
    args: BT('inf.yaml', '--data', '{d}/sol.csv'),
    expect: 'fail',
    mention: /risk\.maxNotional.*got Infinity/,
  },
  {
    id: 'unknown field',
    kind: 'cli',
    cls: 'config field',
    args: BT('unknown-field.yaml', '--data', '{d}/sol.csv'),
    expect: 'fail',
    mention: /colateral: unknown field/,
  },
  {
    id: 'typo in a section',
    kind: 'cli',
    cls: 'config field',
    args: BT('typo-section.yaml', '--data', '{d}/sol.csv'),
    expect: 'fail',
    mention: /risk\.maxLeverag/,
  },
  {
    id: 'unknown market',
    kind: 'cli',
    cls: 'config field',
    args: BT('wrong-market.yaml', '--data', '{d}/sol.csv'),
    expect: 'fail',
    mention: /market:.*ETHX-PERP/,
  },
  {
    id: 'spread on the wrong pair',
    kind: 'cli',
    cls: 'config field',
    args: BT('spread-market.yaml', '--data', '{d}/sol.csv'),
    expect: 'fail',
    mention: /markets:/,
  },
  {
    id: 'number as text',
    kind: 'cli',
    cls: 'config field',
    args: BT('string-number.yaml', '--data', '{d}/sol.csv'),
    expect: 'fail',
    mention: /collateral/,
  },
  {
    id: 'levels out of range',
    kind: 'cli',
    cls: 'config field',
    args: BT('huge-levels.yaml', '--data', '{d}/sol.csv'),
    expect: 'fail',
    mention: /grid\.levels/,
  },
  {
    id: 'negative collateral',
    kind: 'cli',
    cls: 'config field',
    args: BT('neg-collateral.yaml', '--data', '{d}/sol.csv'),
    expect: 'fail',
    mention: /collateral/,
  },
  {
    id: 'exitZ above entryZ',
    kind: 'cli',
    cls: 'config field',
    args: ['validate', '{d}/exit-above-entry.yaml'],
    expect: 'fail',
    mention: /spread\.exitZ/,
  },
  {
    id: 'pauseVolatility below maxVolatility',
    kind: 'cli',
    cls: 'config field',
    args: ['validate', '{d}/pause-below-max-vol.yaml'],
    expect: 'fail',
    mention: /risk\.pauseVolatility/,
  },
  {
    id: 'size below the minimum order',
    kind: 'cli',
    cls: 'config field',
    args: BT('tiny-size.yaml', '--data', '{d}/sol.csv', ...OUT),
    expect: 'fail',
    mention: /grid\.baseSizePerLevel.*minimum order/,
  },
  {
    id: 'spread leg below the minimum order',
    kind: 'cli',
    cls: 'config field',
    args: ['validate', '{d}/tiny-spread.yaml'],
    expect: 'fail',
    mention: /spread\.driftQuantity.*minimum order/,
  },
  {
    id: 'two files, one bot name',
    kind: 'cli',
    cls: 'config field',
    args: ['validate', '{d}/dup-a.yaml', '{d}/dup-b.yaml'],
    expect: 'fail',
    mention: /dup-b\.yaml: name: "g" is also the bot name in .*dup-a\.yaml/,
  },
  {
    id: 'start with two files of one name',
    kind: 'cli',
    cls: 'config field',
    args: ['start', '--config', '{d}/dup-a.yaml', '--config', '{d}/dup-b.yaml', '--port', '0'],
    expect: 'fail',
    mention: /dup-b\.yaml: name: "g" is also/,
  },

  // Data files that cannot be read as data.
  {
    id: 'data missing',
    kind: 'cli',
    cls: 'data file',
    args: BT('grid.yaml', '--data', '{d}/nope.csv'),
    expect: 'fail',
    mention: /nope\.csv:0: file not found/,
  },
  {
    id: 'data is a folder',
    kind: 'cli',
    cls: 'data file',
    args: BT('grid.yaml', '--data', '{d}/a-folder'),
    expect: 'fail',
    mention: /a-folder/,
  },
  {
    id: 'data is a FIFO',
    kind: 'cli',
    cls: 'data file',
    args: BT('grid.yaml', '--data', '{d}/fifo.csv'),
    expect: 'fail',
    mention: /fifo\.csv/,
    timeoutMs: 8000,
    process: true,
  },
  {
    id: 'data from stdin',
    kind: 'cli',
    cls: 'data file',
    args: BT('grid.yaml', '--data', '/dev/stdin'),
    expect: 'fail',
    mention: /\/dev\/stdin/,
    timeoutMs: 8000,
    process: true,
  },
  {
    id: 'data dangling link',
    kind: 'cli',
    cls: 'data file',
    args: BT('grid.yaml', '--data', '{d}/dangling.csv'),
    expect: 'fail',
    mention: /dangling\.csv/,
  },
  {
    id: 'data empty',
    kind: 'cli',
    cls: 'data file',
    args: BT('grid.yaml', '--data', '{d}/empty.csv'),
    expect: 'fail',
    mention: /empty\.csv/,
  },
  {
    id: 'data header only',
    kind: 'cli',
    cls: 'data file',
    args: BT('grid.yaml', '--data', '{d}/header-only.csv'),
    expect: 'fail',
    mention: /header-only\.csv/,
  },
  {
    id: 'data garbage',
    kind: 'cli',
    cls: 'data file',
    args: BT('grid.yaml', '--data', '{d}/garbage.csv'),
    expect: 'fail',
    mention: /garbage\.csv/,
  },
  {
    id: 'data wrong JSON shape',
    kind: 'cli',
    cls: 'data file',
    args: BT('grid.yaml', '--data', '{d}/sol.json'),
    expect: 'fail',
    mention: /sol\.json/,
  },
  {
    id: 'data semicolons',
    kind: 'cli',
    cls: 'data file',
    args: BT('grid.yaml', '--data', '{d}/semicolon.csv'),
    expect: 'fail',
    mention: /semicolon\.csv/,
  },
  {
    id: 'data missing column',
    kind: 'cli',
    cls: 'data file',
    args: BT('grid.yaml', '--data', '{d}/missing-column.csv'),
    expect: 'fail',
    mention: /missing-column\.csv/,
  },

  // Data content.
  {
    id: 'a NaN price',
    kind: 'cli',
    cls: 'data content',
    args: BT('grid.yaml', '--data', '{d}/nan.csv'),
    expect: 'fail',
    mention: /nan\.csv:3/,
  },
  {
    id: 'a negative price',
    kind: 'cli',
    cls: 'data content',
    args: BT('grid.yaml', '--data', '{d}/negative.csv'),
    expect: 'fail',
    mention: /negative\.csv:3/,
  },
  {
    id: 'prices of 1e-7',
    kind: 'cli',
    cls: 'data content',
    args: BT('grid.yaml', '--data', '{d}/sol-tiny.csv', ...OUT),
    expect: 'fail',
    mention: /sol-tiny\.csv.*tick/,
  },
  {
    id: 'rows out of order',
    kind: 'cli',
    cls: 'data content',
    args: BT('grid.yaml', '--data', '{d}/sol-shuffled.csv', ...OUT),
    expect: 'note',
    mention: /sol-shuffled\.csv: .*out of order/,
  },
  {
    id: 'data for an untraded market',
    kind: 'cli',
    cls: 'data content',
    args: BT('grid.yaml', '--data', 'BTC-PERP={d}/sol.csv'),
    expect: 'fail',
    mention: /BTC-PERP/,
  },
  {
    id: 'spread data without market',
    kind: 'cli',
    cls: 'data content',
    args: BT('spread.yaml', '--data', '{d}/sol.csv'),
    expect: 'fail',
    mention: /DRIFT-PERP=/,
  },

  // Funding files.
  {
    id: 'DRIFT funding for KMNO',
    kind: 'cli',
    cls: 'funding',
    args: BT(
      'spread.yaml',
      '--data',
      'DRIFT-PERP={r}/data/drift/price/drift_1h_90days.json',
      '--data',
      'KMNO-PERP={r}/data/drift/price/kmno_1h_90days.json',
      '--funding',
      'KMNO-PERP={d}/drift-funding.json',
      ...OUT,
    ),
    expect: 'fail',
    mention: /drift-funding\.json.*DRIFT-PERP|drift-funding\.json.*market 30/,
  },
  {
    id: 'BTC funding for SOL',
    kind: 'cli',
    cls: 'funding',
    args: BT('grid.yaml', '--data', '{d}/sol.csv', '--funding', '{d}/btc-funding.csv', ...OUT),
    expect: 'fail',
    mention: /btc-funding\.csv.*BTCUSDT/,
  },
  {
    id: 'price file as funding',
    kind: 'cli',
    cls: 'funding',
    args: BT('grid.yaml', '--data', '{d}/sol.csv', '--funding', '{d}/sol.csv'),
    expect: 'fail',
    mention: /--funding .*sol\.csv/,
  },
  {
    id: 'funding file as data',
    kind: 'cli',
    cls: 'funding',
    args: BT('grid.yaml', '--data', '{d}/drift-funding.json'),
    expect: 'fail',
    mention: /drift-funding\.json/,
  },

  // Output.
  {
    id: '--out is a file',
    kind: 'cli',
    cls: 'output',
    args: [...BT('grid.yaml', '--data', '{d}/sol.csv'), '--out', '{d}/out-file'],
    expect: 'fail',
    mention: /--out .*out-file/,
  },
  {
    id: '--out cannot be written',
    kind: 'cli',
    cls: 'output',
    args: [...BT('grid.yaml', '--data', '{d}/sol.csv'), '--out', '/proc/zp-report'],
    expect: 'fail',
    mention: /--out .*\/proc\/zp-report/,
  },
  {
    id: 'init over a folder',
    kind: 'cli',
    cls: 'output',
    args: ['init', '{d}/a-folder', '--force'],
    expect: 'fail',
    mention: /a-folder/,
  },
];

export const API_CASES: ApiCase[] = [
  {
    id: 'bad %-encoding in the id',
    kind: 'api',
    cls: 'api',
    method: 'GET',
    path: '/api/bots/%E0%A4%A',
    status: 400,
    mention: /encoding/,
  },
  {
    id: 'a lone %',
    kind: 'api',
    cls: 'api',
    method: 'GET',
    path: '/api/bots/sol-grid%/fills',
    status: 400,
    mention: /encoding/,
  },
  {
    id: 'cursor out of range',
    kind: 'api',
    cls: 'api',
    method: 'GET',
    path: `/api/bots/sol-grid/fills?before=${Buffer.from('[1e20,"x"]').toString('base64url')}`,
    status: 400,
    mention: /before/,
  },
  {
    id: 'cursor with a NUL',
    kind: 'api',
    cls: 'api',
    method: 'GET',
    path: `/api/bots/sol-grid/fills?before=${Buffer.from('[1,"a\\u0000"]').toString('base64url')}`,
    status: 400,
    mention: /before/,
  },
  {
    id: 'verdict cursor too big',
    kind: 'api',
    cls: 'api',
    method: 'GET',
    path: `/api/bots/sol-grid/verdicts?before=${Buffer.from('"99999999999999999999999"').toString('base64url')}`,
    status: 400,
    mention: /before/,
  },
  {
    id: 'cursor not base64 JSON',
    kind: 'api',
    cls: 'api',
    method: 'GET',
    path: '/api/bots/sol-grid/fills?before=%%%',
    status: 400,
    mention: /before/,
  },
  {
    id: 'limit out of range',
    kind: 'api',
    cls: 'api',
    method: 'GET',
    path: '/api/bots/sol-grid/fills?limit=100000',
    status: 400,
    mention: /limit/,
  },
  {
    id: 'limit not a number',
    kind: 'api',
    cls: 'api',
    method: 'GET',
    path: '/api/bots/sol-grid/verdicts?limit=1e3',
    status: 400,
    mention: /limit/,
  },
  {
    id: 'rebinding Host',
    kind: 'api',
    cls: 'api',
    method: 'GET',
    path: '/api/bots',
    headers: { host: 'evil.example' },
    status: 400,
    mention: /Host/,
  },
  {
    id: 'unknown bot',
    kind: 'api',
    cls: 'api',
    method: 'GET',
    path: '/api/bots/nope',
    status: 404,
    mention: /nope/,
  },
  {
    id: 'unknown route',
    kind: 'api',
    cls: 'api',
    method: 'GET',
    path: '/api/nope',
    status: 404,
    mention: /endpoint/,
  },
  {
    id: 'command without token',
    kind: 'api',
    cls: 'api',
    method: 'POST',
    path: '/api/bots/sol-grid/pause',
    status: 401,
    mention: /Bearer/,
  },
  {
    id: 'bad JSON body',
    kind: 'api',
    cls: 'api',
    method: 'PUT',
    path: '/api/bots/sol-grid/objective',
    body: '{"params":',
    headers: { authorization: 'Bearer TOKEN' },
    status: 400,
    mention: /JSON/,
  },
  {
    id: 'objective field out of range',
    kind: 'api',
    cls: 'api',
    method: 'PUT',
    path: '/api/bots/sol-grid/objective',
    body: '{"params":{"levels":-3}}',
    headers: { authorization: 'Bearer TOKEN' },
    status: 400,
    mention: /params\.levels/,
  },
  {
    id: 'NaN-like objective value',
    kind: 'api',
    cls: 'api',
    method: 'PUT',
    path: '/api/bots/sol-grid/objective',
    body: '{"risk":{"maxLeverage":"NaN"}}',
    headers: { authorization: 'Bearer TOKEN' },
    status: 400,
    mention: /risk\.maxLeverage/,
  },
  {
    id: 'create with a bad field',
    kind: 'api',
    cls: 'api',
    method: 'POST',
    path: '/api/bots',
    body: '{"name":"x","strategy":"grid","market":"SOL-PERP"}',
    headers: { authorization: 'Bearer TOKEN' },
    status: 400,
    mention: /collateral/,
  },
  {
    id: 'method not allowed',
    kind: 'api',
    cls: 'api',
    method: 'PATCH',
    path: '/api/bots/sol-grid',
    headers: { authorization: 'Bearer TOKEN' },
    status: 405,
    mention: /method/,
  },
];

const STACK = /\n\s+at [^\n]+:\d+:\d+|Unhandled|node:internal|TypeError|RangeError|ReferenceError/;
const VAGUE = /unexpected failure|\[object Object\]|got null|undefined/;

/** Classifies one CLI run. */
export function classifyCli(
  c: CliCase,
  r: { code: number | null; signal: string | null; out: string; err: string; timedOut: boolean },
): Result {
  const text = `${r.err}\n${r.out}`;
  const tail = text.trim().slice(-300).replace(/\s+/g, ' ');
  const res = (outcome: Outcome, detail: string): Result => ({ id: c.id, cls: c.cls, outcome, detail });
  if (r.timedOut) return res('hung', `no exit within ${(c.timeoutMs ?? 30_000) / 1000} s`);
  if (r.signal || STACK.test(r.err)) return res('crashed', tail);
  if (c.expect === 'note') {
    if (r.code !== 0) return res('unclear', `failed where it should run with a note: ${tail}`);
    return c.mention.test(text) ? res('clear', '') : res('silently wrong', `no note matching ${c.mention}`);
  }
  if (r.code === 0) return res('silently wrong', `exit 0: ${tail}`);
  if (VAGUE.test(r.err)) return res('unclear', tail);
  if (!c.mention.test(r.err)) return res('unclear', `does not name ${c.mention}: ${tail}`);
  if (r.err.trim().split('\n').length > 40) return res('unclear', 'a wall of text');
  return res('clear', '');
}

export function classifyApi(c: ApiCase, r: { status: number; body: string; timedOut: boolean }): Result {
  const res = (outcome: Outcome, detail: string): Result => ({ id: c.id, cls: c.cls, outcome, detail });
  if (r.timedOut) return res('hung', 'no answer');
  if (r.status >= 500) return res('crashed', `${r.status} ${r.body.slice(0, 120)}`);
  if (r.status >= 200 && r.status < 300) return res('silently wrong', `${r.status} ${r.body.slice(0, 120)}`);
  if (r.status !== c.status || !c.mention.test(r.body))
    return res('unclear', `${r.status} ${r.body.slice(0, 160)}`);
  if (/\/(home|tmp|work|root|Users)\//.test(r.body)) return res('unclear', 'an absolute path in the answer');
  return res('clear', '');
}

/** Runs one CLI case as a real process. */
export function runCli(
  bin: string,
  c: CliCase,
  d: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<Result> {
  const args = c.args.map((a) => a.replaceAll('{d}', d).replaceAll('{r}', cwd));
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (b) => {
      out += b;
    });
    child.stderr.on('data', (b) => {
      err += b;
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, c.timeoutMs ?? 30_000);
    // stdin stays open (a terminal would too): reading it must not be how a command ends.
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      child.stdin.destroy();
      resolve(classifyCli(c, { code, signal: timedOut ? null : signal, out, err, timedOut }));
    });
  });
}

/** A case that needs its own process: it may block (FIFO, stdin), or it starts a runner. */
export const needsProcess = (c: CliCase): boolean => c.process === true || c.args[0] === 'start';

/**
 * Runs one CLI case in this process through the CLI's `main` (what bin/zero-perps.js calls), capturing what
 * it prints: the same outcome as a process for cases that cannot block a thread, at a fraction of the cost.
 */
export async function runCliInProcess(root: string, c: CliCase, d: string): Promise<Result> {
  const { main } = (await import(join(root, 'src/cli/main.ts'))) as {
    main: (argv: string[]) => Promise<number>;
  };
  const args = c.args.map((a) => a.replaceAll('{d}', d).replaceAll('{r}', root));
  const saved = { log: console.log, error: console.error, warn: console.warn };
  let out = '';
  let err = '';
  console.log = (...a: unknown[]) => {
    out += `${a.map(String).join(' ')}\n`;
  };
  console.error = (...a: unknown[]) => {
    err += `${a.map((x) => (x instanceof Error ? (x.stack ?? String(x)) : String(x))).join(' ')}\n`;
  };
  console.warn = console.error;
  let code: number | null;
  try {
    code = await main(args);
  } catch (e) {
    code = 1;
    err += `${(e as Error)?.stack ?? e}\n`;
  } finally {
    Object.assign(console, saved);
  }
  return classifyCli(c, { code, signal: null, out, err, timedOut: false });
}

/** Sends one API case to a running server (`token` replaces TOKEN in headers). */
export async function runApi(base: string, token: string, c: ApiCase): Promise<Result> {
  const { request } = await import('node:http');
  const u = new URL(base);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  for (const [k, v] of Object.entries(c.headers ?? {})) headers[k] = v.replace('TOKEN', token);
  return new Promise((resolve) => {
    const req = request(
      { host: u.hostname, port: u.port, path: c.path, method: c.method, headers },
      (res) => {
        let body = '';
        res.on('data', (b) => {
          body += b;
        });
        res.on('end', () => resolve(classifyApi(c, { status: res.statusCode ?? 0, body, timedOut: false })));
      },
    );
    req.setTimeout(10_000, () => {
      req.destroy();
      resolve(classifyApi(c, { status: 0, body: '', timedOut: true }));
    });
    req.on('error', (e) => resolve({ id: c.id, cls: c.cls, outcome: 'crashed', detail: String(e) }));
    if (c.body !== undefined) req.write(c.body);
    req.end();
  });
}

/** Runs cases with at most `parallel` at once, in order of the results. */
export async function runAll<T, R>(
  items: readonly T[],
  parallel: number,
  fn: (t: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      for (;;) {
        const i = next++;
        if (i >= items.length) return;
        out[i] = await fn(items[i] as T);
      }
    }),
  );
  return out;
}

export function counts(results: readonly Result[]): string {
  const n = (o: Outcome) => results.filter((r) => r.outcome === o).length;
  return `${n('clear')} clear / ${n('crashed')} crashed / ${n('unclear')} unclear / ${n('hung')} hung / ${n('silently wrong')} silently wrong`;
}
