import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PerpMarkets } from '@drift-labs/sdk';
import { DRIFT_PERP_MARKETS } from '../../domain/drift-perp-markets.ts';
import { getMarket, MARKETS, marketSymbols, specProblems } from '../../domain/markets.ts';

describe("the domain's Drift market list", () => {
  it("equals the SDK's PerpMarkets['mainnet-beta'] (index and symbol)", () => {
    assert.deepEqual(
      DRIFT_PERP_MARKETS.map(([i, s]) => [i, s]),
      PerpMarkets['mainnet-beta'].map((m) => [m.marketIndex, m.symbol]),
    );
  });

  it('the spec table covers at least 20 markets, each at its SDK index', () => {
    const table = Object.values(MARKETS);
    assert.ok(table.length >= 20, `${table.length} markets`);
    const sdk = new Map(PerpMarkets['mainnet-beta'].map((m) => [m.symbol, m.marketIndex]));
    for (const m of table) {
      assert.equal(sdk.get(m.symbol), m.marketIndex, m.symbol);
      assert.ok(m.tickSize > 0n && m.stepSize > 0n && m.minOrderSize >= m.stepSize);
      assert.ok(m.marginRatioMaintenance < m.marginRatioInitial);
    }
  });

  it('resolves any Drift symbol; one without a table entry is provisional until the config gives its spec', () => {
    assert.equal(marketSymbols().length, PerpMarkets['mainnet-beta'].length);
    const ada = getMarket('ada-perp');
    assert.equal(ada.marketIndex, 72);
    assert.equal(ada.provisional, true);
    assert.match(specProblems([ada])[0], /ADA-PERP has no entry in the market table/);
    const given = getMarket('ADA-PERP', {
      tickSize: 100n,
      stepSize: 1_000_000_000n,
      minOrderSize: 1_000_000_000n,
      marginRatioInitial: 1000,
      marginRatioMaintenance: 500,
    });
    assert.equal(given.provisional, undefined);
    assert.deepEqual(specProblems([given]), []);
    assert.throws(() => getMarket('NOPE-PERP'), /unknown market "NOPE-PERP"; Drift's perp markets: SOL-PERP/);
  });
});
