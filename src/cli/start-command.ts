/**
 * `zero-perps start`: the bot-runner and its dashboard. Picks the mode:
 *   --mode live            RPC_URL + a key (PRIVATE_KEY / KEYPAIR_PATH) → DriftVenue; needs --yes without a TTY
 *   RPC_URL set (no live)  paper on Drift's live prices, fills simulated
 *   otherwise              paper on a replay of data/, --speed× real time (the demo)
 * Live requirements are checked before anything is opened, each failure as one line.
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parseBotConfig } from '../config/bot-config.ts';
import { readConfigFile } from '../config/read-config-file.ts';
import { logFileProblem } from '../log/sink.ts';
import type { LogLevel } from '../log/types.ts';
import { notifyConfigFromEnv } from '../notify/config.ts';
import { checkUniqueNames } from '../runner/config-sync.ts';
import { loadSigningKey, type SigningKeypair } from '../runner/keys.ts';
import type { runProcess } from '../runner/process.ts';
import type { Db } from '../store/index.ts';
import { parseAge } from '../store/retention.ts';
import { runnerHeap } from './gc-tuning.ts';
import { UserError } from './user-error.ts';

const HELP = `usage: zero-perps start [--config FILE …] [--mode paper|live] [--port N] [--host H] [--speed X] [--yes]

  --config FILE   a bot config (repeatable): runs exactly these bots (others stay stopped). An edited
                  file becomes the bot's next objective version. Without --config: every bot of the
                  mode in the database that is not archived, plus (paper) the demo bots
                  examples/sol-grid.yaml and examples/drift-kmno-spread.yaml.
  --mode M        paper (default) or live. Live trades real money: needs RPC_URL, PRIVATE_KEY or
                  KEYPAIR_PATH, and --yes when there is no terminal to confirm on.
  --port N        API/dashboard port (default PORT or 4280)
  --host H        bind address (default 127.0.0.1)
  --speed X       paper replay pace, data time per wall time (default 1800: an hour of data in 2 s)
  --no-loop       paper replay: idle at the end of the data instead of starting over
  --replay        paper: replay data/ even when RPC_URL is set
  --yes           confirm live mode without a prompt
  --log-file F    also append the logs to file F (JSON lines; stdout is pretty on a terminal)
  --log-level L   debug | info | warn | error (default info)
  --retain AGE    history kept per bot, in its own clock (a replay's data time): journal, snapshots,
                  verdicts, events, unfilled orders older than this are pruned as it runs (default 14d;
                  0 keeps everything). Fills, filled orders and funding are never pruned.

environment: DATABASE_URL (PostgreSQL; default embedded PGlite in .data/pglite, or ZERO_PERPS_PGLITE_DIR),
RPC_URL, PRIVATE_KEY / KEYPAIR_PATH (live), API_TOKEN (else one is generated and printed), PORT.`;

const DEMO_CONFIGS = ['../../examples/sol-grid.yaml', '../../examples/drift-kmno-spread.yaml'].map((p) =>
  fileURLToPath(new URL(p, import.meta.url)),
);

export interface StartArgs {
  configs: string[];
  mode: 'paper' | 'live' | undefined;
  port: number;
  host: string;
  speed: number;
  loop: boolean;
  replay: boolean;
  yes: boolean;
  logFile: string | undefined;
  logLevel: LogLevel;
  retainMs: number;
}

export function parseStartArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): StartArgs | 'help' {
  let v: ReturnType<typeof parse>;
  const parse = () =>
    parseArgs({
      args: argv,
      options: {
        config: { type: 'string', multiple: true },
        mode: { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        speed: { type: 'string' },
        'no-loop': { type: 'boolean' },
        replay: { type: 'boolean' },
        yes: { type: 'boolean' },
        'log-file': { type: 'string' },
        'log-level': { type: 'string' },
        retain: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    });
  try {
    v = parse();
  } catch (err) {
    throw new UserError(`${(err as Error).message} (see zero-perps start --help)`);
  }
  const o = v.values;
  if (o.help) return 'help';
  const mode = o.mode;
  if (mode !== undefined && mode !== 'paper' && mode !== 'live') {
    throw new UserError(`--mode must be paper or live (got "${mode}")`);
  }
  const portText = o.port ?? (env.PORT?.trim() || '4280');
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535)
    throw new UserError(`--port must be 0..65535 (got "${portText}")`);
  const speed = Number(o.speed ?? '1800');
  // Below 0.1 (ten times slower than real time) a replay would seem to hang.
  if (!(speed >= 0.1 && speed <= 1e7)) {
    throw new UserError(
      `--speed must be a number from 0.1 to 10000000 (data time per wall time; got "${o.speed}")`,
    );
  }
  const logFile = o['log-file'];
  const logProblem = logFile === undefined ? undefined : logFileProblem(logFile);
  if (logProblem) throw new UserError(logProblem);
  const level = o['log-level'] ?? 'info';
  if (!['debug', 'info', 'warn', 'error'].includes(level)) {
    throw new UserError(`--log-level must be debug, info, warn or error (got "${level}")`);
  }
  const retainText = o.retain ?? '14d';
  const retainMs = retainText.trim() === '0' ? 0 : parseAge(retainText);
  if (retainMs === undefined || (retainMs > 0 && retainMs < 3_600_000)) {
    throw new UserError(
      `--retain must be an age of at least 1h such as 30d, or 0 to keep everything (got "${retainText}")`,
    );
  }
  return {
    configs: o.config ?? [],
    mode,
    port,
    host: o.host ?? '127.0.0.1',
    speed,
    loop: !o['no-loop'],
    replay: o.replay ?? false,
    yes: o.yes ?? false,
    logFile,
    logLevel: level as LogLevel,
    retainMs,
  };
}

/** Live mode's preconditions, in the order a user fixes them; each failure is one line. */
export function checkLive(
  args: StartArgs,
  env: NodeJS.ProcessEnv,
  isTty: boolean,
): { rpcUrl: string; keypair: SigningKeypair } {
  const rpcUrl = env.RPC_URL?.trim();
  if (!rpcUrl) throw new UserError('live mode needs RPC_URL (a Solana RPC endpoint); none is set');
  if (!env.PRIVATE_KEY?.trim() && !env.KEYPAIR_PATH?.trim()) {
    throw new UserError('live mode needs a signing key: set PRIVATE_KEY or KEYPAIR_PATH');
  }
  const key = loadSigningKey({ PRIVATE_KEY: env.PRIVATE_KEY, KEYPAIR_PATH: env.KEYPAIR_PATH });
  if (!key.ok) throw new UserError(`live mode: ${key.error}`);
  if (!isTty && !args.yes) {
    throw new UserError('live mode trades real funds; without a terminal to confirm on, pass --yes');
  }
  return { rpcUrl, keypair: key.keypair };
}

