/**
 * The `zero-perps` command: dispatches to one module per subcommand. Returns the exit code.
 */
import { inspect } from 'node:util';
import { guardProcessOutput } from '../log/output-guard.ts';
import { redactText } from '../log/redact.ts';
import { loadDotEnv } from './env-file.ts';
import { isUserFacing } from './user-error.ts';

const USAGE = `usage: zero-perps <command> [options]

commands:
  backtest --config BOT.yaml --data [MARKET=]FILE [--data …] [--funding [MARKET=]FILE] [--out DIR]
           [--from T] [--to T] [--sample N]      run a bot over historical data, write report.json/html
  start    [--config FILE …] [--mode paper|live] [--port N] [--host H] [--speed X] [--yes]
                                                  run the bot-runner and the dashboard
  db migrate                                      apply database migrations
  db prune --older-than 30d                       delete old snapshots and journal rows

Run \`zero-perps <command> --help\` for a command's options.`;

type Command = (args: string[]) => Promise<number>;

const commands: Record<string, () => Promise<Command>> = {
  backtest: async () => (await import('./backtest-command.ts')).backtestCommand,
  start: async () => (await import('./start-command.ts')).startCommand,
  db: async () => (await import('./db-command.ts')).dbCommand,
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(USAGE);
    return name ? 0 : 2;
  }
  const load = commands[name];
  if (!load) {
    console.error(`zero-perps: unknown command "${name}"\n\n${USAGE}`);
    return 2;
  }
  guardProcessOutput();
  try {
    loadDotEnv();
    return await (await load())(rest);
  } catch (err) {
    if (isUserFacing(err)) {
      console.error(`zero-perps ${name}: ${redactText(err.message)}`);
      return 2;
    }
    const message = err instanceof Error ? err.message : String(err);
    console.error(`zero-perps ${name}: unexpected failure: ${redactText(message)}`);
    if (process.env.DEBUG) console.error(redactText(inspect(err, { depth: 6 })));
    else console.error('(set DEBUG=1 for the stack trace)');
    return 1;
  }
}
