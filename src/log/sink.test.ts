import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { createLogger } from './logger.ts';
import { logFileProblem, openLogSink } from './sink.ts';

const dir = mkdtempSync(join(tmpdir(), 'zp-log-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function collector(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(String(chunk));
      cb();
    },
  });
  return { stream, text: () => chunks.join('') };
}

describe('log sink', () => {
  it('JSON lines when stdout is not a terminal, also appended to --log-file', async () => {
    const out = collector();
    const file = join(dir, 'runner.log');
    writeFileSync(file, '{"earlier":"line"}\n');
    const sink = openLogSink({ pretty: false, stdout: out.stream, file });
    const log = createLogger({ root: sink.root, botId: 'sol-grid', minLevel: 'info' });
    log.info('ORDER', 'fill buy 1 @ 140', { orderId: 7 });
    log.cycle('sol-grid-3').warn('RISK', 'verdict CLAMP');
    log.debug('CYCLE', 'dropped below info');
    await sink.close();
    const lines = out.text().trim().split('\n');
    assert.equal(lines.length, 2);
    const [a, b] = lines.map((l) => JSON.parse(l));
    assert.deepEqual(
      [a.level, a.botId, a.cid, a.category, a.msg, a.orderId],
      ['info', 'sol-grid', null, 'ORDER', 'fill buy 1 @ 140', 7],
    );
    assert.equal(typeof b.duration, 'number');
    assert.equal(b.cid, 'sol-grid-3');
    assert.match(a.ts, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const fileLines = readFileSync(file, 'utf8').trim().split('\n');
    assert.equal(fileLines.length, 3, 'appended after the existing line');
    assert.deepEqual(JSON.parse(fileLines[1] as string), a);
  });

  it('pretty lines on a terminal: time, level, bot, category and message on one line, no JSON', () => {
    const out = collector();
    const sink = openLogSink({ pretty: true, stdout: out.stream });
    const log = createLogger({ root: sink.root, botId: 'spread', minLevel: 'info' });
    log.cycle('spread-9').warn('HEALTH', 'EMERGENCY: legs mismatched', { market: 'KMNO-PERP' });
    const text = out.text();
    assert.equal(text.trim().split('\n').length, 1, text);
    assert.match(
      text,
      /^\[\d\d:\d\d:\d\d\.\d{3}\] WARN: spread HEALTH \[spread-9\] EMERGENCY: legs mismatched/,
    );
    assert.match(text, /market.*KMNO-PERP/);
    assert.doesNotMatch(text, /^\{/);
  });
});

describe('logFileProblem: one sentence naming the flag', () => {
  it('a writable path (new or existing) is fine', () => {
    assert.equal(logFileProblem(join(dir, 'new.log')), undefined);
    assert.equal(logFileProblem(join(dir, 'new.log')), undefined);
  });

  it('a directory, a missing folder, an unwritable place', () => {
    assert.equal(
      logFileProblem(dir),
      `--log-file ${dir} is a directory; give a file path (e.g. ${dir}/zero-perps.log)`,
    );
    assert.equal(
      logFileProblem(join(dir, 'nope', 'x.log')),
      `--log-file ${join(dir, 'nope', 'x.log')}: the folder ${join(dir, 'nope')} does not exist`,
    );
    // /sys refuses new files even to root.
    assert.equal(logFileProblem('/sys/zero-perps.log'), '--log-file /sys/zero-perps.log: permission denied');
    const notDir = join(dir, 'file-not-dir');
    writeFileSync(notDir, '');
    assert.match(logFileProblem(join(notDir, 'x.log')) ?? '', /a part of the path is not a folder$/);
  });
});
