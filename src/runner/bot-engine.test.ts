import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseBotConfig } from '../config/bot-config.ts';
import { createEngine } from './bot-engine.ts';

const config = parseBotConfig(
  {
    name: 'memory-grid',
    strategy: 'grid',
    market: 'SOL-PERP',
    collateral: 1000,
    grid: { levels: 4, stepPct: 0.5, baseSizePerLevel: 0.1, rangeMode: 'infinity' },
  },
  'test',
);

describe('grid engine memory', () => {
  it('hands out the same record while nothing in it changed, a new one after a change', () => {
    const engine = createEngine(config, () => 140, 0);
    const first = engine.memory();
    assert.equal(engine.memory(), first);
    engine.restoreMemory({ risk: { dailyLossLatchDay: 20_000, dailyLossSince: 1_728_000_000_000 } });
    const next = engine.memory();
    assert.notEqual(next, first);
    assert.deepEqual(next.risk, {
      dayStart: undefined,
      dailyLossLatchDay: 20_000,
      dailyLossSince: 1_728_000_000_000,
    });
    assert.equal(engine.memory(), next);
  });
});
