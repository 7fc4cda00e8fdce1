import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SimExchange } from './exchange.ts';
import { bar, flat, limit, MINUTE, SOL, T0, usd } from './test-support/fixtures.ts';

describe('accountStamp', () => {
  it('holds while only the prices move; changes on a placement, a cancel, a fill, a deposit and funding', () => {
    const ex = new SimExchange({ markets: [SOL] });
    const id = ex.createSubaccount('t');
    ex.deposit(id, usd(1000));
    ex.onBar(0, flat(T0, 100, { oracleClose: 100 }), MINUTE);
    let ts = T0 + MINUTE;
    const changes = (what: string, act: () => void): void => {
      const before = ex.accountStamp(id);
      act();
      assert.notEqual(ex.accountStamp(id), before, `${what} changes the stamp`);
    };
    const holds = (what: string, act: () => void): void => {
      const before = ex.accountStamp(id);
      act();
      assert.equal(ex.accountStamp(id), before, `${what} keeps the stamp`);
    };
    changes('a taker fill (a position)', () =>
      ex.execute(id, [{ kind: 'place', order: limit('buy', 2, 101) }], ts),
    );
    changes('a resting order', () => ex.execute(id, [{ kind: 'place', order: limit('buy', 1, 90) }], ts));
    const [resting] = ex.openOrders(id);
    holds('a bar that only moves the prices', () => {
      ex.onBar(0, bar(ts, 100, 100.4, 99.6, 100.2), MINUTE);
      ts += MINUTE;
    });
    holds('a second read', () => {});
    changes('a cancel', () => ex.execute(id, [{ kind: 'cancel', orderId: resting.orderId }], ts));
    changes('a deposit', () => ex.deposit(id, usd(5)));
    // the hour's funding moves the market's cumulative rate: the position's unsettled funding changes
    changes('an hour of funding', () => {
      for (let i = 0; i < 60; i++) {
        ex.onBar(0, flat(ts, 101, { oracleClose: 100 }), MINUTE);
        ts += MINUTE;
      }
    });
    changes('a maker fill', () => {
      ex.execute(id, [{ kind: 'place', order: limit('sell', 1, 101.5) }], ts);
      ex.onBar(0, bar(ts, 101, 102, 101, 101.8), MINUTE);
      ts += MINUTE;
    });
  });
});
