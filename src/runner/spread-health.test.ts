/**
 * The spread bot's EMERGENCY is persisted and only an operator leaves it — through the API, the CLI (`zero-perps
 * bot reset-health`, against a running runner or, with none, the database) or the dashboard button (which posts
 * the API command; the browser test clicks it). `auto` leg sizes are chosen once and fixed in the objective.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type ApiServer, startApiServer } from '../api/server.ts';
import { createLogger } from '../log/logger.ts';
import { paperReplayFactory } from '../modes/paper.ts';
import { type Db, decodeJson, openDb } from '../store/index.ts';
import { type HealthState, initialHealth, nextHealth } from '../strategies/spread/health.ts';
import { spreadParams } from '../strategies/spread/params.ts';
import { loadBotRecord, saveHealth } from './bot-records.ts';
import { RunnerMetrics } from './metrics.ts';
import { Runner } from './runner.ts';
import { BIN, ROOT } from './test-support/child-runner.ts';

const TOKEN = 'health-test-token';
const dir = mkdtempSync(join(tmpdir(), 'zp-spread-health-'));
const DATA_DIR = join(dir, 'db');
const SPREAD = {
  name: 'pair',
  strategy: 'spread',
  collateral: 1000,
  spread: { driftQuantity: 'auto', kmnoQuantity: 'auto', cycleIntervalSec: 3600, window: 48 },
};
const GRID = { name: 'grid', strategy: 'grid', market: 'SOL-PERP', collateral: 1000 };

const emergency = (): HealthState =>
  nextHealth(
    initialHealth(),
    { type: 'RISK_BREACH', detail: 'A_liquidation_buffer: inside the buffer' },
    spreadParams({}),
  );

function newRunner(db: Db): Runner {
  return new Runner({
    db,
    mode: 'paper',
    openBot: paperReplayFactory({ speed: 3600, loop: true }),
    metrics: new RunnerMetrics(),
    logger: (botId) => createLogger({ write: () => {}, botId }),
  });
}

async function storedHealth(db: Db, id: string): Promise<HealthState | null> {
  const row = (
    await db.query<{ health: unknown }>('select health from runner_bots where bot_id = $1', [id])
  )[0];
  return row?.health ? decodeJson<HealthState>(row.health) : null;
}

/** The CLI as a child process, asynchronously: the API it may call is served by this very process. */
function cli(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      {
        cwd: ROOT,
        env: { ...process.env, ZERO_PERPS_PGLITE_DIR: DATA_DIR, DATABASE_URL: '', API_TOKEN: '', ...env },
        encoding: 'utf8',
        timeout: 60_000,
      },
      (err, stdout, stderr) => resolve({ status: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('spread health: persisted EMERGENCY, reset by API and CLI; auto sizes fixed once', () => {
  let db: Db;
  let runner: Runner;
  let api: ApiServer;

  before(async () => {
    db = await openDb({ url: '', dataDir: DATA_DIR });
    runner = newRunner(db);
    await runner.ensureBots([
      { raw: SPREAD, source: 'test' },
      { raw: GRID, source: 'test' },
    ]);
    await runner.openAll();
    api = await startApiServer({ runner, token: TOKEN, port: 0 });
  });

  after(async () => {
    await api?.close();
    await runner?.stop().catch(() => {});
    await db?.close().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  });

  it('resolves auto sizes at the first prices and fixes them in a new objective version', async () => {
    const record = await loadBotRecord(db, 'pair');
    assert.ok(record?.config.strategy === 'spread');
    const s = record.config.spread;
    assert.equal(typeof s.driftQuantity, 'number', 'no longer auto');
    assert.equal(typeof s.kmnoQuantity, 'number');
    assert.ok((s.driftQuantity as number) > 0 && (s.kmnoQuantity as number) > 0);
    assert.equal(record.objectiveVersion, 2);
    assert.deepEqual(runner.session('pair')?.engine.params().driftQuantity, s.driftQuantity);
  });

  it('an EMERGENCY is written with the tick, survives a restart, and the API resets it', async () => {
    const spread = runner.session('pair')?.engine.spread;
    assert.ok(spread);
    // What decide does when the cycle's health changes: the runner's hook records it.
    spread.restoreHealth(emergency());
    spread.onHealthChange?.(spread.health);
    await runner.flush();
    assert.equal((await storedHealth(db, 'pair'))?.status, 'EMERGENCY');

    // Restart: a new runner on the same database opens the bot in EMERGENCY.
    await api.close();
    await runner.stop();
    runner = newRunner(db);
    await runner.openAll();
    api = await startApiServer({ runner, token: TOKEN, port: 0 });
    const detail = await (await fetch(`${api.url}/api/bots/pair`)).json();
    assert.equal(detail.spread.health, 'EMERGENCY');
    assert.match(detail.spread.healthReason, /risk breach/);

    const unauth = await fetch(`${api.url}/api/bots/pair/reset-health`, { method: 'POST' });
    assert.equal(unauth.status, 401);
    const grid = await fetch(`${api.url}/api/bots/grid/reset-health`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    assert.equal(grid.status, 409, 'a grid bot has no health state');
    const res = await fetch(`${api.url}/api/bots/pair/reset-health`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    assert.equal(res.status, 200);
    assert.equal((await res.json()).spread.health, 'HEALTHY');
    await runner.flush();
    assert.equal((await storedHealth(db, 'pair'))?.status, 'HEALTHY');
  });

  it('the CLI resets through a running runner’s API', async () => {
    const spread = runner.session('pair')?.engine.spread;
    assert.ok(spread);
    spread.restoreHealth(emergency());
    const noToken = await cli(['bot', 'reset-health', 'pair', '--url', api.url]);
    assert.equal(noToken.status, 2);
    assert.match(noToken.stderr, /set API_TOKEN/);
    const r = await cli(['bot', 'reset-health', 'pair', '--url', api.url], { API_TOKEN: TOKEN });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /pair: health reset by the runner .* \(was EMERGENCY\)/);
    assert.equal(spread.health.status, 'HEALTHY');
  });

  it('with no runner up, the CLI resets the stored state for the next start', async () => {
    await saveHealth(db, 'pair', emergency());
    await api.close();
    await runner.stop();
    await db.close(); // PGlite is one process at a time: the CLI opens the folder itself
    const r = await cli(['bot', 'reset-health', 'pair', '--url', 'http://127.0.0.1:9']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /pair: health reset in the database/);
    const unknown = await cli(['bot', 'reset-health', 'nope', '--url', 'http://127.0.0.1:9']);
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /no bot "nope"/);
    db = await openDb({ url: '', dataDir: DATA_DIR });
    assert.equal((await storedHealth(db, 'pair'))?.status, 'HEALTHY');
    runner = newRunner(db);
    await runner.openAll();
    api = await startApiServer({ runner, token: TOKEN, port: 0 });
    assert.equal(runner.session('pair')?.engine.spread?.health.status, 'HEALTHY');
  });
});
