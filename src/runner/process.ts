/**
 * The runner as a process: opens the database, the bots and the API, runs until SIGINT/SIGTERM, then shuts
 * down in order (stop deciding → per bot cancel or close → commit → release leases → close the API and the
 * database) and exits 0 — or 3 when a bot that was to close its positions could not within its
 * shutdownTimeoutSec (stderr names them). A second signal exits at once (130).
 */
import { randomBytes } from 'node:crypto';
import { type ApiServer, startApiServer } from '../api/server.ts';
import { createLogger, type Logger } from '../log/logger.ts';
import { type LogSink, openLogSink } from '../log/sink.ts';
import type { LogLevel } from '../log/types.ts';
import { type Notifications, startNotifications } from '../notify/start.ts';
import type { Db } from '../store/index.ts';
import type { OpenBot } from './bot-driver.ts';
import type { ShutdownOutcome } from './bot-shutdown.ts';
import { RunnerMetrics } from './metrics.ts';
import { Runner } from './runner.ts';

export interface RunProcessOptions {
  db: Db;
  mode: 'paper' | 'live';
  openBot: OpenBot;
  configs: { raw: Record<string, unknown>; source: string }[];
  /**
   * Run exactly the bots of `configs` (start --config): bots of earlier runs stay stopped. Otherwise every
   * bot of this mode in the database runs too (those made through the API), except archived ones.
   */
  exactly?: boolean;
  host: string;
  port: number;
  /** One line for humans on stderr describing the mode. */
  banner: string;
  logFile?: string;
  logLevel?: LogLevel;
  tickMs?: number;
  /** History kept, ms of each bot's clock (see RunnerOptions.retainMs). */
  retainMs?: number;
  /** Called once the runner has stopped (live: close the Drift connection). */
  onStopped?: () => Promise<void>;
}

export interface StartedProcess {
  runner: Runner;
  api: ApiServer;
  log: Logger;
  /** Resolves with the exit code once a signal has shut everything down. */
  done: Promise<number>;
}

export async function runProcess(o: RunProcessOptions): Promise<StartedProcess> {
  const sink = openLogSink({ file: o.logFile });
  let onLog: Parameters<typeof createLogger>[0]['onEvent'];
  const logger = (botId: string) =>
    createLogger({ root: sink.root, botId, minLevel: o.logLevel ?? 'info', onEvent: (e) => onLog?.(e) });
  const log = logger('runner');
  const metrics = new RunnerMetrics({ processMetrics: true });
  // Settings are checked before any bot opens: a typo in a webhook variable is one line, nothing started.
  const notifications = startNotifications(process.env, metrics, log);
  onLog = notifications.onLog;
  const runner = new Runner({
    db: o.db,
    mode: o.mode,
    openBot: o.openBot,
    metrics,
    logger,
    tickMs: o.tickMs,
    retainMs: o.retainMs,
  });
  // Watching from here: an error while the bots open is notified too.
  notifications.watch(runner);
  const token = process.env.API_TOKEN?.trim() || randomBytes(24).toString('base64url');
  // Listen first: a port in use must fail before any bot takes its lease or sends an order.
  const api = await startApiServer({ runner, token, host: o.host, port: o.port });
  try {
    const ids = await runner.ensureBots(o.configs);
    await runner.openAll(o.exactly ? ids : undefined);
  } catch (err) {
    await runner.stop().catch(() => {});
    await api.close();
    throw err;
  }
  runner.start();
  announce(o, runner, api, token, log);
  const done = onSignals(log, () => shutDown({ o, runner, api, notifications, log, sink }));
  return { runner, api, log, done };
}

/** Tells the humans on stderr the mode, the API's address (and token when generated), and logs the start. */
function announce(o: RunProcessOptions, runner: Runner, api: ApiServer, token: string, log: Logger): void {
  process.stderr.write(`${o.banner}\n`);
  if (api.exposed) {
    const w = `warning: the API listens on ${o.host}, beyond this machine's loopback: anyone who can reach it can read every bot (commands still need the token)`;
    process.stderr.write(`${w}\n`);
    log.warn('SYSTEM', w);
  }
  process.stderr.write(`dashboard and API: ${api.url}  (Ctrl-C stops the bots cleanly)\n`);
  if (!process.env.API_TOKEN?.trim()) process.stderr.write(`api token (for commands): ${token}\n`);
  log.info('SYSTEM', 'runner started', {
    mode: o.mode,
    bots: runner.sessions().map((s) => s.id),
    url: api.url,
  });
}

/**
 * The first SIGINT/SIGTERM runs `shutDown`, and the promise returned resolves with its exit code; a second signal
 * exits at once (130).
 */
function onSignals(log: Logger, shutDown: () => Promise<number>): Promise<number> {
  let resolveDone: (code: number) => void = () => {};
  const done = new Promise<number>((r) => {
    resolveDone = r;
  });
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) {
      process.stderr.write(`${signal} again: exiting now\n`);
      process.exit(130);
    }
    signalled = true;
    log.info('SYSTEM', `${signal}: shutting down (again to exit at once)`);
    void shutDown().then(resolveDone);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return done;
}

/** What the shutdown closes, in order. */
interface Running {
  o: RunProcessOptions;
  runner: Runner;
  api: ApiServer;
  notifications: Notifications;
  log: Logger;
  sink: LogSink;
}

/**
 * Stops the bots, then the notifications, the API, what `onStopped` closes, and the database; returns the exit
 * code: 0, 3 when positions that were to be closed are still open, 1 when a step failed.
 */
async function shutDown({ o, runner, api, notifications, log, sink }: Running): Promise<number> {
  let code = 0;
  try {
    const outcomes = await runner.stop();
    if (reportLeftOpen(outcomes, log)) code = 3;
    await notifications.stop();
    await api.close();
    await o.onStopped?.();
  } catch (err) {
    code = 1;
    log.error('SYSTEM', 'shutdown failed', { error: String(err) });
  }
  try {
    await o.db.close();
  } catch (err) {
    code = 1;
    log.error('SYSTEM', 'closing the database failed', { error: String(err) });
  }
  log.info('SYSTEM', 'shutdown complete', { code });
  await sink.close();
  return code;
}

/** A bot that was to close its positions and could not: logged and named on stderr; true when there is one. */
function reportLeftOpen(outcomes: readonly ShutdownOutcome[], log: Logger): boolean {
  const left = outcomes.filter((x) => x.closing && x.open.length > 0);
  if (left.length === 0) return false;
  const what = left
    .map(
      (x) => `${x.botId}: ${x.open.map((p) => `${p.market} ${p.base > 0 ? '+' : ''}${p.base}`).join(', ')}`,
    )
    .join('; ');
  log.error('POSITION', `shutdown left positions open: ${what}`);
  process.stderr.write(`zero-perps: shutdown left positions open — ${what}\n`);
  return true;
}
