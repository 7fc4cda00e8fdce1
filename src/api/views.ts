/**
 * What the API shows of a bot (shapes in docs/api.md): display numbers computed from the session's last venue
 * read, its engine's snapshots and verdict. Pure functions of the session; nothing here is a secret.
 */
import type { Verdict } from '../domain/intent.ts';
import type { MarketSpec } from '../domain/markets.ts';
import type { AccountState, Position } from '../domain/types.ts';
import type { SpreadBot } from '../engine/spread-bot.ts';
import type { BotSession } from '../runner/bot-session.ts';

export type RiskState = 'normal' | 'reduce_only' | 'paused';

export interface PnlView {
  unrealized: number;
  realized: number;
  funding: number;
  /** Funding accrued since the last settlement: the continuous estimate, not yet paid (display only). */
  fundingPending: number;
  fees: number;
  total: number;
}

export interface BotSummaryView {
  id: string;
  name: string;
  strategy: 'grid' | 'spread';
  markets: string[];
  mode: 'paper' | 'live';
  status: string;
  riskState: RiskState;
  health: number;
  equity: number;
  pnl: PnlView;
  ts: number;
}

const usd = (v: bigint): number => Number(v) / 1e6;
const base = (v: bigint): number => Number(v) / 1e9;
const r6 = (v: number): number => Math.round(v * 1e6) / 1e6;

export function riskState(s: BotSession): RiskState {
  const v = s.engine.lastVerdict();
  if (s.halted || s.engine.manual.pause || v?.kind === 'PAUSE') return 'paused';
  if (s.engine.manual.reduceOnly || v?.kind === 'REDUCE_ONLY') return 'reduce_only';
  return 'normal';
}

function oracleOf(s: BotSession, m: MarketSpec): number {
  const snap = s.engine.snapshot(m.marketIndex);
  if (!snap) return 0;
  if (snap.oracle > 0) return snap.oracle;
  return snap.mark > 0 ? snap.mark : 0;
}

export function pnlOf(s: BotSession): PnlView {
  const a = s.account;
  if (!a) return { unrealized: 0, realized: 0, funding: 0, fundingPending: 0, fees: 0, total: 0 };
  let unrealized = 0;
  for (const p of a.positions) {
    const m = s.engine.markets.find((x) => x.marketIndex === p.marketIndex);
    if (!m || p.base === 0n) continue;
    unrealized += base(p.base) * oracleOf(s, m) + usd(p.quoteEntry);
  }
  const total = usd(a.totalCollateral - s.deposited);
  const funding = usd(s.fundingTotal);
  const fees = usd(s.feesTotal);
  return {
    unrealized: r6(unrealized),
    realized: r6(total - unrealized - funding + fees),
    funding: r6(funding),
    fundingPending: r6(s.funding.pending(s.ts)),
    fees: r6(fees),
    total: r6(total),
  };
}

export function summaryView(s: BotSession): BotSummaryView {
  return {
    id: s.id,
    name: s.name,
    strategy: s.engine.strategy,
    markets: s.engine.markets.map((m) => m.symbol),
    mode: s.mode,
    status: s.status,
    riskState: riskState(s),
    health: s.account?.health ?? 100,
    equity: s.account ? r6(usd(s.account.totalCollateral)) : 0,
    pnl: pnlOf(s),
    ts: s.ts,
  };
}

type PositionView = ReturnType<typeof positionView>;

function positionView(s: BotSession, m: MarketSpec, p: Position | undefined) {
  const snap = s.engine.snapshot(m.marketIndex);
  const liq = p && p.base !== 0n ? s.liquidationPrice(m.marketIndex) : undefined;
  return {
    market: m.symbol,
    base: p ? base(p.base) : 0,
    entryPrice: p && p.base !== 0n ? r6(Math.abs(usd(p.quoteEntry) / base(p.base))) : null,
    markPrice: snap && snap.mark > 0 ? snap.mark : 0,
    oraclePrice: snap && snap.oracle > 0 ? snap.oracle : 0,
    liqPrice: liq === undefined ? null : usd(liq),
  };
}

/** One line of the detail view's `riskReasons`: why the bot is held back. */
interface RiskReasonView {
  rule: string;
  action: string;
  message: string;
  measured: number;
  limit: number;
}

