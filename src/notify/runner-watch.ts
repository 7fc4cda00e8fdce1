/**
 * What the runner tells the operator, composed from the runner's events and log lines:
 * - verdict changes between trading normally (APPROVE/CLAMP), REDUCE_ONLY and PAUSE (APPROVE↔CLAMP is not
 *   a change an operator acts on);
 * - a spread bot entering EMERGENCY (critical) and leaving it;
 * - every error-level log line (bot stopped, venue call failed, database write failed, lease lost, …);
 * - fills, when enabled, batched per bot over `fillsEveryMs`;
 * - a daily summary per bot at `summaryAtMinute` UTC (wall clock; replay time runs faster than days do).
 */

import { pnlOf, summaryView } from '../api/views.ts';
import type { Verdict, VerdictKind } from '../domain/intent.ts';
import type { Fill } from '../domain/types.ts';
import type { LoggedEvent } from '../log/logger.ts';
import type { BotSession } from '../runner/bot-session.ts';
import type { Runner, RunnerEvent } from '../runner/runner.ts';
import type { NotifyConfig } from './config.ts';
import type { NotifyMessage, Severity } from './message.ts';
import type { Notifier } from './notifier.ts';

type RiskClass = 'normal' | 'REDUCE_ONLY' | 'PAUSE';
const classOf = (k: VerdictKind): RiskClass => (k === 'APPROVE' || k === 'CLAMP' ? 'normal' : k);

interface FillBatch {
  count: number;
  buys: number;
  sells: number;
  /** Signed base per market symbol (buys +). */
  net: Map<string, number>;
  fees: number;
  last: { side: string; base: number; price: number; symbol: string } | undefined;
}

export interface WatchOptions {
  now?: () => number;
}

export class RunnerWatch {
  readonly #runner: Runner;
  readonly #notifier: Notifier;
  readonly #config: NotifyConfig;
  readonly #now: () => number;
  readonly #verdictClass = new Map<string, RiskClass>();
  readonly #health = new Map<string, string>();
  readonly #fills = new Map<string, FillBatch>();
  /** Fills since the last summary, and equity at it, per bot. */
  readonly #day = new Map<string, { fills: number; equity: number | undefined }>();
  readonly #timers: NodeJS.Timeout[] = [];
  #unsubscribe: (() => void) | undefined;

  constructor(runner: Runner, notifier: Notifier, config: NotifyConfig, o: WatchOptions = {}) {
    this.#runner = runner;
    this.#notifier = notifier;
    this.#config = config;
    this.#now = o.now ?? Date.now;
  }

