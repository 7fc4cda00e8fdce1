/** The dashboard's live feed behind `GET /api/events`: the runner's events written to every connected client. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Fill } from '../domain/types.ts';
import type { Runner, RunnerEvent } from '../runner/runner.ts';
import { summaryView } from './views.ts';

/** Server-Sent Events: bot updates (throttled per bot), fills, verdicts, status changes. */
export class SseHub {
  readonly #clients = new Set<ServerResponse>();
  readonly #pending = new Map<string, ReturnType<typeof setTimeout>>();
  readonly #last = new Map<string, number>();
  readonly #runner: Runner;
  readonly #throttleMs: number;
  readonly #unsubscribe: () => void;
  readonly #ping: ReturnType<typeof setInterval>;

  constructor(runner: Runner, throttleMs: number) {
    this.#runner = runner;
    this.#throttleMs = throttleMs;
    this.#unsubscribe = runner.subscribe((e) => this.#on(e));
    this.#ping = setInterval(() => this.#write(': ping\n\n'), 15_000);
    this.#ping.unref();
  }

  add(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    res.write('retry: 2000\n\n');
    this.#clients.add(res);
    for (const s of this.#runner.sessions()) res.write(frame('bot', summaryView(s)));
    req.on('close', () => this.#clients.delete(res));
  }

  close(): void {
    this.#unsubscribe();
    clearInterval(this.#ping);
    for (const t of this.#pending.values()) clearTimeout(t);
    for (const c of this.#clients) c.end();
    this.#clients.clear();
  }

  #write(text: string): void {
    for (const c of this.#clients) c.write(text);
  }

  #on(e: RunnerEvent): void {
    if (this.#clients.size === 0) return;
    if (e.kind === 'archived') {
      this.#write(frame('archived', { botId: e.botId }));
      return;
    }
    const s = this.#runner.session(e.botId);
    if (!s) return;
    if (e.kind === 'fill') {
      this.#write(frame('fill', fillView(e.data, s.engine.markets)));
      return;
    }
    if (e.kind === 'verdict') {
      this.#write(frame('verdict', e.data));
      return;
    }
    if (e.kind === 'status') {
      this.#write(frame('status', { botId: s.id, status: s.status, manual: { ...s.engine.manual } }));
      return;
    }
    if (this.#pending.has(s.id)) return;
    const wait = Math.max(0, (this.#last.get(s.id) ?? 0) + this.#throttleMs - Date.now());
    this.#pending.set(
      s.id,
      setTimeout(() => {
        this.#pending.delete(s.id);
        this.#last.set(s.id, Date.now());
        this.#write(frame('bot', summaryView(s)));
      }, wait),
    );
  }
}

function fillView(data: unknown, markets: readonly { marketIndex: number; symbol: string }[]): unknown {
  const d = data as { botId: string; fill: Fill; venueFillId: string };
  const f = d.fill;
  return {
    botId: d.botId,
    fill: {
      id: d.venueFillId,
      ts: f.ts,
      market: markets.find((m) => m.marketIndex === f.marketIndex)?.symbol ?? String(f.marketIndex),
      side: f.side,
      price: Number(f.price) / 1e6,
      base: Number(f.base) / 1e9,
      quote: Number(f.quote) / 1e6,
      fee: Number(f.fee) / 1e6,
      maker: f.maker,
      reduceOnly: f.reduceOnly,
      orderId: f.orderId,
    },
  };
}

const frame = (event: string, data: unknown): string =>
  `event: ${event}\ndata: ${JSON.stringify(data, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))}\n\n`;