/** The verdict's reasons, plus the operator's reduce-only and pause and a storage halt when the verdict omits them. */
function riskReasonsOf(s: BotSession, verdict: Verdict | undefined): RiskReasonView[] {
  const reasons: RiskReasonView[] = (verdict?.reasons ?? []).map((r) => ({
    rule: r.rule,
    action: r.action,
    message: r.message,
    measured: r.measured,
    limit: r.limit,
  }));
  if (s.engine.manual.reduceOnly && !reasons.some((r) => r.message.includes('operator'))) {
    reasons.push({
      rule: 'G_reduce_only',
      action: 'REDUCE_ONLY',
      message: 'reduce-only set by the operator',
      measured: 1,
      limit: 0,
    });
  }
  if (s.engine.manual.pause && !reasons.some((r) => r.action === 'PAUSE' && r.message.includes('operator'))) {
    reasons.push({
      rule: 'G_reduce_only',
      action: 'PAUSE',
      message: 'paused by the operator',
      measured: 1,
      limit: 0,
    });
  }
  if (s.halted) {
    reasons.unshift({
      rule: 'storage',
      action: 'PAUSE',
      message: `paused: ${s.halted}`,
      measured: 1,
      limit: 0,
    });
  }
  return reasons;
}

/** The account's open orders for display, remaining size and fill in base units. */
function openOrdersView(s: BotSession, a: AccountState | undefined) {
  const symbolOf = (i: number) => s.engine.markets.find((m) => m.marketIndex === i)?.symbol ?? String(i);
  return (a?.openOrders ?? []).map((o) => ({
    id: o.orderId,
    userOrderId: o.userOrderId,
    market: symbolOf(o.marketIndex),
    side: o.side,
    price: usd(o.price),
    base: base(o.base - o.filledBase),
    filledBase: base(o.filledBase),
    reduceOnly: o.reduceOnly,
    postOnly: o.postOnly !== 'none',
  }));
}

/** A grid bot's range, null until it has a finite one. */
function gridRangeView(s: BotSession): { lo: number; hi: number } | null {
  const range = s.lastDecision?.range;
  return range && Number.isFinite(range.lo) && Number.isFinite(range.hi)
    ? { lo: range.lo, hi: range.hi }
    : null;
}

/** A spread bot's signal, direction, health and legs (positions in the engine's market order: DRIFT, KMNO). */
function spreadView(spread: SpreadBot, positions: PositionView[]) {
  const st = spread.state;
  const p = spread.setup.spread;
  const intended = [st.intended.driftBase, st.intended.kmnoBase];
  return {
    zScore: st.lastStats ? r6(st.lastStats.z) : null,
    direction: st.holding,
    health: st.health.status,
    healthReason: st.health.reason,
    legs: positions.map((pos, i) => ({
      market: pos.market,
      quantity: i === 0 ? p.driftQuantity : p.kmnoQuantity,
      base: pos.base,
      markPrice: pos.markPrice,
      intendedBase: intended[i] ?? 0,
    })),
  };
}

export function detailView(s: BotSession) {
  const a = s.account;
  const positions = s.engine.markets.map((m) =>
    positionView(
      s,
      m,
      a?.positions.find((p) => p.marketIndex === m.marketIndex),
    ),
  );
  const primary = positions[0] ?? positionView(s, s.engine.markets[0] as MarketSpec, undefined);
  const verdict = s.engine.lastVerdict();
  const reasons = riskReasonsOf(s, verdict);
  const liqDistancePct =
    primary.liqPrice !== null && primary.markPrice > 0
      ? r6((Math.abs(primary.markPrice - primary.liqPrice) / primary.markPrice) * 100)
      : null;
  const out: Record<string, unknown> = {
    ...summaryView(s),
    position: primary,
    positions,
    leverage: a ? r6(a.leverage) : 0,
    liqPrice: primary.liqPrice,
    liqDistancePct,
    collateral: a ? usd(a.collateral) : 0,
    riskReasons: reasons,
    verdict: verdict?.kind ?? null,
    manual: { ...s.engine.manual },
    openOrders: openOrdersView(s, a),
    params: s.engine.params(),
    objectiveVersion: s.objectiveVersion,
  };
  if (s.engine.strategy === 'grid') {
    out.range = gridRangeView(s);
  } else if (s.engine.spread) {
    out.spread = spreadView(s.engine.spread, positions);
  }
  return out;
}
