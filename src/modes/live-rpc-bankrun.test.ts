/**
 * The same as live-rpc.test.ts over a compiled Drift program: live mode (openLiveMode, unchanged) talks
 * JSON-RPC over HTTP to the loopback server, whose chain is a solana-bankrun bank running the program. The
 * example grid bot ramps in; a counterparty trades into its orders while the server seeds every fault; at the
 * end no fault is left unsurvived, no order is duplicated, the bot is not in 'error' and the books equal the
 * account the program holds.
 *
 * Runs only when DRIFT_PROGRAM_SO points at a compiled drift.so (drift.json beside it); skipped otherwise with
 * one line saying what is missing (docs/drift-venue.md).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readConfigFile } from '../config/read-config-file.ts';
import { MARKETS } from '../domain/markets.ts';
import type { BotSession } from '../runner/bot-session.ts';
import type { Runner } from '../runner/runner.ts';
import { listFills } from '../store/index.ts';
import { type TestDb, testDb } from '../store/test-support/test-db.ts';
import type { DriftAccountState } from '../venue/drift/account-reader.ts';
import { connectLiveDrift, type LiveDrift } from '../venue/drift/live.ts';
import { realProgramSkip } from '../venue/drift/test-support/bankrun-suite.ts';
import { type BankrunRpcNet, startBankrunRpc } from '../venue/drift/test-support/rpc/bankrun-net.ts';
import type { FaultKind } from '../venue/drift/test-support/rpc/rpc-server.ts';
import type { ModeHandle } from './live.ts';
import {
  assertBooksEqualAccount,
  assertNoDuplicateOrders,
  openLiveRunner,
} from './test-support/live-runner.ts';

const why = await realProgramSkip('live-over-rpc-on-bankrun suite');

const SOL = MARKETS['SOL-PERP'];
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const COLLATERAL = 1_000_000_000n;
const MINUTE = 60_000;
const FAST = {
  pollMs: 250,
  heartbeatMs: 100,
  computeUnitLimit: 1_400_000,
  rpc: { timeoutMs: 1_500, maxRetryAfterMs: 1_000 },
  retry: { pollIntervalMs: 10, baseDelayMs: 10, maxDelayMs: 80, maxPollErrors: 4 },
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe(
  'live mode over the loopback rpc server on a compiled Drift program (seeded faults)',
  { skip: why },
  () => {
    let net: BankrunRpcNet;
    let t: TestDb;
    let mode: ModeHandle;
    let runner: Runner;
    let session: BotSession;
    let setup: LiveDrift;
    let sub: number;
    let nowMs = 0;
    let price = 100;
    const logs: string[] = [];
    const statuses = new Set<string>();

    const account = async () => (await setup.venue.getAccount(sub)) as DriftAccountState;
    /** One minute on the bank's clock, the oracle at `p`; the pollers catch up; one runner tick. */
    const minute = async (p: number) => {
      nowMs = await net.advanceMinute(p);
      price = p;
      await sleep(30);
      await runner.tickOnce(nowMs);
      statuses.add(session.status);
    };

    before(async () => {
      net = await startBankrunRpc(10n * COLLATERAL);
      nowMs = await net.nowMs();
      t = await testDb();
      setup = await connectLiveDrift({
        rpcUrl: net.server.url,
        keypair: net.keypair,
        perpMarketIndexes: [0],
        ...FAST,
      });
      sub = await setup.venue.createSubaccount('sol-grid');
      await setup.venue.deposit(sub, COLLATERAL);
      const example = readConfigFile(join(ROOT, 'examples/sol-grid.yaml')) as Record<string, unknown>;
      // The vAMM stays at its peg here (AMM fills paused, no repeg), so the mark the blended range is fed is
      // constant and would lay a range of zero width, where a bounded grid has no level to quote. A fixed range
      // around the peg gives the faults a ladder to work on.
      const raw = { ...example, grid: { ...(example.grid as object), range: { lo: 97, hi: 103 } } };
      ({ mode, runner, session } = await openLiveRunner({
        t,
        rpcUrl: net.server.url,
        keypair: net.keypair,
        raw,
        drift: FAST,
        barMs: MINUTE,
        now: () => nowMs,
        sub,
        collateral: COLLATERAL,
        logs,
      }));
    });

    after(async () => {
      await runner?.stop().catch(() => {});
      await mode?.close().catch(() => {});
      await setup?.close().catch(() => {});
      await net?.close();
      await t?.drop();
    });

    it('ramps a ladder in on the program through the rpc server', async () => {
      // The vAMM stays at its peg (AMM fills paused, no repeg): a ±0.6% swing keeps mark and oracle within 1%.
      for (let i = 0; i < 60; i++) await minute(100 + 0.6 * Math.sin((i / 30) * Math.PI));
      const open = (await account()).openOrders;
      console.log(`rpc on bankrun: ${net.rpcChain.sent.length} transactions, ${open.length} orders resting`);
      assert.ok(open.length >= 6, `a ladder rests on the program (${open.length} orders)`);
    });

    it('survives every seeded fault: no duplicate order, never in error, books equal the account', async () => {
      const seeded: FaultKind[] = [];
      const seed = (kind: FaultKind, extra: object = {}) => {
        seeded.push(kind);
        net.server.inject({ kind, ...extra });
      };
      seed('rateLimit', { method: 'getMultipleAccounts', times: 2, retryAfterSec: 1 });
      seed('timeout', { method: 'getMultipleAccounts' });
      seed('reset', { times: 2 });
      seed('lostConfirmation', { method: 'sendTransaction', instruction: 'placeOrders' });
      seed('expiredBlockhash', { method: 'sendTransaction' });
      seed('laggingSlot', { method: 'getMultipleAccounts', times: 8, lagSlots: 3_000 });
      const fillsBefore = (await listFills(t.db, 'sol-grid')).length;
      // A counterparty hits the best bid and lifts the best ask in turn, so the bot keeps re-quoting.
      for (let i = 0; i < 60 && (net.server.pending > 0 || i < 20); i++) {
        if (i % 3 === 0)
          await net.takeBest((await account()).openOrders, i % 2 === 0 ? 'buy' : 'sell', price);
        await minute(100 + 0.5 * Math.sin((i / 15) * Math.PI));
      }
      for (let k = 0; k < 10; k++) await minute(price);
      for (const kind of seeded) assert.ok(net.server.fired[kind] > 0, `fault ${kind} fired`);
      const fills = await listFills(t.db, 'sol-grid');
      console.log(
        `rpc on bankrun faults fired: ${JSON.stringify(net.server.fired)}; statuses seen: ${[...statuses].join(', ')}; ` +
          `${fills.length - fillsBefore} fills during the faults; ${net.rpcChain.sent.length} transactions`,
      );
      assert.ok(fills.length > fillsBefore, 'the counterparty traded with the bot during the faults');
      assert.equal(session.status, 'running', `recovered (${session.degradedReason ?? ''})`);
      assert.ok(!statuses.has('error'));
      const a = await account();
      await assertNoDuplicateOrders(t, a.openOrders);
      assertBooksEqualAccount(fills, a, COLLATERAL, session.fundingTotal, SOL.marketIndex);
    });
  },
);
