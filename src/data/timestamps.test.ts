import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { daysFromCivil, parseTimestamp } from './timestamps.ts';

describe('parseTimestamp', () => {
  it('reads epoch seconds, milliseconds and microseconds by magnitude', () => {
    assert.equal(parseTimestamp('1740798000'), 1_740_798_000_000);
    assert.equal(parseTimestamp('1740798000000'), 1_740_798_000_000);
    assert.equal(parseTimestamp('1740798000000000'), 1_740_798_000_000);
    assert.equal(parseTimestamp('1740798000.5'), 1_740_798_000_500);
  });

  it('reads date-times as UTC in the space, T and offset forms', () => {
    const t = Date.UTC(2025, 2, 1, 3, 4, 5);
    assert.equal(parseTimestamp('2025-03-01 03:04:05'), t);
    assert.equal(parseTimestamp('2025-03-01T03:04:05Z'), t);
    assert.equal(parseTimestamp('2025-03-01T03:04:05.250Z'), t + 250);
    assert.equal(parseTimestamp('2025-03-01T05:04:05+02:00'), t);
    assert.equal(parseTimestamp('2025-03-01T01:04:05-0200'), t);
    assert.equal(parseTimestamp('2025-03-01 03:04'), t - 5000);
    assert.equal(parseTimestamp('2025-03-01'), Date.UTC(2025, 2, 1));
  });

  it('rejects impossible dates and junk', () => {
    for (const bad of [
      '',
      'abc',
      '2025-02-29',
      '2025-13-01',
      '2025-03-01 24:00:00',
      '2025-03-01X',
      '1.2.3',
      '-5',
    ]) {
      assert.equal(parseTimestamp(bad), undefined, bad);
    }
    assert.equal(parseTimestamp('2024-02-29'), Date.UTC(2024, 1, 29));
  });

  it('agrees with Date.UTC on any instant (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -2_000_000_000_000, max: 32_000_000_000_000 }), (ms) => {
        const iso = new Date(ms).toISOString();
        if (iso.startsWith('-') || iso.startsWith('+')) return;
        assert.equal(parseTimestamp(iso), ms);
        assert.equal(parseTimestamp(iso.replace('T', ' ').replace('Z', '')), ms);
      }),
      { seed: 7, numRuns: 2000 },
    );
  });

  it('counts days like the calendar', () => {
    assert.equal(daysFromCivil(1970, 1, 1), 0);
    assert.equal(daysFromCivil(2000, 3, 1), Date.UTC(2000, 2, 1) / 86_400_000);
  });
});
