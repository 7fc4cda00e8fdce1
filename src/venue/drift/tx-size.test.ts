import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OrderParams } from '../../domain/types.ts';
import { MAX_CANCELS_PER_COMMAND, MAX_PLACES_PER_COMMAND } from '../../execution/command-packing.ts';
import { DriftIxBuilder } from './ix-builder.ts';
import { createOfflineClient } from './test-support/offline-client.ts';
import { MAX_TRANSACTION_BYTES, transactionBytes } from './tx-size.ts';

const offline = createOfflineClient();
const builder = new DriftIxBuilder({
  client: offline.client,
  ensureUser: async (id) => {
    if (!offline.hasUser(id)) offline.setUser(id);
  },
  usdcTokenAccount: async () => offline.usdcTokenAccount,
});

/** The widest placement the planner sends: every optional field set, large values. */
const widest = (i: number): OrderParams => ({
  marketIndex: 0,
  side: 'sell',
  orderType: 'limit',
  base: 123_456_000_000_000n,
  price: 987_654_321_000n + BigInt(i),
  reduceOnly: true,
  postOnly: 'must',
  ioc: false,
  userOrderId: 255 - i,
  maxTs: 1_900_000_000_000,
});

const atomic = (cancels: number, places: number) =>
  builder.forCommand(3, {
    kind: 'cancelAndPlace',
    cancelOrderIds: Array.from({ length: cancels }, (_, i) => 4_000_000_000 + i),
    place: Array.from({ length: places }, (_, i) => widest(i)),
  });

describe('transaction size (SDK-built instructions)', () => {
  it('the largest atomic command the planner packs fits in one transaction', async () => {
    const bytes = transactionBytes(
      await atomic(MAX_CANCELS_PER_COMMAND, MAX_PLACES_PER_COMMAND),
      offline.authority.publicKey,
    );
    assert.ok(bytes !== undefined && bytes <= MAX_TRANSACTION_BYTES, `${bytes} bytes`);
    console.log(
      `cancelAndPlace ${MAX_CANCELS_PER_COMMAND} + ${MAX_PLACES_PER_COMMAND}: ${bytes} of ${MAX_TRANSACTION_BYTES} bytes`,
    );
  });

  it('a single place is small; 16 cancels + 20 places builds but does not fit; 32 + 32 does not even build', async () => {
    const key = offline.authority.publicKey;
    const one = transactionBytes(await builder.forCommand(3, { kind: 'place', order: widest(0) }), key);
    assert.ok(one !== undefined && one < 700, `${one}`);
    assert.equal(transactionBytes(await atomic(16, 20), key), undefined);
    // The SDK's instruction encoder has a 1,000-byte buffer: DriftVenue reports that as InvalidOrder too.
    await assert.rejects(atomic(32, 32), RangeError);
  });
});
