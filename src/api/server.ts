/**
 * The runner's HTTP API and the dashboard's static files (docs/api.md). node:http, no framework: a handful of
 * routes. Reads are open (bind 127.0.0.1 by default); commands need the bearer token. Responses carry only
 * display figures and configuration — never a key, the token or an RPC URL.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { UserError } from '../cli/user-error.ts';
import { ConfigError } from '../config/config-error.ts';
import type { Fill } from '../domain/types.ts';
import { ArchiveRefused } from '../runner/bot-shutdown.ts';
import { HealthResetError } from '../runner/operator-switches.ts';
import type { Runner, RunnerEvent } from '../runner/runner.ts';
import { currentObjective, getBot } from '../store/index.ts';
import { allowedHosts, type HostPolicy, hostAllowed } from './host-check.ts';
import {
  authorized,
  fieldOfProblem,
  HttpError,
  intParam,
  readJson,
  securityHeaders,
  sendError,
  sendJson,
} from './http-util.ts';
import { objectiveVersions, publicNote } from './objectives.ts';
import { previewRoute } from './preview-route.ts';
import { BadCursor, pageFills, pageVerdicts } from './queries.ts';
import { serveStatic } from './static-files.ts';
import { detailView, summaryView } from './views.ts';

export interface ApiServerOptions {
  runner: Runner;
  token: string;
  host?: string;
  port?: number;
  /** Dashboard build folder; default <project>/web/dist. */
  webDist?: string;
  /** Minimum ms between two `bot` SSE events of one bot. Default 250. */
  sseThrottleMs?: number;
}

export interface ApiServer {
  server: Server;
  url: string;
  /** Bound beyond the loopback interface: reads are open to whoever can reach the machine. */
  exposed: boolean;
  close(): Promise<void>;
}

