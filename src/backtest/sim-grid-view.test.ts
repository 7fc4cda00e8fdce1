import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SimExchange } from '../venue/sim/exchange.ts';
import { flat, limit, MINUTE, SOL, T0, usd } from '../venue/sim/test-support/fixtures.ts';
import { SimGridView } from './backtest-bot.ts';

describe('SimGridView', () => {
  it('reads the account as it stands after each reset: numbers, holdings, stamp and account', () => {
    const ex = new SimExchange({ markets: [SOL] });
    const id = ex.createSubaccount('t');
    ex.deposit(id, usd(1000));
    ex.onBar(0, flat(T0, 100, { oracleClose: 100 }), MINUTE);
    const view = new SimGridView(ex, id, SOL.marketIndex, true);
    assert.ok(view.isOf(ex, id));
    assert.ok(!view.isOf(ex, id + 1));
    const before = {
      numbers: view.numbers,
      holdings: view.holdings,
      stamp: view.stamp,
      account: view.account,
    };
    assert.equal(before.holdings.openOrders.length, 0);
    // the account moves: a resting order and more collateral
    ex.execute(id, [{ kind: 'place', order: limit('buy', 1, 90) }], T0 + MINUTE);
    ex.deposit(id, usd(5));
    // without a reset the view keeps what it read on its bar
    assert.equal(view.numbers, before.numbers);
    assert.equal(view.stamp, before.stamp);
    view.reset();
    assert.notEqual(view.stamp, before.stamp);
    assert.equal(view.holdings.openOrders.length, 1);
    assert.equal(view.numbers.openOrders.length, 1);
    assert.equal(view.numbers.totalCollateral, before.numbers.totalCollateral + 5);
    assert.equal(view.account.collateral, before.account.collateral + usd(5));
  });
});
