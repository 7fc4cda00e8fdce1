import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseBotConfig } from './bot-config.ts';
import { ConfigError } from './config-error.ts';
import { parseConfigText, readConfigFile } from './read-config-file.ts';

const examples = new URL('../../examples/', import.meta.url);

function problemsOf(raw: unknown): string[] {
  try {
    parseBotConfig(raw, 'bot.yaml');
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${err}`);
    return err.problems;
  }
  assert.fail('expected the config to be rejected');
}

describe('bot config', () => {
  it('reads the example grid config with every documented field', () => {
    const cfg = parseBotConfig(readConfigFile(new URL('sol-grid.yaml', examples).pathname), 'sol-grid.yaml');
    assert.equal(cfg.strategy, 'grid');
    assert.equal(cfg.markets[0].symbol, 'SOL-PERP');
    assert.equal(cfg.markets[0].takerFeeBps, 3.5);
    if (cfg.strategy !== 'grid') return;
    assert.equal(cfg.grid.levels, 10);
    assert.equal(cfg.grid.baseSizePerLevel, 0.5);
    assert.deepEqual(cfg.grid.percentiles, [5, 95]);
    assert.equal(cfg.risk.maxLeverage, 3);
    assert.equal(cfg.risk.dailyLossAction, 'reduce_only');
    assert.equal(cfg.execution.rampIn.steps, 4);
  });

  it('reads the example spread config', () => {
    const cfg = parseBotConfig(
      readConfigFile(new URL('drift-kmno-spread.yaml', examples).pathname),
      'x.yaml',
    );
    assert.equal(cfg.strategy, 'spread');
    assert.deepEqual(
      cfg.markets.map((m) => m.marketIndex),
      [30, 28],
    );
  });

  it('needs only name, strategy, market and collateral', () => {
    const cfg = parseBotConfig({ name: 'g', strategy: 'grid', market: 'SOL-PERP', collateral: 500 }, 'x');
    assert.equal(cfg.strategy === 'grid' && cfg.grid.baseSizePerLevel, 'auto');
    assert.equal(cfg.fees.makerBps, -0.25);
    const spread = parseBotConfig({ name: 's', strategy: 'spread', collateral: 500 }, 'x');
    assert.ok(spread.strategy === 'spread');
    // The seed's defaults, not an 'auto' size recomputed at every start.
    assert.deepEqual(
      [
        spread.spread.driftQuantity,
        spread.spread.kmnoQuantity,
        spread.spread.cycleIntervalSec,
        spread.spread.signalLagPeriods,
        spread.spread.maxSlippageBps,
        spread.spread.closeMaxSlippageBps,
      ],
      [100, 1000, 60, 3, 25, 50],
    );
    const auto = parseBotConfig(
      {
        name: 's',
        strategy: 'spread',
        collateral: 500,
        spread: { driftQuantity: 'auto', kmnoQuantity: 'auto' },
      },
      'x',
    );
    assert.ok(auto.strategy === 'spread');
    assert.deepEqual(
      [auto.spread.driftQuantity, auto.spread.kmnoQuantity],
      ['auto', 'auto'],
      'auto only on request',
    );
  });

  it('names every bad field at once', () => {
    const problems = problemsOf({
      name: 'bad name!',
      strategy: 'grid',
      market: 'NOPE-PERP',
      collateral: -5,
      colateral: 5,
      grid: { levels: 500 },
      risk: { maxLeverage: -1 },
    });
    const text = problems.join('\n');
    for (const field of [
      'name:',
      'market:',
      'collateral:',
      'colateral: unknown field',
      'grid.levels',
      'risk.maxLeverage',
    ]) {
      assert.ok(text.includes(field), `expected a problem naming ${field} in:\n${text}`);
    }
  });

  it('rejects a strategy mismatch and an unknown strategy', () => {
    assert.match(
      problemsOf({ name: 'a', strategy: 'dca', market: 'SOL-PERP', collateral: 1 }).join(),
      /strategy: required/,
    );
    assert.match(
      problemsOf({ name: 'a', strategy: 'spread', collateral: 1, markets: ['SOL-PERP', 'KMNO-PERP'] }).join(),
      /markets: must be \[DRIFT-PERP, KMNO-PERP\]/,
    );
    assert.match(problemsOf({ name: 'a', strategy: 'grid', collateral: 1 }).join(), /market: required/);
  });

  it('reports YAML syntax errors with the line', () => {
    assert.throws(
      () => parseConfigText('name: a\nstrategy: [grid\n', 'bot.yaml'),
      /bot\.yaml:\d+: not valid YAML/,
    );
    assert.throws(() => parseConfigText('{"name": ', 'bot.json'), /bot\.json: not valid JSON/);
    assert.throws(() => readConfigFile('/nonexistent/bot.yaml'), /bot\.yaml: file not found/);
  });
});
