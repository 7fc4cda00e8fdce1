/**
 * What both drivers (paper-driver.ts, live-priced-driver.ts) do to set a bot up: a paper venue's durable state
 * read back (paper_venues, written with each tick's commit) or, at its first start, its subaccount opened and
 * funded with the config's collateral; and the bot's session made with the PnL totals and funding books it
 * continues from.
 */
import { quoteToInt } from '../domain/precision.ts';
import { decodeJson } from '../store/index.ts';
import type { OpenBotContext } from './bot-driver.ts';
import { fundingBaselines, pnlTotals, type RunnerBotRecord, saveDeposited } from './bot-records.ts';
import { BotSession, type SessionOptions } from './bot-session.ts';
import type { DurableSimExchange } from './durable-sim.ts';

/** The paper venue state the last commit saved for bot `record` (undefined before its first commit). */
export async function savedPaperVenue<T>(
  ctx: OpenBotContext,
  record: RunnerBotRecord,
): Promise<T | undefined> {
  const rows = await ctx.db.query<{ state: unknown }>('select state from paper_venues where bot_id = $1', [
    record.id,
  ]);
  return rows[0] ? decodeJson<T>(rows[0].state) : undefined;
}

/** First start on a paper venue: a subaccount named after the bot, funded with its collateral (saved). */
export async function fundSubaccount(
  ctx: OpenBotContext,
  record: RunnerBotRecord,
  exchange: DurableSimExchange,
): Promise<{ subaccountId: number; deposited: bigint }> {
  const subaccountId = exchange.createSubaccount(record.config.name);
  const deposited = quoteToInt(record.config.collateral);
  exchange.deposit(subaccountId, deposited);
  await saveDeposited(ctx.db, record.id, deposited);
  return { subaccountId, deposited };
}

/** What a driver decides of a session; the rest comes from the record, the context and the database. */
export type SessionParts = Pick<
  SessionOptions,
  'mode' | 'engine' | 'venue' | 'subaccountId' | 'liquidationPrice' | 'deposited' | 'snapshotCadenceMs'
>;

/** Makes bot `record`'s session, its fees and funding so far read from the database. */
export async function openSession(
  ctx: OpenBotContext,
  record: RunnerBotRecord,
  parts: SessionParts,
): Promise<BotSession> {
  const totals = await pnlTotals(ctx.db, record.id);
  const baselines = await fundingBaselines(ctx.db, record.id);
  return new BotSession({
    id: record.id,
    name: record.config.name,
    config: record.config,
    objectiveVersion: record.objectiveVersion,
    leaseHeld: ctx.leaseHeld,
    metrics: ctx.metrics,
    log: ctx.log,
    fundingTotal: totals.funding,
    fundingBaselines: baselines,
    feesTotal: totals.fees,
    ...parts,
  });
}