export const DEFAULT_WEB_DIST = fileURLToPath(new URL('../../web/dist', import.meta.url));

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export async function startApiServer(o: ApiServerOptions): Promise<ApiServer> {
  const { runner } = o;
  const sse = new SseHub(runner, o.sseThrottleMs ?? 250);
  const bindHost = o.host ?? '127.0.0.1';
  // Filled in once the port is known. A page on another origin that rebinds its DNS name to 127.0.0.1 sends
  // its own name as Host: answering only our own names keeps it from reading the API (DNS rebinding).
  let allowed: HostPolicy | undefined;
  const server = createServer((req, res) => {
    securityHeaders(res);
    if (allowed && !hostAllowed(req.headers.host, allowed)) {
      sendJson(res, 400, { error: 'Host header does not name this server (see docs/api.md, "Host check")' });
      return;
    }
    handle(req, res).catch((err) => {
      if (err instanceof HttpError) return sendError(res, err);
      if (err instanceof ConfigError) {
        const field = fieldOfProblem(err.problems[0] ?? err.message);
        return sendJson(res, 400, {
          error: err.message,
          ...(field !== undefined ? { field } : {}),
          problems: err.problems,
        });
      }
      if (err instanceof BadCursor) return sendJson(res, 400, { error: err.message, field: 'before' });
      if (err instanceof ArchiveRefused) return sendJson(res, 409, { error: err.message });
      const fault = runner.storageFault;
      if (fault && !res.headersSent) {
        return sendJson(res, 503, {
          error: `the database is unavailable (${fault.reason}); bots are paused`,
        });
      }
      runner.metrics.apiErrors.inc();
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      throw new HttpError(400, 'malformed request path');
    }
    const path = url.pathname;
    const method = req.method ?? 'GET';
    if (path === '/metrics') {
      if (method !== 'GET') throw new HttpError(405, 'method not allowed');
      const text = await runner.metrics.render();
      res.writeHead(200, { 'content-type': runner.metrics.contentType, 'cache-control': 'no-store' });
      res.end(text);
      return;
    }
    if (!path.startsWith('/api/') && path !== '/api') {
      if (method !== 'GET' && method !== 'HEAD') throw new HttpError(405, 'method not allowed');
      serveStatic(o.webDist ?? DEFAULT_WEB_DIST, req, res, path);
      return;
    }
    const parts = path.split('/').filter(Boolean).slice(1); // drop 'api'
    if (method !== 'GET' && method !== 'HEAD') {
      if (!authorized(req, o.token)) {
        res.setHeader('www-authenticate', 'Bearer');
        throw new HttpError(
          401,
          'this command needs Authorization: Bearer <token> (printed at start, or API_TOKEN)',
        );
      }
    }
    if (parts[0] === 'health' && parts.length === 1) {
      const fault = runner.storageFault;
      return sendJson(res, fault ? 503 : 200, {
        ok: !fault,
        ...(fault ? { storage: { ok: false, error: fault.reason, since: fault.since } } : {}),
        mode: runner.mode,
        bots: runner.sessions().length,
        // `zero-perps stop` signals this process (it checks the pid runs zero-perps first).
        pid: process.pid,
      });
    }
    if (parts[0] === 'events' && parts.length === 1) {
      if (method !== 'GET') throw new HttpError(405, 'method not allowed');
      sse.add(req, res);
      return;
    }
    if (parts[0] !== 'bots') throw new HttpError(404, 'no such endpoint');
    if (parts.length === 1) {
      if (method === 'GET') return sendJson(res, 200, runner.sessions().map(summaryView));
      if (method === 'POST') return createBot(req, res);
      throw new HttpError(405, 'method not allowed');
    }
    if (parts[1] === 'preview' && parts.length === 2 && method === 'POST') return previewRoute(req, res, url);
    let id: string;
    try {
      id = decodeURIComponent(parts[1] as string);
    } catch {
      throw new HttpError(400, 'malformed %-encoding in the bot id');
    }
    const action = parts[2];
    if (parts.length > 3) throw new HttpError(404, 'no such endpoint');
    if (action === undefined && method === 'DELETE') {
      if (!(await runner.archiveBot(id))) throw new HttpError(404, `no bot "${id}"`);
      return sendJson(res, 200, { id, status: 'archived' });
    }
    if (action === 'objectives') {
      if (method !== 'GET' && method !== 'HEAD') throw new HttpError(405, 'method not allowed');
      const bot = await getBot(runner.db, id);
      if (!bot || bot.status === 'archived') throw new HttpError(404, `no bot "${id}"`);
      return sendJson(res, 200, await objectiveVersions(runner.db, id));
    }
    const session = runner.session(id);
    if (!session) throw new HttpError(404, `no bot "${id}"`);
    if (action === undefined) {
      if (method !== 'GET') throw new HttpError(405, 'method not allowed');
      return sendJson(res, 200, detailView(session));
    }
    if (method === 'GET') {
      const limitOf = (fallback: number, max: number) =>
        intParam(url.searchParams.get('limit'), 'limit', fallback, 1, max);
      const before = url.searchParams.get('before') ?? undefined;
      switch (action) {
        case 'fills':
          return sendJson(
            res,
            200,
            await pageFills(runner.db, id, session.engine.markets, limitOf(50, 500), before),
          );
        case 'verdicts':
          return sendJson(
            res,
            200,
            await pageVerdicts(runner.db, id, session.engine.markets, limitOf(50, 500), before),
          );
        case 'history': {
          const limit = limitOf(2000, 5000);
          return sendJson(res, 200, { points: session.history.last(limit) });
        }
        case 'objective': {
          const obj = await currentObjective(runner.db, id);
          if (!obj) throw new HttpError(404, `bot "${id}" has no objective`);
          return sendJson(res, 200, {
            version: obj.version,
            strategy: obj.strategy,
            params: obj.params,
            execution: obj.executionPolicy,
            risk: obj.riskLimits,
            ...(obj.note ? { note: publicNote(obj.note) } : {}),
            createdAt: obj.createdAt,
          });
        }
        default:
          throw new HttpError(404, 'no such endpoint');
      }
    }
    const body = await readJson(req);
    if (method === 'POST') {
      switch (action) {
        case 'pause':
          noCommandFields(body);
          await runner.setManual(id, { pause: true });
          return sendJson(res, 200, detailView(session));
        case 'resume':
          noCommandFields(body);
          await runner.setManual(id, { pause: false, reduceOnly: false });
          return sendJson(res, 200, detailView(session));
        case 'reduce-only': {
          let on = !session.engine.manual.reduceOnly;
          if (body !== undefined) {
            if (!isObject(body)) throw new HttpError(400, 'body: must be an object {"on": boolean}', 'body');
            for (const k of Object.keys(body)) {
              if (k !== 'on') throw new HttpError(400, `${k}: unknown field (known: on)`, k);
            }
            if (body.on !== undefined) {
              if (typeof body.on !== 'boolean') throw new HttpError(400, 'on: must be true or false', 'on');
              on = body.on;
            }
          }
          await runner.setManual(id, { reduceOnly: on });
          return sendJson(res, 200, detailView(session));
        }
        case 'reset-health':
          noCommandFields(body);
          try {
            await runner.resetHealth(id);
          } catch (err) {
            if (err instanceof HealthResetError) throw new HttpError(409, err.message);
            throw err;
          }
          return sendJson(res, 200, detailView(session));
        default:
          throw new HttpError(404, 'no such endpoint');
      }
    }
    if (method === 'PUT' && action === 'objective') {
      if (!isObject(body))
        throw new HttpError(400, 'body: must be an object {params?, execution?, risk?, note?}', 'body');
      const patch: Parameters<Runner['updateObjective']>[1] = {};
      for (const [k, v] of Object.entries(body)) {
        if (k === 'note') {
          if (typeof v !== 'string' || v.length > 500)
            throw new HttpError(400, 'note: must be text (≤ 500)', 'note');
          patch.note = v;
        } else if (k === 'params' || k === 'execution' || k === 'risk') {
          if (!isObject(v)) throw new HttpError(400, `${k}: must be an object`, k);
          patch[k] = v;
        } else {
          throw new HttpError(400, `${k}: unknown field (known: params, execution, risk, note)`, k);
        }
      }
      try {
        const version = await runner.updateObjective(id, patch);
        return sendJson(res, 200, { botId: id, version });
      } catch (err) {
        if (err instanceof ConfigError) throw remapObjectiveError(err, session.engine.strategy);
        throw err;
      }
    }
    throw new HttpError(405, 'method not allowed');
  }

  async function createBot(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readJson(req);
    if (!isObject(body)) throw new HttpError(400, 'body: must be a bot config object', 'body');
    if (typeof body.name === 'string' && runner.session(body.name)) {
      throw new HttpError(409, `name: a bot named "${body.name}" exists`, 'name');
    }
    if (typeof body.name === 'string') {
      const rows = await runner.db.query('select 1 from bots where id = $1 or name = $1', [body.name]);
      if (rows.length > 0) throw new HttpError(409, `name: a bot named "${body.name}" exists`, 'name');
    }
    const session = await runner.createBot(body);
    sendJson(res, 201, detailView(session));
  }

  // Idle keep-alive sockets stay open longer than a client or proxy keeps them (Node's 5 s default races a
  // client reusing the socket just as the server closes it: "other side closed").
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  const port = o.port ?? 4280;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      sse.close();
      if (err.code === 'EADDRINUSE') {
        reject(
          new UserError(
            `port ${port} on ${bindHost} is in use (another runner?); pick another with --port N`,
          ),
        );
      } else if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND' || err.code === 'EACCES') {
        reject(new UserError(`cannot listen on ${bindHost}:${port} (${err.code}); check --host and --port`));
      } else reject(err);
    });
    server.listen(port, bindHost, () => {
      server.removeAllListeners('error');
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  allowed = allowedHosts(bindHost, addr.port);
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    server,
    url: `http://${host}:${addr.port}`,
    exposed: allowed.anyIp,
    async close() {
      sse.close();
      server.closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** pause and resume take no arguments: an empty body or `{}` (what the dashboard sends); anything else is a mistake. */
function noCommandFields(body: unknown): void {
  if (body === undefined) return;
  if (!isObject(body)) throw new HttpError(400, 'body: must be empty or {}', 'body');
  const first = Object.keys(body)[0];
  if (first !== undefined)
    throw new HttpError(400, `${first}: unknown field (this command takes none)`, first);
}

/** The objective's `params` is the config's strategy section: name the field as the API caller wrote it. */
function remapObjectiveError(err: ConfigError, strategy: string): HttpError {
  const first = err.problems[0] ?? err.message;
  let field = fieldOfProblem(first);
  if (field?.startsWith(`${strategy}.`)) field = `params.${field.slice(strategy.length + 1)}`;
  return new HttpError(400, first, field);
}

/** Server-Sent Events: bot updates (throttled per bot), fills, verdicts, status changes. */
class SseHub {
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
