/**
 * The `zero-perps` command: dispatches to one module per subcommand. Returns the exit code.
 */
import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { guardProcessOutput } from '../log/output-guard.ts';
import { redactText } from '../log/redact.ts';
import { loadDotEnv } from './env-file.ts';
import { isUserFacing } from './user-error.ts';

const USAGE = `usage: zero-perps <command> [options]

commands:
  backtest --config BOT.yaml --data [MARKET=]FILE [--data …] [--funding [MARKET=]FILE] [--out DIR]
           [--from T] [--to T] [--sample N] [--fill-model M] [--fill-models all] [--monte-carlo N]
                                                  run a bot over historical data, write report.json/html
  compare  RUN [RUN …]                            backtest runs side by side
  optimize --config BOT.yaml --data FILE --space SPACE.yaml --out DIR
                                                  walk-forward parameter search with overfitting statistics
  preview  --config BOT.yaml [--data FILE] [--paths N]
                                                  the risk of a config before starting it (Monte Carlo)
  data download drift|binance …                   download public candles and funding records
  start    [--config FILE …] [--mode paper|live] [--port N] [--host H] [--speed X] [--yes]
                                                  run the bot-runner and the dashboard
  bot reset-health NAME [--url URL]               reset a spread bot's EMERGENCY / DEGRADED health
  init     [FILE] [--strategy grid|spread]         write a commented bot config
  validate FILE …                                 check bot configs
  list     [--all]                                the bots and what they are doing
  stop                                            stop the running runner (as Ctrl-C does)
  archive  BOT [--delete]                         stop a bot for good and hide (or delete) it
  db migrate                                      apply database migrations
  db prune --older-than 30d                       delete old snapshots and journal rows
  --version                                       print the version

Run \`zero-perps <command> --help\` for a command's options.`;

type Command = (args: string[]) => Promise<number>;

const commands: Record<string, () => Promise<Command>> = {
  backtest: async () => (await import('./backtest-command.ts')).backtestCommand,
  compare: async () => (await import('./compare-command.ts')).compareCommand,
  optimize: async () => (await import('./optimize-command.ts')).optimizeCommand,
  preview: async () => (await import('./preview-command.ts')).previewCommand,
  data: async () => (await import('./data-command.ts')).dataCommand,
  start: async () => (await import('./start-command.ts')).startCommand,
  db: async () => (await import('./db-command.ts')).dbCommand,
  bot: async () => (await import('./bot-command.ts')).botCommand,
  init: async () => (await import('./init-command.ts')).initCommand,
  validate: async () => (await import('./validate-command.ts')).validateCommand,
  list: async () => (await import('./list-command.ts')).listCommand,
  stop: async () => (await import('./stop-command.ts')).stopCommand,
  archive: async () => (await import('./archive-command.ts')).archiveCommand,
};

export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(USAGE);
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-v' || name === 'version') {
    console.log(`zero-perps ${version()} (${runtimeName()})`);
    return 0;
  }
  const load = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!load) {
    console.error(`zero-perps: unknown command "${name}"\n\n${USAGE}`);
    return 2;
  }
  guardProcessOutput();
  let thread: typeof import('../backtest/streamed-load-thread.ts') | undefined;
  try {
    loadDotEnv();
    if (name === 'backtest') {
      // before the command's modules load: a thread takes as long to start as they take to load (the module)
      thread = await import('../backtest/streamed-load-thread.ts');
      thread.startThreadAhead(rest);
    }
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
  } finally {
    thread?.endThreadAhead();
  }
}

/** The runtime running us: Bun reports a Node version for compatibility, so ask for Bun's own first. */
function runtimeName(): string {
  const bun = (process.versions as Record<string, string | undefined>).bun;
  return bun ? `bun ${bun}` : `node ${process.versions.node}`;
}