async function confirmOnTerminal(publicKey: string): Promise<boolean> {
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(
      `LIVE trading with wallet ${publicKey}: real funds at risk. Type "live" to continue: `,
    );
    return answer.trim() === 'live';
  } finally {
    rl.close();
  }
}

function readConfigs(paths: string[]): { raw: Record<string, unknown>; source: string }[] {
  const files = paths.map((path) => {
    const raw = readConfigFile(path) as Record<string, unknown>;
    parseBotConfig(raw, path); // every problem, with the file name, before anything starts
    return { raw, source: path };
  });
  checkUniqueNames(files);
  return files;
}

export async function startCommand(argv: string[]): Promise<number> {
  // First: it may re-run the process with the runner's young-generation size (gc-tuning.ts).
  runnerHeap();
  const args = parseStartArgs(argv);
  if (args === 'help') {
    console.log(HELP);
    return 0;
  }
  const env = process.env;
  notifyConfigFromEnv(env); // a bad notification setting is one line before anything opens
  const isTty = Boolean(process.stdin.isTTY && process.stderr.isTTY);
  let live: LiveAccess | undefined;
  if (args.mode === 'live') {
    live = checkLive(args, env, isTty);
    if (isTty && !args.yes && !(await confirmOnTerminal(live.keypair.publicKey))) {
      throw new UserError('live mode not confirmed');
    }
  }
  const configPaths = args.configs.length > 0 ? args.configs : args.mode === 'live' ? [] : DEMO_CONFIGS;
  const configs = readConfigs(configPaths);
  const rpcUrl = env.RPC_URL?.trim();

  const { openDb } = await import('../store/index.ts');
  const { runProcess } = await import('../runner/process.ts');
  const db = await openDb();
  try {
    let started: StartedRunner;
    if (live) {
      started = await startLive(runProcess, db, args, live, configs);
    } else if (rpcUrl && !args.replay) {
      started = await startPaperOnLivePrices(runProcess, db, args, rpcUrl, configs);
    } else {
      started = await startPaperReplay(runProcess, db, args, configs);
    }
    const code = await started.done;
    // Leftover handles (SDK sockets, pools) must not keep a stopped runner alive.
    process.exit(code);
  } catch (err) {
    await db.close().catch(() => {});
    throw err;
  }
}

