/** `zero-perps db migrate` and `zero-perps db prune --older-than 30d`. */
import { parseArgs } from 'node:util';
import { UserError } from './user-error.ts';

const HELP = `usage: zero-perps db migrate
       zero-perps db prune --older-than AGE      (AGE like 30d, 12h, 90m)

Uses DATABASE_URL when set, else the embedded PGlite folder (.data/pglite or ZERO_PERPS_PGLITE_DIR).`;

export async function dbCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (!sub || sub === '--help' || sub === '-h') {
    console.log(HELP);
    return sub ? 0 : 2;
  }
  if (sub === 'migrate') {
    if (rest.length > 0) throw new UserError(`db migrate takes no arguments (got ${rest.join(' ')})`);
    const { runMigrateCommand } = await import('../store/index.ts');
    await runMigrateCommand();
    return 0;
  }
  if (sub === 'prune') {
    let values: { 'older-than'?: string };
    try {
      values = parseArgs({ args: rest, options: { 'older-than': { type: 'string' } }, strict: true }).values;
    } catch (err) {
      throw new UserError((err as Error).message);
    }
    const olderThan = values['older-than'];
    if (!olderThan) throw new UserError('db prune needs --older-than AGE, e.g. --older-than 30d');
    const { runPruneCommand } = await import('../store/index.ts');
    try {
      await runPruneCommand({ olderThan });
    } catch (err) {
      const msg = (err as Error).message;
      if (msg.startsWith('--older-than')) throw new UserError(msg);
      throw err;
    }
    return 0;
  }
  throw new UserError(`unknown db command "${sub}" (migrate or prune)`);
}
