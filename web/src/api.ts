/**
 * The runner's HTTP API as the page uses it (docs/api.md is the contract). Reads are open on 127.0.0.1;
 * commands carry the token the user supplied (see token.ts) in the Authorization header and nowhere else.
 */
import { readToken } from './token.ts';

export type RiskState = 'normal' | 'reduce_only' | 'paused';

/** USDC figures. */
export interface Pnl {
  unrealized: number;
  realized: number;
  funding: number;
  fees: number;
  total: number;
}

export interface BotSummary {
  id: string;
  name: string;
  strategy: 'grid' | 'spread';
  markets: string[];
  mode: 'paper' | 'live';
  status: 'starting' | 'running' | 'degraded' | 'stopping' | 'stopped' | 'error';
  riskState: RiskState;
  /** 0..100, Drift's account health. */
  health: number;
  equity: number;
  pnl: Pnl;
  ts: number;
}

export interface Position {
  market: string;
  base: number;
  entryPrice: number | null;
  markPrice: number;
  oraclePrice: number;
  liqPrice: number | null;
}

export interface RiskReason {
  rule: string;
  action: string;
  message: string;
  measured: number;
  limit: number;
}

export interface OpenOrder {
  id: number;
  userOrderId: number;
  market: string;
  side: 'buy' | 'sell';
  price: number;
  base: number;
  filledBase: number;
  reduceOnly: boolean;
  postOnly: boolean;
}

export type VerdictKind = 'APPROVE' | 'CLAMP' | 'REDUCE_ONLY' | 'PAUSE';

export interface SpreadLeg {
  market: string;
  quantity: number;
  base: number;
  markPrice: number;
  intendedBase: number;
}

export interface SpreadView {
  zScore: number | null;
  direction: 'LONG' | 'SHORT' | 'FLAT';
  health: 'HEALTHY' | 'DEGRADED' | 'EMERGENCY';
  /** Why the health is what it is ('' when HEALTHY from the start). */
  healthReason: string;
  legs: SpreadLeg[];
}

export interface BotDetail extends BotSummary {
  /** The primary market (grid: its market; spread: DRIFT-PERP). */
  position: Position;
  positions: Position[];
  leverage: number;
  liqPrice: number | null;
  liqDistancePct: number | null;
  collateral: number;
  riskReasons: RiskReason[];
  verdict: VerdictKind | null;
  manual: { pause: boolean; reduceOnly: boolean };
  openOrders: OpenOrder[];
  params: Record<string, unknown>;
  objectiveVersion: number;
  range?: { lo: number; hi: number } | null;
  spread?: SpreadView;
}

export interface Fill {
  id: string;
  ts: number;
  market: string;
  side: 'buy' | 'sell';
  price: number;
  base: number;
  quote: number;
  fee: number;
  maker: boolean;
  reduceOnly: boolean;
  orderId: number;
}

export interface VerdictRow {
  id: string;
  ts: number;
  market: string;
  kind: VerdictKind;
  band: { minBase: number; maxBase: number; preferredBase: number };
  reasons: RiskReason[];
}

export interface HistoryPoint {
  ts: number;
  mark: number | null;
  equity: number;
  base: number;
  liqPrice: number | null;
  lo?: number | null;
  hi?: number | null;
}

export interface Page<T> {
  items: T[];
  nextBefore: string | null;
}

export class ApiError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(path, { headers: { accept: 'application/json' }, cache: 'no-store' });
  if (!res.ok) throw new ApiError(res.status, `${path}: ${res.status} ${await errorText(res)}`);
  return (await res.json()) as T;
}

async function errorText(res: Response): Promise<string> {
  try {
    const body = (await res.json()) as { error?: unknown; message?: unknown };
    return String(body.error ?? body.message ?? '');
  } catch {
    return res.statusText;
  }
}

export function listBots(): Promise<BotSummary[]> {
  return getJson<BotSummary[]>('/api/bots');
}

export function getBot(id: string): Promise<BotDetail> {
  return getJson<BotDetail>(`/api/bots/${encodeURIComponent(id)}`);
}

