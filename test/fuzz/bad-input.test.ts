/**
 * The bad-input corpus (test/test-support/bad-input-corpus.ts): every way a user can get a flag, a config, a
 * data or funding file, an output folder or an API request wrong ends in one clear message naming the flag,
 * file or field — never a stack trace, a hang, a vague line, or a run that silently does the wrong thing.
 * CLI cases run the real command as a process; API cases go to a real server (in-process runner).
 * `node scripts/bad-input-census.ts [CHECKOUT]` prints the same corpus's counts for any checkout.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type ApiServer, startApiServer } from '../../src/api/server.ts';
import { readConfigFile } from '../../src/config/read-config-file.ts';
import { createLogger } from '../../src/log/logger.ts';
import { paperReplayFactory } from '../../src/modes/paper.ts';
import { RunnerMetrics } from '../../src/runner/metrics.ts';
import { Runner } from '../../src/runner/runner.ts';
import { type TestDb, testDb } from '../../src/store/test-support/test-db.ts';
import {
  API_CASES,
  CLI_CASES,
  counts,
  needsProcess,
  type Result,
  runAll,
  runApi,
  runCli,
  runCliInProcess,
  writeFixtures,
} from '../test-support/bad-input-corpus.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'zp-bad-input-'));
const d = join(work, 'in');

const report = (results: Result[]) =>
  results
    .filter((r) => r.outcome !== 'clear')
    .map((r) => `${r.outcome}: ${r.id}: ${r.detail}`)
    .join('\n');

describe('fuzz: the bad-input corpus', () => {
  before(() => writeFixtures(root, d));
  after(() => rmSync(work, { recursive: true, force: true }));

  it(`${CLI_CASES.length} CLI cases each end in one clear line`, async () => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ZERO_PERPS_PGLITE_DIR: join(work, 'db'),
      DATABASE_URL: '',
      RPC_URL: '',
      API_TOKEN: 'fuzz',
    };
    delete env.PORT;
    delete env.DEBUG;
    // Cases that could block a thread or start a runner run as processes; the rest through the CLI's main(),
    // which is what bin/zero-perps.js calls (a process each would cost a Node start-up per case).
    const spawned = await runAll(CLI_CASES.filter(needsProcess), 2, (c) =>
      runCli(join(root, 'bin/zero-perps.js'), c, d, root, env),
    );
    const saved = process.env;
    process.env = env;
    const inProcess: Result[] = [];
    try {
      for (const c of CLI_CASES.filter((c) => !needsProcess(c)))
        inProcess.push(await runCliInProcess(root, c, d));
    } finally {
      process.env = saved;
    }
    const results = [...spawned, ...inProcess];
    assert.equal(
      counts(results),
      `${CLI_CASES.length} clear / 0 crashed / 0 unclear / 0 hung / 0 silently wrong`,
      report(results),
    );
  });

  it(`${API_CASES.length} API cases each get a clear 4xx`, async () => {
    let t: TestDb | undefined;
    let runner: Runner | undefined;
    let api: ApiServer | undefined;
    try {
      t = await testDb();
      runner = new Runner({
        db: t.db,
        mode: 'paper',
        openBot: paperReplayFactory({ speed: 3600, loop: true }),
        metrics: new RunnerMetrics(),
        logger: (botId) => createLogger({ write: () => {}, botId }),
      });
      const raw = readConfigFile(join(root, 'examples/sol-grid.yaml')) as Record<string, unknown>;
      await runner.openAll(await runner.ensureBots([{ raw, source: 'sol-grid.yaml' }]));
      api = await startApiServer({ runner, token: 'fuzz-token', port: 0 });
      const results: Result[] = [];
      for (const c of API_CASES) results.push(await runApi(api.url, 'fuzz-token', c));
      assert.equal(
        counts(results),
        `${API_CASES.length} clear / 0 crashed / 0 unclear / 0 hung / 0 silently wrong`,
        report(results),
      );
    } finally {
      await api?.close();
      await runner?.stop();
      await t?.drop();
    }
  });
});
