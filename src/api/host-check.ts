/**
 * The Host header check against DNS rebinding: a page on evil.example whose name is re-pointed at 127.0.0.1
 * reaches our port with `Host: evil.example`, so only our own names are answered. Bound to loopback: the
 * loopback names. Bound elsewhere: any IP literal (an IP cannot be rebound), localhost, this machine's
 * hostname and the names listed in ZERO_PERPS_ALLOWED_HOSTS (comma-separated, for a DNS name of the machine).
 */
import { isIP } from 'node:net';
import { hostname } from 'node:os';

export interface HostPolicy {
  port: number;
  names: Set<string>;
  anyIp: boolean;
}

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '::1'];

export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

export function isWildcardHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '');
  return h === '0.0.0.0' || h === '::' || h === '';
}

export function allowedHosts(
  bindHost: string,
  port: number,
  env: NodeJS.ProcessEnv = process.env,
): HostPolicy {
  const bound = bindHost.toLowerCase().replace(/^\[|\]$/g, '');
  if (isLoopbackHost(bound)) return { port, names: new Set([...LOOPBACK_NAMES, bound]), anyIp: false };
  const extra = (env.ZERO_PERPS_ALLOWED_HOSTS ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  return {
    port,
    names: new Set([...LOOPBACK_NAMES, hostname().toLowerCase(), bound, ...extra]),
    anyIp: true,
  };
}

/** `host[:port]` or `[v6][:port]` → [name, port | undefined]; undefined when malformed. */
function splitHost(header: string): [string, number | undefined] | undefined {
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(header.trim());
  if (!m) return undefined;
  const name = (m[1] as string).toLowerCase().replace(/^\[|\]$/g, '');
  return [name, m[2] === undefined ? undefined : Number(m[2])];
}

export function hostAllowed(header: string | undefined, policy: HostPolicy): boolean {
  if (!header) return false;
  const parsed = splitHost(header);
  if (!parsed) return false;
  const [name, port] = parsed;
  if ((port ?? 80) !== policy.port) return false;
  if (policy.names.has(name)) return true;
  return policy.anyIp && isIP(name) !== 0;
}
