import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger } from './logger.ts';

function capture(start = Date.UTC(2025, 4, 1)) {
  const lines: string[] = [];
  let t = start;
  const logger = createLogger({ write: (l) => lines.push(l), botId: 'spread-1', now: () => t });
  return { lines, logger, tick: (ms: number) => (t += ms), parsed: () => lines.map((l) => JSON.parse(l)) };
}

describe('createLogger', () => {
  it('writes one JSON line per event: level, ts, bot and cid first, the message last', () => {
    const { lines, logger } = capture();
    logger.info('SIGNAL', 'direction confirmed', { z: -2.3, size: 10n });
    assert.equal(lines.length, 1);
    assert.ok(!lines[0].includes('\n'));
    assert.deepEqual(JSON.parse(lines[0]), {
      ts: '2025-05-01T00:00:00.000Z',
      level: 'info',
      category: 'SIGNAL',
      botId: 'spread-1',
      cid: null,
      msg: 'direction confirmed',
      z: -2.3,
      size: '10',
    });
    const keys = Object.keys(JSON.parse(lines[0]));
    assert.deepEqual(keys.slice(0, 5), ['level', 'ts', 'botId', 'cid', 'category']);
    assert.equal(keys.at(-1), 'msg');
  });

  it('a cycle child stamps its correlation id and the elapsed ms as `duration`; end() returns it', () => {
    const { logger, tick, parsed } = capture();
    const c = logger.cycle('c-42');
    tick(5);
    c.events([{ level: 'warn', category: 'ORDER', msg: 'not sent', fields: { market: 'DRIFT-PERP' } }]);
    tick(7);
    assert.equal(c.end({ orders: 2 }), 12);
    const [a, b] = parsed();
    assert.deepEqual([a.cid, a.duration, a.level, a.market], ['c-42', 5, 'warn', 'DRIFT-PERP']);
    assert.deepEqual([b.cid, b.category, b.msg, b.duration, b.orders], ['c-42', 'CYCLE', 'cycle end', 12, 2]);
  });

  it('fields cannot overwrite the fixed keys', () => {
    const { logger, parsed } = capture();
    logger.cycle('x').info('POSITION', 'm', { cid: 'spoof', botId: 'other', duration: -1 });
    const [l] = parsed();
    assert.deepEqual(
      [l.cid, l.botId, l.duration, l.field_cid, l.field_botId],
      ['x', 'spread-1', 0, 'spoof', 'other'],
    );
  });

  it('drops events below minLevel', () => {
    const lines: string[] = [];
    const logger = createLogger({ write: (l) => lines.push(l), botId: 'b', minLevel: 'info', now: () => 0 });
    logger.debug('SIGNAL', 'noise');
    logger.warn('HEALTH', 'kept');
    assert.deepEqual(
      lines.map((l) => JSON.parse(l).msg),
      ['kept'],
    );
    assert.deepEqual(
      (['debug', 'info', 'warn', 'error'] as const).map((level) => logger.cycle('c').enabled(level)),
      [false, true, true, true],
    );
  });

  it('redacts secrets in fields and in the message before writing', () => {
    const { lines, logger } = capture();
    const secret = `${'4'.repeat(20)}ZxYwVuTsRrQqPpNnMmKkJjHhGgFfEeDdCcBbAa987654321abcdefghijkmnopq`;
    logger.error('SYSTEM', `loaded ${secret}`, {
      privateKey: 'abc',
      nested: { mnemonic: 'w1 w2', note: secret },
    });
    assert.ok(!lines[0].includes(secret));
    const l = JSON.parse(lines[0]);
    assert.equal(l.msg, 'loaded [redacted]');
    assert.equal(l.privateKey, '[redacted]');
    assert.deepEqual(l.nested, { mnemonic: '[redacted]', note: '[redacted]' });
  });
});

describe('createLogger: one key per name, listeners see redacted events', () => {
  it('a cycle line carries cid once (no duplicate JSON keys)', () => {
    const { lines, logger } = capture();
    logger.cycle('c-1').info('ORDER', 'sent');
    assert.equal(lines[0]?.match(/"cid"/g)?.length, 1, lines[0]);
    assert.equal(lines[0]?.match(/"botId"/g)?.length, 1, lines[0]);
  });

  it('onEvent receives the redacted message and fields', () => {
    const seen: { level: string; msg: string; fields: Record<string, unknown> }[] = [];
    const logger = createLogger({ write: () => {}, botId: 'b', now: () => 0, onEvent: (e) => seen.push(e) });
    logger.error('SYSTEM', `db failed ${'ab'.repeat(32)}`, { password: 'hunter2', n: 1 });
    assert.deepEqual(seen, [
      {
        level: 'error',
        category: 'SYSTEM',
        botId: 'b',
        cid: null,
        msg: 'db failed [redacted]',
        fields: { password: '[redacted]', n: 1 },
      },
    ]);
  });
});
