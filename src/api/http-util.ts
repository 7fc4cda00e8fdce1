/** Small node:http helpers: security headers, JSON replies, bounded JSON bodies, the bearer-token check. */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const CSP =
  "default-src 'self'; connect-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
  "img-src 'self' data:; frame-ancestors 'none'";

export function securityHeaders(res: ServerResponse): void {
  res.setHeader('Content-Security-Policy', CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
}

/** A request the client must fix: status, message, and the offending field when there is one. */
export class HttpError extends Error {
  override name = 'HttpError';
  readonly status: number;
  readonly field: string | undefined;
  constructor(status: number, message: string, field?: string) {
    super(message);
    this.status = status;
    this.field = field;
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

export function sendError(res: ServerResponse, err: HttpError): void {
  sendJson(
    res,
    err.status,
    err.field !== undefined ? { error: err.message, field: err.field } : { error: err.message },
  );
}

const MAX_BODY = 64 * 1024;

/**
 * The request body as JSON; undefined for an empty body. Over 64 KiB → 413, but the rest of the body is still
 * read (and dropped): destroying the request mid-upload resets the socket, and the client would never see the
 * 413, only a dropped connection.
 */
export function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > MAX_BODY) {
        over = true;
        chunks.length = 0;
        reject(new HttpError(413, 'request body over 64 KiB'));
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', reject);
    req.on('end', () => {
      if (over) return;
      const text = Buffer.concat(chunks).toString('utf8').trim();
      if (text === '') return resolve(undefined);
      try {
        resolve(JSON.parse(text));
      } catch {
        reject(new HttpError(400, 'body: not valid JSON', 'body'));
      }
    });
  });
}

/** Constant-time check of `Authorization: Bearer <token>`. */
export function authorized(req: IncomingMessage, token: string): boolean {
  const h = req.headers.authorization;
  if (typeof h !== 'string' || !h.startsWith('Bearer ')) return false;
  const given = Buffer.from(h.slice(7).trim());
  const want = Buffer.from(token);
  return given.length === want.length && timingSafeEqual(given, want);
}

/**
 * `field: message` (the config parser's problem lines) → the field path: everything before the first ": ".
 * A field name may hold any character a JSON key can (`execution.a$b`, `risk. maxLeverage`), so no character
 * class: a 400 must name the field whatever the client called it.
 */
export function fieldOfProblem(problem: string): string | undefined {
  const at = problem.indexOf(': ');
  return at >= 0 ? problem.slice(0, at) : undefined;
}

export function intParam(
  value: string | null,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === null) return fallback;
  if (!/^\d+$/.test(value)) throw new HttpError(400, `${name}: must be an integer ${min}..${max}`, name);
  const n = Number(value);
  if (n < min || n > max) throw new HttpError(400, `${name}: must be an integer ${min}..${max}`, name);
  return n;
}
