import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseBotConfig } from '../../config/bot-config.ts';
import { BarColumns } from '../../data/bar-columns.ts';
import { generateCandles, mergeEventTape } from '../../data/index.ts';
import { previewConfig } from './preview.ts';

const config = parseBotConfig(
  {
    name: 'preview-grid',
    strategy: 'grid',
    market: 'SOL-PERP',
    collateral: 1000,
    grid: { levels: 10, stepPct: 0.5, baseSizePerLevel: 0.5, rangeMode: 'infinity' },
  },
  'test',
);

describe('previewConfig', () => {
  it('reads the last days of a tape as it reads the same events as an array', async () => {
    // five days of 5-minute bars, previewed over the last two
    const bars = BarColumns.fromCandles(
      generateCandles(5 * 288, { seed: 9, startPrice: 150, intervalMs: 300_000 }),
    );
    const tape = mergeEventTape([{ market: 'SOL-PERP', bars, intervalMs: 300_000 }]);
    const run = (events: Parameters<typeof previewConfig>[0]['events']) =>
      previewConfig({ config, events, fundingReplay: false, paths: 3, seed: 2, days: 2, workers: 0 });
    const [fromTape, fromArray] = [await run(tape), await run(tape.toArray())];
    assert.equal(fromTape.window.bars, 2 * 288 + 1, 'two days of bars, both ends included');
    assert.equal(fromTape.window.from, new Date(bars.ts[bars.length - 2 * 288 - 1]).toISOString());
    const { pathsPerSecond: _a, ...a } = fromTape;
    const { pathsPerSecond: _b, ...b } = fromArray;
    assert.deepEqual(a, b);
  });
});
