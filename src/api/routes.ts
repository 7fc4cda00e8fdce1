/**
 * The request router: /metrics, the dashboard's files, then the API — the bearer-token check on every command,
 * /api/health, /api/events and /api/bots (bot-routes.ts). Errors are thrown; server.ts turns them into replies.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { Runner } from '../runner/runner.ts';
import { botsRoute } from './bot-routes.ts';
import { authorized, HttpError, sendJson } from './http-util.ts';
import type { ApiServerOptions } from './server.ts';
import type { SseHub } from './sse-hub.ts';
import { serveStatic } from './static-files.ts';

export const DEFAULT_WEB_DIST = fileURLToPath(new URL('../../web/dist', import.meta.url));

/** What every request of one server is answered from. */
export interface ApiContext {
  runner: Runner;
  options: ApiServerOptions;
  sse: SseHub;
}

export async function handleRequest(
  ctx: ApiContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const { runner, options: o, sse } = ctx;
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
  return botsRoute(runner, req, res, url, parts, method);
}
