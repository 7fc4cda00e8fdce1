/**
 * `zero-perps bot reset-health NAME`: the operator's way out of a spread bot's persisted EMERGENCY (or a
 * DEGRADED state) from a terminal. With a runner listening it goes through the API (the same command as the
 * dashboard's Reset health button), so the running bot acts on it at its next cycle; with no runner up it resets
 * the state stored in the database, which the next start reads.
 */
import { parseArgs } from 'node:util';
import { UserError } from './user-error.ts';

const HELP = `usage: zero-perps bot reset-health NAME [--url URL]

  Resets a spread bot's health (EMERGENCY or DEGRADED → HEALTHY).
  A running runner is asked through its API (POST /api/bots/NAME/reset-health) with the token in API_TOKEN;
  --url defaults to http://127.0.0.1:$PORT (4280). When nothing listens there, the state stored in the database
  (DATABASE_URL, else the embedded PGlite folder) is reset for the bot's next start.`;

export async function botCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (!sub || sub === '--help' || sub === '-h') {
    console.log(HELP);
    return sub ? 0 : 2;
  }
  if (sub !== 'reset-health') throw new UserError(`unknown bot command "${sub}" (reset-health)`);
  let parsed: ReturnType<typeof parse>;
  const parse = () =>
    parseArgs({ args: rest, options: { url: { type: 'string' } }, strict: true, allowPositionals: true });
  try {
    parsed = parse();
  } catch (err) {
    throw new UserError(`${(err as Error).message} (see zero-perps bot --help)`);
  }
  const [name, ...extra] = parsed.positionals;
  if (!name || extra.length > 0)
    throw new UserError('bot reset-health takes one bot name (see zero-perps bot --help)');
  const url = (parsed.values.url ?? `http://127.0.0.1:${process.env.PORT?.trim() || '4280'}`).replace(
    /\/$/,
    '',
  );
  const viaApi = await resetThroughApi(url, name);
  if (viaApi === 'no-runner') {
    await resetInDatabase(name);
    console.log(`${name}: health reset in the database (no runner at ${url}); the next start trades again`);
  } else {
    console.log(`${name}: health reset by the runner at ${url} (was ${viaApi})`);
  }
  return 0;
}

/** Asks the runner; 'no-runner' when nothing listens at `url`. Returns the status the bot had. */
async function resetThroughApi(url: string, name: string): Promise<string | 'no-runner'> {
  let before: Response;
  try {
    before = await fetch(`${url}/api/bots/${encodeURIComponent(name)}`);
  } catch {
    return 'no-runner';
  }
  if (before.status === 404) throw new UserError(`the runner at ${url} has no bot "${name}"`);
  const was = before.ok
    ? ((await before.json()) as { spread?: { health?: string } }).spread?.health
    : undefined;
  const token = process.env.API_TOKEN?.trim();
  if (!token) {
    throw new UserError(
      `a runner is up at ${url}: set API_TOKEN to its token (printed by zero-perps start) to send the reset`,
    );
  }
  const res = await fetch(`${url}/api/bots/${encodeURIComponent(name)}/reset-health`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: '{}',
  });
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as { error?: string };
    throw new UserError(`the runner refused the reset (${res.status}): ${body.error ?? res.statusText}`);
  }
  return was ?? 'unknown';
}

async function resetInDatabase(name: string): Promise<void> {
  const { openDb } = await import('../store/index.ts');
  const { initialHealth } = await import('../strategies/spread/health.ts');
  const { saveHealth } = await import('../runner/bot-records.ts');
  const db = await openDb();
  try {
    const rows = await db.query<{ strategy: string }>(
      'select b.strategy from bots b join runner_bots r on r.bot_id = b.id where b.id = $1',
      [name],
    );
    const row = rows[0];
    if (!row) throw new UserError(`no bot "${name}" in the database`);
    if (row.strategy !== 'spread') {
      throw new UserError(`bot "${name}" is a ${row.strategy} bot: only spread bots have a health state`);
    }
    await saveHealth(db, name, { ...initialHealth(), reason: 'manual reset (zero-perps bot reset-health)' });
  } finally {
    await db.close();
  }
}
