/**
 * What a leak search reads from a runner, gathered as [where it came from, text] pairs: every API answer with
 * its headers, a short read of the SSE stream, every row of every table — and the files under a folder.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { openDb } from '../../src/store/index.ts';

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

/** The readers of a runner that add what they read to `corpus`; `defaultToken` is the API token they send. */
export function corpusReaders(corpus: [string, string][], defaultToken: string) {
  async function call(
    base: string,
    method: string,
    path: string,
    body?: string,
    token: string | null = defaultToken,
  ): Promise<Answer> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token !== null) headers.authorization = `Bearer ${token}`;
    const r = await fetch(`${base}${path}`, { method, headers, body });
    const text = await r.text();
    const head = [...r.headers].map(([k, v]) => `${k}: ${v}`).join('\n');
    corpus.push([`${method} ${path} → ${r.status}`, `${head}\n\n${text}`]);
    return { status: r.status, headers: r.headers, text };
  }

  /** A short read of the SSE stream (it never ends by itself). */
  async function readEvents(base: string, ms: number): Promise<string> {
    const ac = new AbortController();
    const r = await fetch(`${base}/api/events`, { signal: ac.signal });
    const reader = (r.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    const timer = setTimeout(() => ac.abort(), ms);
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
    } catch {
      // aborted: the read is over
    } finally {
      clearTimeout(timer);
    }
    corpus.push([
      'GET /api/events (SSE)',
      `${[...r.headers].map(([k, v]) => `${k}: ${v}`).join('\n')}\n\n${text}`,
    ]);
    return text;
  }

  /** Every row of every table, as PostgreSQL prints it. */
  async function dumpDatabase(dataDir: string, label: string): Promise<number> {
    const db = await openDb({ url: '', dataDir, migrate: false });
    let rows = 0;
    try {
      const tables = await db.query<{ s: string; t: string }>(
        `select table_schema as s, table_name as t from information_schema.tables
         where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')`,
      );
      assert.ok(tables.length >= 10, `${label}: found the runner's tables`);
      for (const { s, t } of tables) {
        const out = await db.query<{ r: string }>(`select x::text as r from "${s}"."${t}" x`);
        rows += out.length;
        corpus.push([`${label} table ${s}.${t}`, out.map((o) => o.r).join('\n')]);
      }
    } finally {
      await db.close();
    }
    return rows;
  }

  return { call, readEvents, dumpDatabase };
}

export function filesUnder(path: string): string[] {
  return readdirSync(path, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(path, e.name)) : [join(path, e.name)],
  );
}