type LiveAccess = ReturnType<typeof checkLive>;
/** runProcess, imported by startCommand only once the configs are good (it loads the whole runner). */
type RunProcess = typeof runProcess;
type StartedRunner = Awaited<ReturnType<RunProcess>>;
type BotConfigFiles = ReturnType<typeof readConfigs>;

/** What every mode's runner takes from the flags: the bots, the API's address, the log and the retention. */
function runnerSettings(args: StartArgs, configs: BotConfigFiles) {
  return {
    configs,
    exactly: args.configs.length > 0,
    host: args.host,
    port: args.port,
    logFile: args.logFile,
    logLevel: args.logLevel,
    retainMs: args.retainMs,
  };
}

/** Live: the runner trades real funds on Drift with the checked key. */
async function startLive(
  runProcess: RunProcess,
  db: Db,
  args: StartArgs,
  live: LiveAccess,
  configs: BotConfigFiles,
): Promise<StartedRunner> {
  const { openLiveMode } = await import('../modes/live.ts');
  const m = await openLiveMode({ db, rpcUrl: live.rpcUrl, keypair: live.keypair, configs });
  return await runProcess({
    db,
    mode: 'live',
    openBot: m.openBot,
    ...runnerSettings(args, configs),
    banner: `zero-perps: LIVE on Drift as ${live.keypair.publicKey}`,
    tickMs: 1000,
    onStopped: m.close,
  });
}

/** Paper on Drift's live prices (RPC_URL set): the fills are simulated. */
async function startPaperOnLivePrices(
  runProcess: RunProcess,
  db: Db,
  args: StartArgs,
  rpcUrl: string,
  configs: BotConfigFiles,
): Promise<StartedRunner> {
  const { openPaperLiveMode } = await import('../modes/live.ts');
  const m = await openPaperLiveMode({ db, rpcUrl, configs });
  return await runProcess({
    db,
    mode: 'paper',
    openBot: m.openBot,
    ...runnerSettings(args, configs),
    banner: 'zero-perps: paper mode on Drift live prices (fills simulated)',
    tickMs: 1000,
    onStopped: m.close,
  });
}

/** Paper on a replay of data/ at --speed× (the demo). */
async function startPaperReplay(
  runProcess: RunProcess,
  db: Db,
  args: StartArgs,
  configs: BotConfigFiles,
): Promise<StartedRunner> {
  const { paperReplayFactory } = await import('../modes/paper.ts');
  return await runProcess({
    db,
    mode: 'paper',
    openBot: paperReplayFactory({ speed: args.speed, loop: args.loop }),
    ...runnerSettings(args, configs),
    banner: `zero-perps: paper mode, replaying data/ at ${args.speed}× (no RPC_URL)`,
  });
}