function pageQuery(limit: number, before: string | null): string {
  const q = new URLSearchParams({ limit: String(limit) });
  if (before !== null) q.set('before', before);
  return q.toString();
}

export function getFills(id: string, limit: number, before: string | null): Promise<Page<Fill>> {
  return getJson(`/api/bots/${encodeURIComponent(id)}/fills?${pageQuery(limit, before)}`);
}

export function getVerdicts(id: string, limit: number, before: string | null): Promise<Page<VerdictRow>> {
  return getJson(`/api/bots/${encodeURIComponent(id)}/verdicts?${pageQuery(limit, before)}`);
}

export function getHistory(id: string, limit = 2000): Promise<HistoryPoint[]> {
  return getJson<{ points: HistoryPoint[] }>(
    `/api/bots/${encodeURIComponent(id)}/history?limit=${limit}`,
  ).then((r) => r.points);
}

export type Command =
  | { kind: 'pause' }
  | { kind: 'resume' }
  | { kind: 'reduce-only'; on: boolean }
  | { kind: 'reset-health' };

/** A state-changing request with the user's token; 401 and friends come back as an ApiError the page shows. */
async function authorized(method: string, path: string, label: string, body?: unknown): Promise<Response> {
  const token = readToken();
  if (token === null) throw new ApiError(401, 'enter the API token first (printed by `zero-perps start`)');
  const res = await fetch(path, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new ApiError(res.status, `${label}: ${res.status} ${await errorText(res)}`);
  return res;
}

export async function sendCommand(id: string, command: Command): Promise<BotDetail> {
  const body = command.kind === 'reduce-only' ? { on: command.on } : {};
  const res = await authorized(
    'POST',
    `/api/bots/${encodeURIComponent(id)}/${command.kind}`,
    command.kind,
    body,
  );
  return (await res.json()) as BotDetail;
}

export interface PreviewProbability {
  p: number;
  count: number;
  low: number;
  high: number;
}

export interface PreviewResult {
  bot: string;
  markets: string[];
  window: { from: string; to: string; bars: number };
  backtest: { totalPnl: number; maxDrawdownPct: number; liquidations: number; maxLeverage: number };
  monteCarlo: {
    paths: number;
    liquidation: PreviewProbability;
    dailyLossTrip: PreviewProbability;
    pnlQuantiles: { p5: number; p25: number; p50: number; p75: number; p95: number };
    maxDrawdownPctQuantiles: { p50: number; p95: number };
  };
}

/** The risk of a config before it is started (POST /api/bots/preview; needs the token). */
export async function previewBot(config: unknown, paths: number): Promise<PreviewResult> {
  const token = readToken();
  if (token === null) throw new ApiError(401, 'enter the API token first (printed by `zero-perps start`)');
  const res = await fetch(`/api/bots/preview?paths=${paths}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(config),
  });
  if (!res.ok) throw new ApiError(res.status, `preview: ${res.status} ${await errorText(res)}`);
  return (await res.json()) as PreviewResult;
}

/** Archives a bot (`DELETE /api/bots/:id`): the runner stops it and it leaves the list; its records stay. */
export async function archiveBot(id: string): Promise<void> {
  await authorized('DELETE', `/api/bots/${encodeURIComponent(id)}`, 'archive');
}

/** One field that changed between two objective versions (`params.stepPct`, `risk.maxLeverage`, …). */
export interface FieldChange {
  field: string;
  /** Absent: the field was not set. */
  from?: unknown;
  to?: unknown;
}

export interface ObjectiveVersion {
  version: number;
  /** Epoch ms. */
  createdAt: number;
  note?: string;
  strategy?: string;
  params: unknown;
  execution?: unknown;
  risk?: unknown;
  /** Changes from the version before (empty for version 1). */
  diff: FieldChange[];
}

/** Every objective version, newest first (`GET /api/bots/:id/objectives`). */
export function getObjectives(id: string): Promise<ObjectiveVersion[]> {
  return getJson<ObjectiveVersion[]>(`/api/bots/${encodeURIComponent(id)}/objectives`);
}
