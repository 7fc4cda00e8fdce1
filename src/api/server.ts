/**
 * The runner's HTTP API and the dashboard's static files (docs/api.md). node:http, no framework: a handful of
 * routes. Reads are open (bind 127.0.0.1 by default); commands need the bearer token. Responses carry only
 * display figures and configuration — never a key, the token or an RPC URL.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UserError } from '../cli/user-error.ts';
import { ConfigError } from '../config/config-error.ts';
import { ArchiveRefused } from '../runner/bot-shutdown.ts';
import type { Runner } from '../runner/runner.ts';
import { allowedHosts, type HostPolicy, hostAllowed } from './host-check.ts';
import { fieldOfProblem, HttpError, securityHeaders, sendError, sendJson } from './http-util.ts';
import { BadCursor } from './queries.ts';
import { type ApiContext, handleRequest } from './routes.ts';
import { SseHub } from './sse-hub.ts';

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

export async function startApiServer(o: ApiServerOptions): Promise<ApiServer> {
  const { runner } = o;
  const sse = new SseHub(runner, o.sseThrottleMs ?? 250);
  const context: ApiContext = { runner, options: o, sse };
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
    handleRequest(context, req, res).catch((err) => replyToFailure(runner, res, err));
  });

  // Idle keep-alive sockets stay open longer than a client or proxy keeps them (Node's 5 s default races a
  // client reusing the socket just as the server closes it: "other side closed").
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  const port = o.port ?? 4280;
  await listen(server, port, bindHost, sse);
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

/** A route's error as its reply: the client's mistakes name a status (and the field); the rest are ours. */
function replyToFailure(runner: Runner, res: ServerResponse, err: unknown) {
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
}

/** Binds the port; a port in use or an address this machine does not have becomes a UserError that says so. */
function listen(server: Server, port: number, bindHost: string, sse: SseHub): Promise<void> {
  return new Promise<void>((resolve, reject) => {
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
}
