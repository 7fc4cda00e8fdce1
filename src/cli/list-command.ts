/** `zero-perps list`: the bots — from the running runner's API when one answers, else from the database. */
import { listBots } from '../store/index.ts';
import { openExistingDb } from './local-db.ts';
import { parseManagementArgs, probeRunner } from './runner-client.ts';
import { UserError } from './user-error.ts';

const HELP = `usage: zero-perps list [--all] [--host H] [--port N]

Lists the bots: from the runner answering on --host/--port (default 127.0.0.1:PORT or 4280) with their
equity and PnL, or, when none answers, from the database (DATABASE_URL or .data/pglite). --all includes
archived bots.`;

interface Row {
  id: string;
  strategy: string;
  markets: string;
  mode: string;
  status: string;
  extra: string;
}

function print(rows: Row[], extraTitle: string): void {
  const head: Row = {
    id: 'bot',
    strategy: 'strategy',
    markets: 'markets',
    mode: 'mode',
    status: 'status',
    extra: extraTitle,
  };
  const all = [head, ...rows];
  const keys = ['id', 'strategy', 'markets', 'mode', 'status', 'extra'] as const;
  const width = keys.map((k) => Math.max(...all.map((r) => r[k].length)));
  for (const r of all)
    console.log(
      keys
        .map((k, i) => r[k].padEnd(width[i] ?? 0))
        .join('  ')
        .trimEnd(),
    );
}

export async function listCommand(argv: string[]): Promise<number> {
  const { values, positionals, address } = parseManagementArgs(argv, { all: { type: 'boolean' } }, HELP);
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (positionals.length > 0) throw new UserError(`list takes no names (got ${positionals.join(' ')})`);
  const health = await probeRunner(address);
  if (health) {
    const r = await fetch(`${address.url}/api/bots`, { signal: AbortSignal.timeout(5000) });
    const bots = (await r.json()) as {
      id: string;
      strategy: string;
      markets: string[];
      mode: string;
      status: string;
      equity: number;
      pnl: { total: number };
    }[];
    console.log(`runner at ${address.url} (${health.mode}), ${bots.length} bot(s) running`);
    print(
      bots.map((b) => ({
        id: b.id,
        strategy: b.strategy,
        markets: b.markets.join(','),
        mode: b.mode,
        status: b.status,
        extra: `equity ${b.equity.toFixed(2)} USDC, pnl ${b.pnl.total.toFixed(2)}`,
      })),
      'figures',
    );
    return 0;
  }
  const db = await openExistingDb();
  if (!db) {
    console.log(
      'no bots yet (no database); create one with zero-perps init and zero-perps start --config FILE',
    );
    return 0;
  }
  try {
    const bots = (await listBots(db)).filter((b) => values.all || b.status !== 'archived');
    const versions = await db.query<{ bot_id: string; v: number }>(
      'select bot_id, max(version) as v from perps_objectives group by bot_id',
    );
    const v = new Map(versions.map((r) => [r.bot_id, Number(r.v)]));
    const leased = await db.query<{ bot_id: string }>('select bot_id from leases where expires_at >= now()');
    const held = new Set(leased.map((r) => r.bot_id));
    console.log(`no runner answers at ${address.url}; from the database: ${bots.length} bot(s)`);
    print(
      bots.map((b) => ({
        id: b.id,
        strategy: b.strategy,
        markets: b.markets.join(','),
        mode: b.mode,
        // A bot runs where a runner holds its lease (another process on a shared server); the status column
        // may be what a runner that died last wrote.
        status: b.status === 'archived' ? 'archived' : held.has(b.id) ? 'running (leased)' : 'stopped',
        extra: v.has(b.id) ? `v${v.get(b.id)}` : '',
      })),
      'objective',
    );
    return 0;
  } finally {
    await db.close();
  }
}
