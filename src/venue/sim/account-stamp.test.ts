import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { SimExchange } from './exchange.ts';
import { type AccountRecord, InspectedExchange, sameRecord } from './test-support/account-record.ts';
import { bar, flat, limit, MINUTE, SOL, T0, usd } from './test-support/fixtures.ts';
import { AccountOpPlayer, accountOp, OP_MARKETS } from './test-support/random-account-ops.ts';

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

  it('two subaccounts never start at the same stamp, on one exchange or two', () => {
    const a = new SimExchange({ markets: [SOL] });
    const b = new SimExchange({ markets: [SOL] });
    const stamps = [a.createSubaccount('a0'), a.createSubaccount('a1'), b.createSubaccount('b0')].map(
      (id, k) => (k < 2 ? a : b).accountStamp(id),
    );
    assert.equal(new Set(stamps).size, 3);
  });

  // The stamp is a count of changes bumped where the simulator changes an account: every change of what it
  // stands for (the record compared part by part, test-support/account-record.ts) must bump it, whatever the
  // simulator does (test-support/random-account-ops.ts: fills, expiries, floating orders repriced, funding,
  // liquidations and the rest, on two markets and two accounts).
  it('changes whenever the account record changes, over random sequences of everything the simulator does', () => {
    fc.assert(
      fc.property(fc.array(accountOp, { minLength: 20, maxLength: 80 }), (ops) => {
        const ex = new InspectedExchange({ markets: [...OP_MARKETS] });
        const subs = [ex.createSubaccount('a'), ex.createSubaccount('b')];
        const player = new AccountOpPlayer(ex);
        const records: AccountRecord[] = subs.map((id) => ex.record(id));
        const stamps = subs.map((id) => ex.accountStamp(id));
        for (const o of ops) {
          player.play(o);
          for (const id of subs) {
            const now = ex.record(id);
            const stamp = ex.accountStamp(id);
            if (!sameRecord(now, records[id])) {
              assert.notEqual(stamp, stamps[id], `${o.kind} changed account ${id} and kept its stamp`);
            }
            records[id] = now;
            stamps[id] = stamp;
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