  start(): void {
    if (!this.#notifier.enabled || this.#unsubscribe) return;
    this.#unsubscribe = this.#runner.subscribe((e) => this.onRunnerEvent(e));
    if (this.#config.fills) {
      this.#timers.push(setInterval(() => this.flushFills(), this.#config.fillsEveryMs).unref());
    }
    this.#scheduleSummary();
  }

  /** Stops listening; sends the fills still batched. */
  stop(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.length = 0;
    this.flushFills();
  }

  onRunnerEvent(e: RunnerEvent): void {
    if (e.kind === 'verdict') this.#onVerdict(e.botId, (e.data as { verdict: Verdict }).verdict);
    else if (e.kind === 'fill') this.#onFill(e.botId, (e.data as { fill: Fill }).fill);
    else if (e.kind === 'bot') this.#onBot(e.botId);
  }

  /** Error-level log lines become notifications (EMERGENCY lines are covered by the health watch). */
  onLog(e: LoggedEvent): void {
    if (e.level !== 'error' || /EMERGENCY/.test(e.msg)) return;
    const detail = typeof e.fields.error === 'string' ? [e.fields.error.split('\n')[0] ?? ''] : [];
    this.#send({
      kind: 'error',
      severity: 'critical',
      ...(e.botId !== 'runner' ? { botId: e.botId } : {}),
      title: `${e.botId}: ${e.msg}`,
      lines: detail,
      // Numbers vary between repeats of one problem (ids, amounts); the key ignores them.
      dedupKey: `${e.botId}:error:${e.msg.replace(/\d+(\.\d+)?/g, '#')}`,
    });
  }

  #send(m: Omit<NotifyMessage, 'ts'>): void {
    this.#notifier.notify({ ...m, ts: this.#now() });
  }

  #onVerdict(botId: string, v: Verdict): void {
    const next = classOf(v.kind);
    const prev = this.#verdictClass.get(botId);
    this.#verdictClass.set(botId, next);
    if (prev === next || (prev === undefined && next === 'normal')) return;
    const severity: Severity = next === 'PAUSE' ? 'critical' : next === 'REDUCE_ONLY' ? 'warn' : 'info';
    const name = this.#runner.session(botId)?.name ?? botId;
    this.#send({
      kind: 'verdict',
      severity,
      botId,
      title: `${name}: risk ${prev === undefined ? 'starts at' : `${label(prev)} →`} ${label(next)} (${v.kind})`,
      lines: v.reasons.map((r) => `${r.rule}: ${r.message}`),
      dedupKey: `${botId}:verdict:${prev ?? ''}>${next}`,
    });
  }

  #onFill(botId: string, f: Fill): void {
    const day = this.#day.get(botId) ?? { fills: 0, equity: undefined };
    day.fills++;
    this.#day.set(botId, day);
    if (!this.#config.fills) return;
    const s = this.#runner.session(botId);
    const symbol =
      s?.engine.markets.find((m) => m.marketIndex === f.marketIndex)?.symbol ?? `market ${f.marketIndex}`;
    const b = this.#fills.get(botId) ?? {
      count: 0,
      buys: 0,
      sells: 0,
      net: new Map(),
      fees: 0,
      last: undefined,
    };
    const base = Number(f.base) / 1e9;
    b.count++;
    if (f.side === 'buy') b.buys++;
    else b.sells++;
    b.net.set(symbol, (b.net.get(symbol) ?? 0) + (f.side === 'buy' ? base : -base));
    b.fees += Number(f.fee) / 1e6;
    b.last = { side: f.side, base, price: Number(f.price) / 1e6, symbol };
    this.#fills.set(botId, b);
  }

  flushFills(): void {
    for (const [botId, b] of this.#fills) {
      const name = this.#runner.session(botId)?.name ?? botId;
      const net = [...b.net].map(([sym, n]) => `${sym} ${signed(round(n, 6))}`).join(', ');
      const last = b.last;
      this.#send({
        kind: 'fills',
        severity: 'info',
        botId,
        title: `${name}: ${b.count} fill${b.count === 1 ? '' : 's'} (${b.buys} buy, ${b.sells} sell)`,
        lines: [
          `net ${net}; fees paid ${usd(b.fees, false)}`,
          ...(last
            ? [`last: ${last.side} ${round(last.base, 6)} ${last.symbol} @ ${round(last.price, 6)}`]
            : []),
        ],
        // Batches are already one per window; a unique key keeps dedup out of the way.
        dedupKey: `${botId}:fills:${this.#now()}`,
      });
    }
    this.#fills.clear();
  }

  #onBot(botId: string): void {
    const s = this.#runner.session(botId);
    const health = s?.engine.spread?.state.health;
    if (!s || !health) return;
    const prev = this.#health.get(botId);
    this.#health.set(botId, health.status);
    if (prev === health.status) return;
    if (health.status === 'EMERGENCY') {
      this.#send({
        kind: 'emergency',
        severity: 'critical',
        botId,
        title: `${s.name}: spread EMERGENCY — closing every leg, opening nothing`,
        lines: [health.reason, 'Only an operator reset leaves EMERGENCY.'].filter(Boolean),
        dedupKey: `${botId}:emergency`,
      });
    } else if (prev === 'EMERGENCY') {
      this.#send({
        kind: 'emergency',
        severity: 'info',
        botId,
        title: `${s.name}: spread left EMERGENCY (now ${health.status})`,
        lines: health.reason ? [health.reason] : [],
        dedupKey: `${botId}:emergency-cleared`,
      });
    }
  }

  #scheduleSummary(): void {
    const at = this.#config.summaryAtMinute;
    if (at === null) return;
    const now = this.#now();
    const midnight = Math.floor(now / 86_400_000) * 86_400_000;
    let next = midnight + at * 60_000;
    if (next <= now) next += 86_400_000;
    this.#timers.push(
      setTimeout(() => {
        this.sendSummary();
        this.#scheduleSummary();
      }, next - now).unref(),
    );
  }

  /** One message: every bot's equity, its change since the last summary, PnL parts, fills, verdict, health. */
  sendSummary(): void {
    const sessions = this.#runner.sessions();
    const lines = sessions.map((s) => this.#summaryLine(s));
    this.#send({
      kind: 'summary',
      severity: 'info',
      title: `Daily summary: ${sessions.length} bot${sessions.length === 1 ? '' : 's'} (${this.#runner.mode})`,
      lines: lines.length > 0 ? lines : ['no bots running'],
      dedupKey: `summary:${Math.floor(this.#now() / 3_600_000)}`,
    });
  }

  #summaryLine(s: BotSession): string {
    const v = summaryView(s);
    const p = pnlOf(s);
    const day = this.#day.get(s.id) ?? { fills: 0, equity: undefined };
    const change =
      day.equity === undefined ? 'since start' : `${usd(v.equity - day.equity)} since last summary`;
    this.#day.set(s.id, { fills: 0, equity: v.equity });
    const verdict = s.engine.lastVerdict()?.kind ?? '—';
    return (
      `${s.name} (${v.markets.join('/')}, ${v.status}): equity ${usd(v.equity, false)} (${change}); ` +
      `PnL ${usd(p.total)} = realized ${usd(p.realized)}, unrealized ${usd(p.unrealized)}, ` +
      `funding ${usd(p.funding)}, fees paid ${usd(p.fees, false)}; ${day.fills} fills; ` +
      `verdict ${verdict}; health ${round(v.health, 1)}`
    );
  }
}

const label = (c: RiskClass): string =>
  c === 'normal' ? 'trading normally' : c === 'PAUSE' ? 'PAUSED' : 'REDUCE-ONLY';

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

const signed = (n: number): string => (n > 0 ? `+${n}` : String(n));

/** Dollars with cents and a sign (`signedOut` false: no + for positives). */
function usd(n: number, signedOut = true): string {
  const text = Math.abs(n).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const sign = n < 0 && text !== '0.00' ? '−' : signedOut && n > 0 && text !== '0.00' ? '+' : '';
  return `${sign}$${text}`;
}
