/**
 * Per-bot gauges, read from the running bots at every scrape (so a removed bot's series disappear):
 * account-wide figures carry `bot`; per-market figures carry `bot` and `symbol` (e.g. SOL-PERP, never a
 * market number). The values are the API's display figures (src/api/views.ts), so /metrics and the
 * dashboard agree.
 */
import { Gauge } from 'prom-client';
import { pnlOf, riskState } from '../api/views.ts';
import type { BotSession } from './bot-session.ts';
import type { RunnerMetrics } from './metrics.ts';

const VERDICTS = ['APPROVE', 'CLAMP', 'REDUCE_ONLY', 'PAUSE'] as const;
const RISK_STATES = ['normal', 'reduce_only', 'paused'] as const;
const SPREAD_STATES = ['HEALTHY', 'DEGRADED', 'EMERGENCY'] as const;
const STATUSES = ['starting', 'running', 'stopping', 'stopped', 'error'] as const;
const PNL_PARTS = ['unrealized', 'realized', 'funding', 'fundingPending', 'fees', 'total'] as const;

const usd = (v: bigint): number => Number(v) / 1e6;

type Sessions = () => readonly BotSession[];

/** A gauge whose values are all set anew at each scrape by `fill`. */
function scraped<L extends string>(
  m: RunnerMetrics,
  name: string,
  help: string,
  labelNames: readonly L[],
  fill: (set: (labels: Record<L, string>, v: number) => void) => void,
): void {
  new Gauge<L>({
    name,
    help,
    labelNames,
    registers: [m.registry],
    collect() {
      this.reset();
      fill((labels, v) => this.set(labels, v));
    },
  });
}

export function registerBotGauges(m: RunnerMetrics, sessions: Sessions): void {
  scraped(m, 'zp_bots', 'Bots driven by this runner.', [], (set) => set({}, sessions().length));
  scraped(
    m,
    'zp_bot_info',
    'Always 1; the labels describe the bot (strategy, mode, its market symbols joined by "/").',
    ['bot', 'strategy', 'mode', 'symbols'],
    (set) => {
      for (const s of sessions()) {
        const symbols = s.engine.markets.map((x) => x.symbol).join('/');
        set({ bot: s.id, strategy: s.engine.strategy, mode: s.mode, symbols }, 1);
      }
    },
  );
  scraped(
    m,
    'zp_bot_status',
    '1 for the bot status in force, 0 for the others.',
    ['bot', 'status'],
    (set) => {
      for (const s of sessions())
        for (const st of STATUSES) set({ bot: s.id, status: st }, s.status === st ? 1 : 0);
    },
  );
  account(m, sessions);
  risk(m, sessions);
  perMarket(m, sessions);
}

function account(m: RunnerMetrics, sessions: Sessions): void {
  scraped(m, 'zp_bot_equity_usdc', 'Total collateral (equity), USDC.', ['bot'], (set) => {
    for (const s of sessions()) if (s.account) set({ bot: s.id }, usd(s.account.totalCollateral));
  });
  scraped(m, 'zp_bot_collateral_usdc', 'USDC balance (deposits ± settled PnL).', ['bot'], (set) => {
    for (const s of sessions()) if (s.account) set({ bot: s.id }, usd(s.account.collateral));
  });
  scraped(
    m,
    'zp_bot_pnl_usdc',
    'PnL since the deposits, USDC, by part: realized, unrealized, funding (settled), fundingPending, fees ' +
      '(paid; negative = rebates), total (= realized + unrealized + funding − fees).',
    ['bot', 'part'],
    (set) => {
      for (const s of sessions()) {
        if (!s.account) continue;
        const p = pnlOf(s);
        for (const part of PNL_PARTS) set({ bot: s.id, part }, p[part]);
      }
    },
  );
  scraped(m, 'zp_bot_health', "Drift's account health, 0..100 (0 = liquidatable).", ['bot'], (set) => {
    for (const s of sessions()) if (s.account) set({ bot: s.id }, s.account.health);
  });
  scraped(
    m,
    'zp_bot_leverage',
    "Drift's leverage: the worst-case position (open orders included, as if one side filled) ÷ net account value.",
    ['bot'],
    (set) => {
      for (const s of sessions()) if (s.account) set({ bot: s.id }, s.account.leverage);
    },
  );
}

function risk(m: RunnerMetrics, sessions: Sessions): void {
  scraped(
    m,
    'zp_bot_verdict',
    '1 for the last risk verdict, 0 for the other kinds.',
    ['bot', 'kind'],
    (set) => {
      for (const s of sessions()) {
        const kind = s.engine.lastVerdict()?.kind;
        if (kind === undefined) continue;
        for (const k of VERDICTS) set({ bot: s.id, kind: k }, k === kind ? 1 : 0);
      }
    },
  );
  scraped(
    m,
    'zp_bot_risk_state',
    '1 for the risk state in force (the verdict and the manual switches), 0 for the others.',
    ['bot', 'state'],
    (set) => {
      for (const s of sessions()) {
        const now = riskState(s);
        for (const st of RISK_STATES) set({ bot: s.id, state: st }, st === now ? 1 : 0);
      }
    },
  );
  scraped(
    m,
    'zp_bot_spread_health',
    'Spread bots: 1 for the health state in force (HEALTHY, DEGRADED, EMERGENCY), 0 for the others.',
    ['bot', 'state'],
    (set) => {
      for (const s of sessions()) {
        const st = s.engine.spread?.state.health.status;
        if (st === undefined) continue;
        for (const x of SPREAD_STATES) set({ bot: s.id, state: x }, x === st ? 1 : 0);
      }
    },
  );
}

function perMarket(m: RunnerMetrics, sessions: Sessions): void {
  scraped(
    m,
    'zp_bot_open_orders',
    'Open orders the venue reports, by bot, market symbol and side.',
    ['bot', 'symbol', 'side'],
    (set) => {
      for (const s of sessions()) {
        if (!s.account) continue;
        for (const mk of s.engine.markets) {
          const mine = s.account.openOrders.filter((o) => o.marketIndex === mk.marketIndex);
          for (const side of ['buy', 'sell'] as const) {
            set({ bot: s.id, symbol: mk.symbol, side }, mine.filter((o) => o.side === side).length);
          }
        }
      }
    },
  );
  scraped(
    m,
    'zp_bot_position_base',
    'Position size in base units (negative = short), by bot and market symbol.',
    ['bot', 'symbol'],
    (set) => {
      for (const s of sessions()) {
        if (!s.account) continue;
        for (const mk of s.engine.markets) {
          const p = s.account.positions.find((x) => x.marketIndex === mk.marketIndex);
          set({ bot: s.id, symbol: mk.symbol }, p ? Number(p.base) / 1e9 : 0);
        }
      }
    },
  );
  scraped(
    m,
    'zp_bot_mark_price',
    'Mark price the bot last saw, by market symbol.',
    ['bot', 'symbol'],
    (set) => {
      for (const s of sessions()) {
        for (const mk of s.engine.markets) {
          const snap = s.engine.snapshot(mk.marketIndex);
          if (snap && snap.mark > 0) set({ bot: s.id, symbol: mk.symbol }, snap.mark);
        }
      }
    },
  );
}
