/**
 * `zero-perps archive BOT [--delete]`: archiving stops a bot (every order cancelled) and hides it; --delete
 * removes an archived or stopped bot and its whole history for good. Through the running runner when one
 * answers (it cancels the orders), else in the database.
 */
import { getBot } from '../store/index.ts';
import { openExistingDb } from './local-db.ts';
import { parseManagementArgs, probeRunner, runnerRequest } from './runner-client.ts';
import { UserError } from './user-error.ts';

const HELP = `usage: zero-perps archive BOT [--delete] [--host H] [--port N] [--token T]

Stops BOT (grid: every order cancelled; spread: legs closed) and hides it: it no longer runs, lists or
takes its name. With a runner answering on --host/--port this goes through its API (token: API_TOKEN or
--token); without one, in the database (refused when the bot has open orders: start it and archive it then).
  --delete   remove the bot and all its history (fills, journal, objectives) for good; needs no runner running`;

export async function archiveCommand(argv: string[]): Promise<number> {
  const { values, positionals, address } = parseManagementArgs(argv, { delete: { type: 'boolean' } }, HELP);
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new UserError(`name one bot to archive\n${HELP}`);
  const id = positionals[0] as string;
  const health = await probeRunner(address);
  if (health) {
    if (values.delete) {
      throw new UserError(
        `a runner is running at ${address.url}: stop it first (zero-perps stop) to delete a bot`,
      );
    }
    const r = await runnerRequest(address, 'DELETE', `/api/bots/${encodeURIComponent(id)}`);
    if (r.status === 200) {
      console.log(`archived ${id}: stopped (orders cancelled) and hidden`);
      return 0;
    }
    throw new UserError(`${id}: ${String(r.body?.error ?? `the runner answered ${r.status}`)}`);
  }
  const db = await openExistingDb();
  if (!db) throw new UserError(`no bot "${id}" (there is no database yet)`);
  try {
    const bot = await getBot(db, id);
    if (!bot || (bot.status === 'archived' && !values.delete)) throw new UserError(`no bot "${id}"`);
    const open = await db.query<{ n: number }>(
      "select count(*)::integer as n from orders where bot_id = $1 and status = 'open'",
      [id],
    );
    const n = Number(open[0]?.n ?? 0);
    if (n > 0) {
      throw new UserError(
        `${id} has ${n} open order(s) recorded: start it (zero-perps start --config …) and archive it while it runs, so they are cancelled first`,
      );
    }
    const leased = await db.query('select 1 from leases where bot_id = $1 and expires_at >= now()', [id]);
    if (leased.length > 0)
      throw new UserError(`${id} is running in another runner (it holds the bot's lease)`);
    if (values.delete) {
      await db.query('delete from bots where id = $1', [id]);
      console.log(`deleted ${id} and its history`);
    } else {
      await db.query("update bots set status = 'archived', updated_at = now() where id = $1", [id]);
      console.log(`archived ${id}`);
    }
    return 0;
  } finally {
    await db.close();
  }
}
