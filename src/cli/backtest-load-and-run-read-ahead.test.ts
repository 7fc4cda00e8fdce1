import assert from 'node:assert/strict';
import { renameSync } from 'node:fs';
import { describe, it } from 'node:test';
import { endThreadAhead, startThreadAhead, streamedLoadWanted } from '../backtest/streamed-load-thread.ts';
import { parseBotConfig } from '../config/bot-config.ts';
import { readConfigFile } from '../config/read-config-file.ts';
import { formatGenericCsv, generateCandles } from '../data/index.ts';
import { driftCandleRecords } from '../data/test-support/drift-candle-records.ts';
import { assertSameRun, runOn, scratchFiles } from './test-support/load-and-run.ts';

const file = scratchFiles('zp-read-ahead-run-');

const config = parseBotConfig(
  readConfigFile(new URL('../../examples/sol-grid.yaml', import.meta.url).pathname),
  'sol-grid.yaml',
);
const csv = (seed: number): string[] =>
  formatGenericCsv(generateCandles(2880, { seed, startPrice: 150 })).split('\n');

/** Runs on `path` with the thread started ahead: streamed, from what it read ahead, and the usual run's results. */
async function assertRunFromReadAhead(path: string, what: string): Promise<void> {
  const streamed = await runOn(config, path, { minRows: 1000 });
  endThreadAhead();
  assert.equal(streamed.streamed, true, `${what}: streamed`);
  assert.equal(streamed.readAhead, true, `${what}: from what the thread read ahead`);
  assertSameRun(streamed, await runOn(config, path, false), what);
}

describe('the backtest on the file its thread read or counted ahead', () => {
  it('gives the report, the load and the events the usual run gives', async (t) => {
    if (!streamedLoadWanted()) return t.skip('one core, or streamed loads switched off');
    const path = file('sol.csv', csv(5));
    const thread = startThreadAhead(['--config', 'x', '--data', path]);
    // a CSV is read and counted by this thread (its bytes shared with the reading thread, which decodes them)
    assert.equal((await thread?.readAhead)?.count, 2881, 'counted ahead: the rows and the header');
    await assertRunFromReadAhead(path, 'read ahead');
  });

  it('takes the count of a Drift candle file the thread counted ahead, with the report of the usual run', async (t) => {
    if (!streamedLoadWanted()) return t.skip('one core, or streamed loads switched off');
    const candles = driftCandleRecords(generateCandles(2880, { seed: 5, startPrice: 150 }));
    // as Drift's API answers: a member after the array
    const body = JSON.stringify({ candles, lastTradeSeen: { ts: '1' }, beyondMaxLookback: false }, null, 2);
    const path = file('drift.json', [body]);
    const thread = startThreadAhead(['--data', path]);
    assert.equal((await thread?.readAhead)?.count, 2880, 'counted ahead');
    await assertRunFromReadAhead(path, 'Drift candles counted ahead');
  });

  it('reads the file again when it was replaced after the read ahead, and runs on the new one', async (t) => {
    if (!streamedLoadWanted()) return t.skip('one core, or streamed loads switched off');
    const path = file('replaced.csv', csv(5));
    const thread = startThreadAhead(['--data', path]);
    assert.ok((await thread?.readAhead)?.count, 'the old file read ahead');
    renameSync(file('new.csv', csv(9)), path);
    const streamed = await runOn(config, path, { minRows: 1000 });
    endThreadAhead();
    assert.equal(streamed.streamed, true, 'streamed');
    assert.equal(streamed.readAhead, false, 'not from the file read ahead');
    const usual = await runOn(config, path, false);
    assertSameRun(streamed, usual, 'replaced');
    const old = await runOn(config, file('old.csv', csv(5)), false);
    assert.notEqual(usual.report.summary.totalPnl, old.report.summary.totalPnl, 'the two files differ');
  });

  it('reads as before a file the thread did not read ahead', async (t) => {
    if (!streamedLoadWanted()) return t.skip('one core, or streamed loads switched off');
    const path = file('asked.csv', csv(5));
    const other = file('other.csv', csv(7));
    startThreadAhead(['--data', path]);
    const streamed = await runOn(config, other, { minRows: 1000 });
    endThreadAhead();
    assert.equal(streamed.readAhead, false, 'another file than the one read ahead');
    assertSameRun(streamed, await runOn(config, other, false), 'another file');
  });

  it('is not read ahead with two --data files (a thread per market reads them)', (t) => {
    if (!streamedLoadWanted()) return t.skip('one core, or streamed loads switched off');
    const thread = startThreadAhead(['--data', 'a.csv', '--data', 'b.csv']);
    assert.ok(thread, 'started');
    assert.equal(thread.readAhead, undefined, 'nothing read ahead');
    endThreadAhead();
  });
});
