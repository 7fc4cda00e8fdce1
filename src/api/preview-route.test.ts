import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readConfigFile } from '../config/read-config-file.ts';
import { createLogger } from '../log/logger.ts';
import { paperReplayFactory } from '../modes/paper.ts';
import { RunnerMetrics } from '../runner/metrics.ts';
import { Runner } from '../runner/runner.ts';
import { type TestDb, testDb } from '../store/test-support/test-db.ts';
import { type ApiServer, startApiServer } from './server.ts';

const TOKEN = 'preview-token';

interface Prob {
  p: number;
  low: number;
  high: number;
}
interface Body {
  field?: string;
  markets: string[];
  window: { bars: number };
  monteCarlo: {
    paths: number;
    seed: number;
    liquidation: Prob;
    dailyLossTrip: Prob;
    pnlQuantiles: { p5: number; p50: number; p95: number };
  };
}
const example = (name: string) => new URL(`../../examples/${name}`, import.meta.url).pathname;

describe('POST /api/bots/preview', () => {
  let t: TestDb;
  let api: ApiServer;
  let runner: Runner;
  const post = async (path: string, body: unknown, token: string | null = TOKEN) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    const r = await fetch(`${api.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
    return { status: r.status, body: (await r.json()) as Body };
  };

  before(async () => {
    t = await testDb();
    runner = new Runner({
      db: t.db,
      mode: 'paper',
      openBot: paperReplayFactory({ speed: 3600, loop: true }),
      metrics: new RunnerMetrics(),
      logger: (botId: string) => createLogger({ write: () => {}, botId }),
    });
    api = await startApiServer({ runner, token: TOKEN, port: 0 });
  });
  after(async () => {
    await api?.close();
    await runner?.stop();
    await t?.drop();
  });

  it('needs the token, like every command', async () => {
    const r = await post('/api/bots/preview', readConfigFile(example('sol-grid.yaml')), null);
    assert.equal(r.status, 401);
  });

  it('names the field of a config mistake', async () => {
    const raw = readConfigFile(example('sol-grid.yaml')) as { grid: Record<string, unknown> };
    raw.grid.levels = 0;
    const r = await post('/api/bots/preview', raw);
    assert.equal(r.status, 400);
    assert.equal(r.body.field, 'grid.levels');
    const q = await post('/api/bots/preview?paths=1', readConfigFile(example('sol-grid.yaml')));
    assert.equal(q.status, 400);
    assert.equal(q.body.field, 'paths');
  });

  it('returns the probability of liquidation, of the daily-loss limit and PnL quantiles for a config', async () => {
    const r = await post('/api/bots/preview?paths=6&days=1&seed=3', readConfigFile(example('sol-grid.yaml')));
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const mc = r.body.monteCarlo;
    assert.equal(mc.paths, 6);
    assert.equal(mc.seed, 3);
    for (const k of ['liquidation', 'dailyLossTrip'] as const) {
      assert.ok(mc[k].p >= 0 && mc[k].p <= 1 && mc[k].low <= mc[k].p && mc[k].high >= mc[k].p, k);
    }
    assert.ok(mc.pnlQuantiles.p5 <= mc.pnlQuantiles.p50 && mc.pnlQuantiles.p50 <= mc.pnlQuantiles.p95);
    assert.equal(r.body.window.bars, 1441);
    assert.deepEqual(r.body.markets, ['SOL-PERP']);
  });
});
