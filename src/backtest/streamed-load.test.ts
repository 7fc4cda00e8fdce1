import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { DataError } from '../data/errors.ts';
import { parseGenericOhlcv } from '../data/generic-ohlcv.ts';
import { formatGenericCsv, generateCandles } from '../data/index.ts';
import {
  allocateStream,
  publishedColumns,
  ROWS,
  STATUS,
  STATUS_DONE,
  STATUS_FAILED,
  STATUS_NOT_STREAMABLE,
} from '../data/streamed-columns.ts';
import { getMarket } from '../domain/markets.ts';
import { BlendedRange } from '../marketdata/blended-range.ts';
import { allocateRangeSeries } from '../marketdata/range-series.ts';
import { countRows } from './streamed-load.ts';
import type { StreamedLoadEnd } from './streamed-parse.ts';
import { runStreamedParse } from './streamed-parse.ts';
import { StreamedTape, StreamFallback } from './streamed-tape.ts';

const bytesOf = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'utf8'));

/** The parse of `text` as the streamed load's thread runs it (in process): its buffers, range and end. */
function streamParse(text: string, withRange = true) {
  const bytes = bytesOf(text);
  const buffers = allocateStream(countRows(bytes));
  const config = { percentiles: [10, 90] as [number, number] };
  const range = withRange
    ? { config, buffers: allocateRangeSeries(buffers.capacity), from: -Infinity, to: Infinity }
    : undefined;
  const { port1, port2 } = new MessageChannel();
  runStreamedParse({ files: [{ file: 'bars.csv', bytes, reader: 'generic' }], buffers, range, port: port2 });
  const end = receiveMessageOnPort(port1)?.message as StreamedLoadEnd;
  port1.close();
  return { buffers, range, end, config };
}

describe('countRows', () => {
  it('counts the non-empty lines after the header, whatever the line ends', () => {
    assert.equal(countRows(bytesOf('timestamp,open,high,low,close,volume\n1,1,1,1,1,1\n2,1,1,1,1,1\n')), 2);
    assert.equal(countRows(bytesOf('h\r\n1\r\n2')), 2, 'CRLF, no newline at the end');
    assert.equal(countRows(bytesOf('h\n\n1\n\r\n\n2\n\n')), 2, 'empty lines and a lone CR are not rows');
    assert.equal(countRows(bytesOf('h\n')), 0);
    assert.equal(countRows(bytesOf('')), 0);
  });
});

