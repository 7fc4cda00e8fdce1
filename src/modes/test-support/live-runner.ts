/**
 * The parts of the live-over-RPC suites (live-rpc.test.ts on the in-memory Drift layer, live-rpc-bankrun.test.ts
 * on a compiled program): the runner in live mode with the example grid bot on a prepared subaccount, and the
 * two checks both end with — no duplicate order, and books equal to the account to the micro-USDC.
 */
import assert from 'node:assert/strict';
import type { Order } from '../../domain/types.ts';
import { createLogger } from '../../log/index.ts';
import { saveDeposited } from '../../runner/bot-records.ts';
import type { BotSession } from '../../runner/bot-session.ts';
import type { SigningKeypair } from '../../runner/keys.ts';
import { RunnerMetrics } from '../../runner/metrics.ts';
import { Runner } from '../../runner/runner.ts';
import { linkPerpsAccount } from '../../store/index.ts';
import type { RecordedFill } from '../../store/repositories/fills.ts';
import type { TestDb } from '../../store/test-support/test-db.ts';
import { type LiveModeOptions, type ModeHandle, openLiveMode } from '../live.ts';

/** The bot the suites run: the example grid, as `raw` (the suite's own tweaks applied). */
export const BOT = 'sol-grid';

export interface LiveRunner {
  mode: ModeHandle;
  runner: Runner;
  session: BotSession;
}

/**
 * Live mode on `rpcUrl` and a runner driving the example grid on subaccount `sub` (created and funded with
 * `collateral` by the suite, as a user prepares one), its logs into `logs`, on the suite's clock.
 */
export async function openLiveRunner(o: {
  t: TestDb;
  rpcUrl: string;
  keypair: SigningKeypair;
  raw: Record<string, unknown>;
  drift: LiveModeOptions['drift'];
  barMs: number;
  now: () => number;
  sub: number;
  collateral: bigint;
  logs: string[];
}): Promise<LiveRunner> {
  const configs = [{ raw: o.raw, source: `${BOT}.yaml` }];
  const mode = await openLiveMode({
    db: o.t.db,
    rpcUrl: o.rpcUrl,
    keypair: o.keypair,
    configs,
    drift: o.drift,
    barMs: o.barMs,
    now: o.now,
  });
  const runner = new Runner({
    db: o.t.db,
    mode: 'live',
    openBot: mode.openBot,
    metrics: new RunnerMetrics(),
    logger: (botId) => createLogger({ write: (l) => o.logs.push(l), botId, now: o.now }),
  });
  await runner.ensureBots(configs);
  await linkPerpsAccount(o.t.db, BOT, { authority: o.keypair.publicKey, subaccountId: o.sub });
  await saveDeposited(o.t.db, BOT, o.collateral);
  await runner.openAll();
  return { mode, runner, session: runner.session(BOT) as BotSession };
}

/** One open order per price level and side on the chain, each one the runner's orders table holds open. */
export async function assertNoDuplicateOrders(t: TestDb, open: readonly Order[]): Promise<void> {
  const levels = open.map((o) => `${o.side}@${o.price}`);
  assert.equal(new Set(levels).size, levels.length, `no two orders at one level: ${levels.join(' ')}`);
  const rows = await t.db.query<{ order_id: string }>(
    `select order_id from orders where bot_id = '${BOT}' and status = 'open' order by order_id`,
  );
  assert.deepEqual(
    rows.map((r) => Number(r.order_id)),
    open.map((o) => o.orderId).sort((a, b) => a - b),
  );
}

/**
 * Books equal to the account, to the micro-USDC: deposit + the fills' cash − fees + funding = the USDC balance
 * + the positions' quote, and the fills' base = the position in `marketIndex`.
 */
export function assertBooksEqualAccount(
  fills: readonly RecordedFill[],
  account: {
    collateral: bigint;
    positions: readonly { marketIndex: number; base: bigint; quoteAsset: bigint }[];
  },
  deposit: bigint,
  fundingTotal: bigint,
  marketIndex: number,
): void {
  const cash = fills.reduce((s, f) => s + (f.side === 'buy' ? -f.quote : f.quote) - f.fee, 0n);
  assert.equal(
    deposit + cash + fundingTotal,
    account.collateral + account.positions.reduce((s, p) => s + p.quoteAsset, 0n),
    'books = USDC + positions quote, to the micro-USDC',
  );
  const base = fills.reduce((s, f) => s + (f.side === 'buy' ? f.base : -f.base), 0n);
  assert.equal(base, account.positions.find((p) => p.marketIndex === marketIndex)?.base ?? 0n);
}
