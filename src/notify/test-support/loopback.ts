/**
 * A real HTTP server on 127.0.0.1 standing in for Telegram, Discord and a webhook receiver: it records every
 * request (method, path, headers, JSON body) and answers what the test scripts (200 by default).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
  raw: string;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Loopback {
  url: string;
  received: Received[];
  /** Answers for the next requests, in order; afterwards `fallback`. */
  script(...replies: Reply[]): void;
  fallback: (r: Received) => Reply;
  /** Resolves once `n` requests matching `pred` have arrived (or rejects after `timeoutMs`). */
  waitFor(pred: (r: Received) => boolean, n?: number, timeoutMs?: number): Promise<Received[]>;
  close(): Promise<void>;
}

export async function startLoopback(): Promise<Loopback> {
  const queue: Reply[] = [];
  const received: Received[] = [];
  const waiters = new Set<() => void>();
  const lb: Loopback = {
    url: '',
    received,
    script: (...replies) => queue.push(...replies),
    fallback: () => ({ status: 200, body: { ok: true } }),
    waitFor: (pred, n = 1, timeoutMs = 20_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const hits = received.filter(pred);
          if (hits.length < n) return false;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(hits);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(`waited ${timeoutMs} ms for ${n} request(s); got ${received.filter(pred).length}`),
          );
        }, timeoutMs);
        if (!check()) waiters.add(check);
      }),
    close: () => new Promise((r) => server.close(() => r())),
  };
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      raw += c;
    });
    req.on('end', () => {
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        // not JSON: kept in raw
      }
      const r: Received = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, raw };
      received.push(r);
      const reply = queue.shift() ?? lb.fallback(r);
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
      res.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
      for (const w of [...waiters]) w();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  lb.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return lb;
}