describe('a streamed parse', () => {
  const candles = generateCandles(3000, { seed: 11, startPrice: 150 });
  const text = formatGenericCsv(candles);

  it('publishes the rows and the report the usual load gives, and the range of every row', () => {
    const { buffers, range, end, config } = streamParse(text);
    assert.equal(end.kind, 'done');
    assert.equal(Atomics.load(buffers.state, STATUS), STATUS_DONE);
    assert.equal(Atomics.load(buffers.state, ROWS), 3000);
    const usual = parseGenericOhlcv(text, 'bars.csv');
    assert.deepEqual(publishedColumns(buffers, 3000), usual.bars);
    assert.deepEqual(end.kind === 'done' && end.reports, [usual.report]);
    assert.equal(buffers.meta[0], usual.report.intervalMs);
    // the range of each bar as a bot's own would give it: fed (close time, close) in order
    const blended = new BlendedRange(config);
    const r = range?.buffers;
    assert.ok(r);
    assert.equal(Atomics.load(r.progress, 0), 3000);
    for (let i = 0; i < 3000; i++) {
      blended.update(usual.bars.ts[i] + usual.report.intervalMs, usual.bars.close[i]);
      assert.equal(r.lo[i], blended.lo, `bar ${i} lo`);
      assert.equal(r.hi[i], blended.hi, `bar ${i} hi`);
    }
  });

  it('takes the text read ahead for the file that names it, and ends with an error without one', () => {
    const text = formatGenericCsv(generateCandles(300, { seed: 3, startPrice: 150 }));
    const parse = (readAhead: string | undefined) => {
      const buffers = allocateStream(countRows(bytesOf(text)));
      const { port1, port2 } = new MessageChannel();
      const files = [{ file: 'bars.csv', readAhead: true as const, reader: 'generic' as const }];
      runStreamedParse({ files, buffers, range: undefined, port: port2 }, readAhead);
      const end = receiveMessageOnPort(port1)?.message as StreamedLoadEnd;
      port1.close();
      return { buffers, end };
    };
    const ahead = parse(text);
    const usual = streamParse(text, false);
    assert.equal(ahead.end.kind, 'done');
    assert.deepEqual(ahead.end, usual.end, 'the same report as from the bytes');
    assert.deepEqual(ahead.buffers.close, usual.buffers.close, 'the same rows');
    const none = parse(undefined);
    assert.equal(none.end.kind, 'error', 'the thread holds no text: an error, not a wait');
    assert.equal(Atomics.load(none.buffers.state, STATUS), STATUS_FAILED, 'said in the shared state too');
  });

  it('stops at a row out of time order or a repeated time: the file is loaded the usual way', () => {
    for (const [name, edit] of [
      ['a step back', (lines: string[]) => lines.splice(2000, 2, lines[2001], lines[2000])],
      ['a repeated time', (lines: string[]) => lines.splice(2500, 0, lines[2500])],
    ] as const) {
      const lines = text.split('\n');
      edit(lines);
      const { buffers, range, end } = streamParse(lines.join('\n'));
      assert.equal(end.kind, 'not-streamable', name);
      assert.equal(Atomics.load(buffers.state, STATUS), STATUS_NOT_STREAMABLE, name);
      assert.equal(
        Atomics.load(range?.buffers.progress as Int32Array, 1),
        1,
        `${name}: the range says it failed`,
      );
      assert.ok(Atomics.load(buffers.state, ROWS) < 2500, `${name}: no row published after it`);
    }
  });

  it('says what a bad row says in the usual load', () => {
    const lines = text.split('\n');
    lines[1700] = lines[1700].replace(/,[^,]*$/, ',-5');
    const bad = lines.join('\n');
    const { buffers, end } = streamParse(bad, false);
    assert.equal(Atomics.load(buffers.state, STATUS), STATUS_FAILED);
    assert.equal(end.kind, 'failed');
    assert.throws(
      () => parseGenericOhlcv(bad, 'bars.csv'),
      (err: unknown) =>
        err instanceof DataError &&
        end.kind === 'failed' &&
        err.file === end.file &&
        err.line === end.line &&
        err.reason === end.reason,
    );
  });
});

describe('a streamed tape', () => {
  const text = formatGenericCsv(generateCandles(500, { seed: 3, startPrice: 150 }));

  it('reads the published bars as events, from either end', () => {
    const { buffers, end } = streamParse(text, false);
    const tape = new StreamedTape([
      { buffers, market: getMarket('SOL-PERP'), ended: () => end, file: 'bars.csv' },
    ]);
    const usual = parseGenericOhlcv(text, 'bars.csv');
    assert.equal(tape.length, 500);
    const last = tape.at(-1);
    assert.ok(last?.type === 'bar');
    assert.deepEqual(last.candle, usual.bars.candle(499));
    assert.equal(last.intervalMs, usual.report.intervalMs);
    assert.deepEqual(tape.at(0), { ...last, candle: usual.bars.candle(0) });
    assert.equal(tape.at(500), undefined);
    assert.equal(tape.at(-501), undefined);
  });

  it('gives way when the parse ends before the bar asked for', () => {
    // a line of spaces is counted as a row but read as none: the parse ends one row short
    const lines = text.split('\n');
    const { buffers, end } = streamParse(
      [...lines.slice(0, 300), '  ', ...lines.slice(300)].join('\n'),
      false,
    );
    const tape = new StreamedTape([
      { buffers, market: getMarket('SOL-PERP'), ended: () => end, file: 'bars.csv' },
    ]);
    assert.equal(tape.length, 501);
    assert.ok(tape.at(499));
    assert.throws(() => tape.at(500), StreamFallback);
  });
});
