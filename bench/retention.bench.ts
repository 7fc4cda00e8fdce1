/**
 * Database growth per bot-day, and the bound retention puts on it. The demo's two bots (SOL grid on 1-minute
 * bars, DRIFT/KMNO spread on hourly bars) run in one in-process Runner on a real PGlite folder, paced by a
 * virtual wall clock at the demo's 1800× (a tick = 250 ms = 7.5 minutes of data), so days of data take
 * seconds. Phase 1 keeps everything and measures bytes per bot-day of data time, per table, per bot and for
 * the whole folder (WAL included). Phase 2 runs with a 2-day retention and reports the folder after 8 and
 * after 16 days: the bound (flat once the window is full).
 * Run alone: `npm run bench retention`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readConfigFile } from '../src/config/read-config-file.ts';
import { createLogger } from '../src/log/logger.ts';
import { paperReplayFactory } from '../src/modes/paper.ts';
import { RunnerMetrics } from '../src/runner/metrics.ts';
import { Runner } from '../src/runner/runner.ts';
import { type Db, openDb } from '../src/store/index.ts';

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
}

const DAY = 86_400_000;
const TICK_MS = 250;
const SPEED = 1800;
const examples = new URL('../examples/', import.meta.url).pathname;

const folderBytes = (dir: string): number =>
  Number(execFileSync('du', ['-sb', dir], { encoding: 'utf8' }).split('\t')[0]);

async function tableBytes(db: Db): Promise<Map<string, number>> {
  const rows = await db.query<{ t: string; b: string }>(
    `select c.relname as t, pg_total_relation_size(c.oid)::text as b from pg_class c
     join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public' and c.relkind = 'r'`,
  );
  return new Map(rows.map((r) => [r.t, Number(r.b)]));
}

interface Demo {
  db: Db;
  runner: Runner;
  wall: number;
  /** Data days each bot advanced so far, summed over the bots. */
  botDays(): number;
}

async function openDemo(retainMs: number, dir: string): Promise<Demo> {
  const db = await openDb({ url: '', dataDir: dir });
  const runner = new Runner({
    db,
    mode: 'paper',
    openBot: paperReplayFactory({ speed: SPEED, loop: true }),
    metrics: new RunnerMetrics(),
    logger: (botId) => createLogger({ write: () => {}, botId }),
    retainMs,
  });
  const files = ['sol-grid.yaml', 'drift-kmno-spread.yaml'].map((f) => ({
    raw: readConfigFile(join(examples, f)) as Record<string, unknown>,
    source: f,
  }));
  await runner.openAll(await runner.ensureBots(files));
  const start = new Map(runner.sessions().map((s) => [s.id, runner.driver(s.id)?.clock() ?? 0]));
  return {
    db,
    runner,
    wall: Date.now(),
    botDays: () =>
      runner
        .sessions()
        .reduce((sum, s) => sum + ((runner.driver(s.id)?.clock() ?? 0) - (start.get(s.id) ?? 0)) / DAY, 0),
  };
}

/** Advances the demo by `days` of data time. */
async function advance(d: Demo, days: number): Promise<void> {
  const ticks = Math.ceil((days * DAY) / (TICK_MS * SPEED));
  for (let i = 0; i < ticks; i++) {
    d.wall += TICK_MS;
    await d.runner.tickOnce(d.wall);
  }
}

async function perBotBytes(db: Db): Promise<Map<string, number>> {
  const rows = await db.query<{ bot: string; b: string }>(
    `select bot_id as bot, sum(b)::text as b from (
       select bot_id, pg_column_size(j.*) as b from journal j
       union all select bot_id, pg_column_size(o.*) from orders o
       union all select bot_id, pg_column_size(v.*) from risk_verdicts v
       union all select bot_id, pg_column_size(m.*) from perps_margin_snapshots m
       union all select bot_id, pg_column_size(f.*) from perps_funding_snapshots f
       union all select bot_id, pg_column_size(p.*) from perps_positions p
       union all select bot_id, pg_column_size(x.*) from fills x) r group by bot_id`,
  );
  return new Map(rows.map((r) => [r.bot, Number(r.b)]));
}

export async function run(): Promise<BenchResult[]> {
  const root = mkdtempSync(join(tmpdir(), 'zp-retention-'));
  const out: BenchResult[] = [];
  try {
    // Phase 1: everything kept.
    const dir1 = join(root, 'keep');
    const empty = await openDb({ url: '', dataDir: dir1 });
    const before = await tableBytes(empty);
    await empty.close();
    const baseFolder = folderBytes(dir1);
    const p1 = await openDemo(0, dir1);
    await advance(p1, 6);
    const after = await tableBytes(p1.db);
    // In real time the embedded engine checkpoints every minute (6 days of demo take 5 minutes); the virtual
    // clock runs faster than that timer, so checkpoint where it would have.
    await p1.db.query('checkpoint');
    const rowBytes = await perBotBytes(p1.db);
    const days1 = p1.botDays() / 2;
    await p1.runner.stop();
    await p1.db.close();
    const folder = folderBytes(dir1) - baseFolder;
    let tables = 0;
    const perTable: [string, number][] = [];
    for (const [t, b] of after) {
      const grown = b - (before.get(t) ?? 0);
      tables += grown;
      perTable.push([t, grown]);
    }
    perTable.sort((a, b) => b[1] - a[1]);
    const botDays1 = days1 * 2;
    out.push({ name: 'bot-days of data (phase 1, nothing pruned)', value: botDays1, unit: 'bot-days' });
    out.push({ name: 'growth per bot-day: tables', value: tables / botDays1 / 1024, unit: 'KiB/bot-day' });
    for (const [t, b] of perTable.slice(0, 5)) {
      out.push({ name: `  of which ${t}`, value: b / botDays1 / 1024, unit: 'KiB/bot-day' });
    }
    for (const [bot, b] of rowBytes) {
      out.push({ name: `  row data of ${bot}`, value: b / days1 / 1024, unit: 'KiB/bot-day' });
    }
    out.push({
      name: 'growth per bot-day: folder (WAL included)',
      value: folder / botDays1 / 1024,
      unit: 'KiB/bot-day',
    });

    // Phase 2: a 2-day retention. The folder after 8 and after 16 days: flat once the window is full.
    const dir2 = join(root, 'bounded');
    const p2 = await openDemo(2 * DAY, dir2);
    for (const days of [8, 16]) {
      await advance(p2, 8);
      await p2.db.query('checkpoint');
      const tablesNow = [...(await tableBytes(p2.db)).values()].reduce((a, b) => a + b, 0);
      out.push({ name: `tables after ${days} days, 2 kept`, value: tablesNow / 1e6, unit: 'MB' });
      out.push({ name: `folder after ${days} days, 2 kept`, value: folderBytes(dir2) / 1e6, unit: 'MB' });
    }
    await p2.runner.stop();
    await p2.db.close();
    out.push({ name: 'empty folder', value: baseFolder / 1e6, unit: 'MB' });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await run())
    console.log(`${r.name.padEnd(48)} ${r.value.toFixed(1).padStart(10)} ${r.unit}`);
}
