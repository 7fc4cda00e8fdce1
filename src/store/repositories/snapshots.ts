/**
 * Periodic snapshots of what the venue reports: positions, margin figures and funding (settled truth next to
 * the continuous estimate). Written at a configurable cadence (retention.ts: shouldWriteSnapshot) and pruned
 * by age. They serve the dashboard and post-mortems; after a restart the bot rebuilds from the venue, not
 * from these.
 */
import { BASE_DECIMALS, FUNDING_RATE_DECIMALS, QUOTE_DECIMALS } from '../../domain/precision.ts';
import type { AccountState, Position } from '../../domain/types.ts';
import { fromDbDecimal, fromDbTime, toDbDecimal, toDbTime } from '../codec.ts';
import type { Db } from '../db.ts';

/** Positions and margin figures of one account at `ts`, in one transaction. */
export function saveAccountSnapshot(db: Db, botId: string, ts: number, account: AccountState): Promise<void> {
  return db.transaction(async (tx) => {
    await savePositions(tx, botId, ts, account.positions);
    await tx.query(
      `insert into perps_margin_snapshots (bot_id, ts, collateral, total_collateral, free_collateral,
         initial_margin_requirement, maintenance_margin_requirement, leverage, health)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       on conflict (bot_id, ts) do nothing`,
      [
        botId,
        toDbTime(ts),
        toDbDecimal(account.collateral, QUOTE_DECIMALS),
        toDbDecimal(account.totalCollateral, QUOTE_DECIMALS),
        toDbDecimal(account.freeCollateral, QUOTE_DECIMALS),
        toDbDecimal(account.initialMarginRequirement, QUOTE_DECIMALS),
        toDbDecimal(account.maintenanceMarginRequirement, QUOTE_DECIMALS),
        account.leverage,
        account.health,
      ],
    );
  });
}

/** Position rows at `ts` (one statement; a repeated snapshot at the same ts is ignored). */
export async function savePositions(
  db: Db,
  botId: string,
  ts: number,
  positions: readonly Position[],
): Promise<void> {
  if (positions.length === 0) return;
  const rows = positions.map((p) => ({
    market_index: p.marketIndex,
    base: toDbDecimal(p.base, BASE_DECIMALS),
    quote_entry: toDbDecimal(p.quoteEntry, QUOTE_DECIMALS),
    quote_asset: toDbDecimal(p.quoteAsset, QUOTE_DECIMALS),
    rate: toDbDecimal(p.lastCumulativeFundingRate, FUNDING_RATE_DECIMALS),
  }));
  await db.query(
    `insert into perps_positions (bot_id, ts, market_index, base, quote_entry, quote_asset,
                                  last_cumulative_funding_rate)
     select $1, $2, r.market_index, r.base, r.quote_entry, r.quote_asset, r.rate
     from jsonb_to_recordset($3::jsonb) as r (market_index integer, base numeric, quote_entry numeric,
       quote_asset numeric, rate numeric)
     on conflict (bot_id, market_index, ts) do nothing`,
    [botId, toDbTime(ts), JSON.stringify(rows)],
  );
}

export interface PositionSnapshot extends Position {
  ts: number;
}

/** The last snapshot of each market's position. */
export async function latestPositions(db: Db, botId: string): Promise<PositionSnapshot[]> {
  const rows = await db.query<{
    ts: Date;
    market_index: number;
    base: string;
    quote_entry: string;
    quote_asset: string;
    last_cumulative_funding_rate: string;
  }>(
    `select distinct on (market_index) ts, market_index, base, quote_entry, quote_asset,
            last_cumulative_funding_rate
     from perps_positions where bot_id = $1 order by market_index, ts desc`,
    [botId],
  );
  return rows.map((r) => ({
    ts: fromDbTime(r.ts),
    marketIndex: r.market_index,
    base: fromDbDecimal(r.base, BASE_DECIMALS),
    quoteEntry: fromDbDecimal(r.quote_entry, QUOTE_DECIMALS),
    quoteAsset: fromDbDecimal(r.quote_asset, QUOTE_DECIMALS),
    lastCumulativeFundingRate: fromDbDecimal(r.last_cumulative_funding_rate, FUNDING_RATE_DECIMALS),
  }));
}

