import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ComputeBudgetProgram,
  Keypair,
  PublicKey,
  TransactionInstruction,
  VersionedTransaction,
} from '@solana/web3.js';
import fc from 'fast-check';
import { backoffDelay, DEFAULT_RETRY_POLICY, RpcTxSender, type TxRpc } from './tx-sender.ts';

const payer = Keypair.fromSeed(new Uint8Array(32).fill(3));
const ix = new TransactionInstruction({
  programId: new PublicKey('dRiftyHA39MWEi3m9aunc5MzRF1JYuBsbn6VPcn33UH'),
  keys: [{ pubkey: payer.publicKey, isSigner: true, isWritable: false }],
  data: Buffer.from([1, 2, 3]),
});

type Status = { err: unknown; confirmationStatus?: string } | null;

/** A scripted RPC: each hook decides per call; every call is recorded. */
class FakeRpc implements TxRpc {
  blockhashCalls = 0;
  sent: Uint8Array[] = [];
  statusCalls = 0;
  height = 0;
  blockhashes = ['11111111111111111111111111111111', 'SysvarC1ock11111111111111111111111111111111'];
  onBlockhash: (n: number) => void = () => {};
  onSend: (raw: Uint8Array, n: number) => void = () => {};
  onStatus: (n: number) => Status = () => ({ err: null, confirmationStatus: 'confirmed' });
  onHeight: (n: number) => number = () => 0;

  async getLatestBlockhash() {
    const n = this.blockhashCalls++;
    this.onBlockhash(n);
    return { blockhash: this.blockhashes[n % 2], lastValidBlockHeight: 100 };
  }
  async sendRawTransaction(raw: Uint8Array) {
    this.sent.push(raw);
    this.onSend(raw, this.sent.length - 1);
    return 'sig';
  }
  async getSignatureStatuses() {
    return { value: [this.onStatus(this.statusCalls++)] };
  }
  async getBlockHeight() {
    return this.onHeight(this.statusCalls);
  }
}

function sender(rpc: FakeRpc, sleeps: number[] = []) {
  return new RpcTxSender({
    rpc,
    payer,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
  });
}

const err = (message: string, extra: object = {}) => Object.assign(new Error(message), extra);

