/**
 * How the management commands (list, stop, archive) reach a running runner: its API on --host/--port (default
 * 127.0.0.1 and PORT or 4280). A runner that does not answer means "none running here": the commands then work
 * on the database directly (which an embedded PGlite allows only when no runner holds it).
 */
import { parseArgs } from 'node:util';
import { UserError } from './user-error.ts';

export interface RunnerAddress {
  url: string;
  token: string | undefined;
}

export interface RunnerHealth {
  ok: boolean;
  mode: string;
  bots: number;
  pid?: number;
}

/** The --host/--port/--token flags every management command takes, plus its own. */
export function parseManagementArgs<O extends Record<string, { type: 'string' | 'boolean'; short?: string }>>(
  argv: string[],
  own: O,
  usage: string,
  env: NodeJS.ProcessEnv = process.env,
): { values: Record<string, string | boolean | undefined>; positionals: string[]; address: RunnerAddress } {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        ...own,
        host: { type: 'string' },
        port: { type: 'string' },
        token: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: true,
    });
  } catch (err) {
    throw new UserError(`${(err as Error).message}\n${usage}`);
  }
  const v = parsed.values as Record<string, string | boolean | undefined>;
  const portText = String(v.port ?? (env.PORT?.trim() || '4280'));
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535 || Number(portText) === 0) {
    throw new UserError(`--port must be 1..65535 (got "${portText}")`);
  }
  let host = String(v.host ?? '127.0.0.1');
  if (host === '0.0.0.0' || host === '::') host = '127.0.0.1'; // a wildcard bind answers on loopback
  const shown = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  const token = (typeof v.token === 'string' ? v.token : env.API_TOKEN)?.trim() || undefined;
  return {
    values: v,
    positionals: parsed.positionals,
    address: { url: `http://${shown}:${portText}`, token },
  };
}

/** The runner's health, or undefined when nothing answers there (refused, timeout, not our API). */
export async function probeRunner(address: RunnerAddress): Promise<RunnerHealth | undefined> {
  try {
    const r = await fetch(`${address.url}/api/health`, { signal: AbortSignal.timeout(2000) });
    // 503: a runner whose database fails; it still answers (and stops) like any other.
    if (!r.ok && r.status !== 503) return undefined;
    const body = (await r.json()) as RunnerHealth;
    return body && typeof body.mode === 'string' ? body : undefined;
  } catch {
    return undefined;
  }
}

/** A command for the running runner (needs its token). */
export async function runnerRequest(
  address: RunnerAddress,
  method: string,
  path: string,
): Promise<{ status: number; body: Record<string, unknown> | undefined }> {
  if (!address.token) {
    throw new UserError(
      `the runner at ${address.url} needs its API token for this: set API_TOKEN or pass --token (it was printed at start as "api token: …")`,
    );
  }
  const r = await fetch(`${address.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${address.token}` },
    signal: AbortSignal.timeout(120_000),
  });
  const body = (await r.json().catch(() => undefined)) as Record<string, unknown> | undefined;
  return { status: r.status, body };
}
