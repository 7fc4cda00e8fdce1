/**
 * Serves the dashboard's build (web/dist) when it exists: files by path, index.html for client routes (paths
 * without an extension). Never leaves the root (normalised paths, no symlink following beyond what stat sees).
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { sendJson } from './http-util.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

const isFile = (p: string): boolean => {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
};

export function serveStatic(root: string, req: IncomingMessage, res: ServerResponse, pathname: string): void {
  const base = resolve(root);
  if (!existsSync(base)) {
    sendJson(res, 404, {
      error: 'the dashboard is not built (web/dist is missing); the API is under /api',
    });
    return;
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    sendJson(res, 400, { error: 'bad path' });
    return;
  }
  const rel = normalize(decoded).replace(/^([/\\])+/, '');
  let file = join(base, rel);
  if (file !== base && !file.startsWith(base + sep)) {
    sendJson(res, 404, { error: 'not found' });
    return;
  }
  if (!isFile(file)) {
    if (extname(rel) !== '') {
      sendJson(res, 404, { error: 'not found' });
      return;
    }
    file = join(base, 'index.html');
    if (!isFile(file)) {
      sendJson(res, 404, { error: 'not found' });
      return;
    }
  }
  const type = TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
  const hashed = /[.-][0-9a-zA-Z_-]{8,}\.(js|css|woff2?|svg|png)$/.test(file);
  res.writeHead(200, {
    'content-type': type,
    'cache-control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(file).pipe(res);
}