describe('RpcTxSender', () => {
  it('prepends the priority fee and compute limit, and confirms', async () => {
    const rpc = new FakeRpc();
    const out = await sender(rpc).send([ix], { computeUnitPrice: 12_345, computeUnitLimit: 400_000 });
    assert.equal(out.status, 'confirmed');
    const tx = VersionedTransaction.deserialize(rpc.sent[0]);
    const keys = tx.message.staticAccountKeys;
    const budget = tx.message.compiledInstructions.filter((c) =>
      keys[c.programIdIndex].equals(ComputeBudgetProgram.programId),
    );
    // setComputeUnitPrice is instruction 3 with a u64 LE price; setComputeUnitLimit is 2 with a u32.
    const price = budget.find((c) => c.data[0] === 3);
    const limit = budget.find((c) => c.data[0] === 2);
    assert.equal(Buffer.from(price?.data ?? []).readBigUInt64LE(1), 12_345n);
    assert.equal(Buffer.from(limit?.data ?? []).readUInt32LE(1), 400_000);
    assert.equal(tx.message.compiledInstructions.length, 3);
    assert.ok(
      tx.signatures[0].some((b) => b !== 0),
      'signed',
    );
  });

  it('retries a rate-limited blockhash fetch with growing backoff', async () => {
    const rpc = new FakeRpc();
    rpc.onBlockhash = (n) => {
      if (n < 2) throw err('429 Too Many Requests');
    };
    const sleeps: number[] = [];
    const out = await sender(rpc, sleeps).send([ix], { computeUnitPrice: 1 });
    assert.equal(out.status, 'confirmed');
    assert.equal(rpc.blockhashCalls, 3);
    // random 0.5 → 3/4 of the ceiling: 250·2^0, 250·2^1 before attempts 2 and 3, then one poll interval.
    assert.deepEqual(sleeps, [187.5, 375, DEFAULT_RETRY_POLICY.pollIntervalMs]);
  });

  it('does not retry a program error from preflight', async () => {
    const rpc = new FakeRpc();
    rpc.onSend = () => {
      throw err('Simulation failed', { logs: ['Program log: AnchorError ... Error Number: 6057.'] });
    };
    const out = await sender(rpc).send([ix], { computeUnitPrice: 1 });
    assert.equal(out.status, 'rejected');
    if (out.status !== 'rejected') return;
    assert.equal(out.error.reason, 'PostOnlyWouldCross');
    assert.equal(out.error.name, 'PlacePostOnlyLimitFailure');
    assert.equal(rpc.sent.length, 1);
    assert.equal(rpc.blockhashCalls, 1);
  });

  it('reports a transaction that landed with a program error as rejected', async () => {
    const rpc = new FakeRpc();
    rpc.onStatus = () => ({ err: { InstructionError: [2, { Custom: 6061 }] } });
    const out = await sender(rpc).send([ix], { computeUnitPrice: 1 });
    assert.equal(out.status, 'rejected');
    if (out.status === 'rejected') assert.equal(out.error.reason, 'OrderNotFound');
  });

  it('re-broadcasts the same signed bytes while the blockhash is valid', async () => {
    const rpc = new FakeRpc();
    rpc.onStatus = (n) => (n < 9 ? null : { err: null, confirmationStatus: 'confirmed' });
    const out = await sender(rpc).send([ix], { computeUnitPrice: 1 });
    assert.equal(out.status, 'confirmed');
    assert.equal(rpc.blockhashCalls, 1, 'no fresh transaction');
    assert.ok(rpc.sent.length >= 3);
    for (const raw of rpc.sent) assert.deepEqual(raw, rpc.sent[0]);
  });

  it('after expiry asks alreadyApplied before building a new transaction', async () => {
    const rpc = new FakeRpc();
    rpc.onStatus = () => null;
    rpc.onHeight = () => 101;
    let asked = 0;
    const out = await sender(rpc).send([ix], {
      computeUnitPrice: 1,
      alreadyApplied: async () => {
        asked++;
        return true;
      },
    });
    assert.equal(out.status, 'applied');
    assert.equal(asked, 1);
    assert.equal(rpc.blockhashCalls, 1, 'never built a second transaction');
  });

  it('sends a fresh transaction only when the expired one did not apply', async () => {
    const rpc = new FakeRpc();
    const order: string[] = [];
    rpc.onBlockhash = (n) => order.push(`blockhash${n}`);
    rpc.onStatus = (n) => (n === 0 ? null : { err: null, confirmationStatus: 'confirmed' });
    rpc.onHeight = () => 101;
    const out = await sender(rpc).send([ix], {
      computeUnitPrice: 1,
      alreadyApplied: async () => {
        order.push('checked');
        return false;
      },
    });
    assert.equal(out.status, 'confirmed');
    assert.deepEqual(order, ['blockhash0', 'checked', 'blockhash1']);
    const [a, b] = rpc.sent.map((raw) => VersionedTransaction.deserialize(raw).signatures[0]);
    assert.notDeepEqual(a, b);
  });

  it('reports unknown, never failed, when the RPC is lost after broadcasting', async () => {
    const rpc = new FakeRpc();
    rpc.onStatus = () => {
      throw err('fetch failed');
    };
    const out = await sender(rpc).send([ix], { computeUnitPrice: 1 });
    assert.equal(out.status, 'unknown');
    assert.equal(rpc.blockhashCalls, 1, 'no second transaction that could duplicate the first');
  });

  it('fails without retry on a fatal error and gives up after maxAttempts on retryable ones', async () => {
    const fatal = new FakeRpc();
    fatal.onBlockhash = () => {
      throw err('invalid params');
    };
    assert.equal((await sender(fatal).send([ix], { computeUnitPrice: 1 })).status, 'failed');
    assert.equal(fatal.blockhashCalls, 1);
    const down = new FakeRpc();
    down.onBlockhash = () => {
      throw err('ECONNREFUSED');
    };
    const out = await sender(down).send([ix], { computeUnitPrice: 1 });
    assert.equal(out.status, 'failed');
    assert.equal(down.blockhashCalls, DEFAULT_RETRY_POLICY.maxAttempts);
  });
});

describe('backoffDelay', () => {
  it('stays within [ceiling/2, ceiling] and the ceiling doubles up to the cap', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 30 }), fc.double({ min: 0, max: 0.999, noNaN: true }), (n, r) => {
        const ceiling = Math.min(DEFAULT_RETRY_POLICY.maxDelayMs, DEFAULT_RETRY_POLICY.baseDelayMs * 2 ** n);
        const d = backoffDelay(n, DEFAULT_RETRY_POLICY, () => r);
        assert.ok(d >= ceiling / 2 && d <= ceiling);
      }),
      { seed: 11 },
    );
  });
});