export interface MarginSnapshot {
  ts: number;
  collateral: bigint;
  totalCollateral: bigint;
  freeCollateral: bigint;
  initialMarginRequirement: bigint;
  maintenanceMarginRequirement: bigint;
  leverage: number;
  health: number;
}

/** Margin snapshots in [fromTs, toTs), oldest first. */
export async function listMarginSnapshots(
  db: Db,
  botId: string,
  range: { fromTs?: number; toTs?: number } = {},
): Promise<MarginSnapshot[]> {
  const rows = await db.query<{
    ts: Date;
    collateral: string;
    total_collateral: string;
    free_collateral: string;
    initial_margin_requirement: string;
    maintenance_margin_requirement: string;
    leverage: number;
    health: number;
  }>(
    `select ts, collateral, total_collateral, free_collateral, initial_margin_requirement,
            maintenance_margin_requirement, leverage, health
     from perps_margin_snapshots
     where bot_id = $1 and ($2::timestamptz is null or ts >= $2) and ($3::timestamptz is null or ts < $3)
     order by ts`,
    [
      botId,
      range.fromTs === undefined ? null : toDbTime(range.fromTs),
      range.toTs === undefined ? null : toDbTime(range.toTs),
    ],
  );
  return rows.map((r) => ({
    ts: fromDbTime(r.ts),
    collateral: fromDbDecimal(r.collateral, QUOTE_DECIMALS),
    totalCollateral: fromDbDecimal(r.total_collateral, QUOTE_DECIMALS),
    freeCollateral: fromDbDecimal(r.free_collateral, QUOTE_DECIMALS),
    initialMarginRequirement: fromDbDecimal(r.initial_margin_requirement, QUOTE_DECIMALS),
    maintenanceMarginRequirement: fromDbDecimal(r.maintenance_margin_requirement, QUOTE_DECIMALS),
    leverage: Number(r.leverage),
    health: Number(r.health),
  }));
}

export interface FundingSnapshotInput {
  marketIndex: number;
  /** Cumulative funding the venue settled (QUOTE, trader's side: negative = paid). */
  settled: bigint;
  /** Cumulative funding the continuous estimate accrued over the same span (QUOTE). */
  estimated: bigint;
}

export interface FundingSnapshot extends FundingSnapshotInput {
  ts: number;
  /** settled − estimated, computed by the database. */
  difference: bigint;
}

export async function saveFundingSnapshots(
  db: Db,
  botId: string,
  ts: number,
  rows: readonly FundingSnapshotInput[],
): Promise<void> {
  if (rows.length === 0) return;
  const json = rows.map((r) => ({
    market_index: r.marketIndex,
    settled: toDbDecimal(r.settled, QUOTE_DECIMALS),
    estimated: toDbDecimal(r.estimated, QUOTE_DECIMALS),
  }));
  await db.query(
    `insert into perps_funding_snapshots (bot_id, ts, market_index, settled, estimated)
     select $1, $2, r.market_index, r.settled, r.estimated
     from jsonb_to_recordset($3::jsonb) as r (market_index integer, settled numeric, estimated numeric)
     on conflict (bot_id, market_index, ts) do nothing`,
    [botId, toDbTime(ts), JSON.stringify(json)],
  );
}

export async function listFundingSnapshots(
  db: Db,
  botId: string,
  marketIndex?: number,
): Promise<FundingSnapshot[]> {
  const rows = await db.query<{
    ts: Date;
    market_index: number;
    settled: string;
    estimated: string;
    difference: string;
  }>(
    `select ts, market_index, settled, estimated, difference from perps_funding_snapshots
     where bot_id = $1 and ($2::integer is null or market_index = $2) order by ts, market_index`,
    [botId, marketIndex ?? null],
  );
  return rows.map((r) => ({
    ts: fromDbTime(r.ts),
    marketIndex: r.market_index,
    settled: fromDbDecimal(r.settled, QUOTE_DECIMALS),
    estimated: fromDbDecimal(r.estimated, QUOTE_DECIMALS),
    difference: fromDbDecimal(r.difference, QUOTE_DECIMALS),
  }));
}
