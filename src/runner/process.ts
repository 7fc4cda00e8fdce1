/**
 * The runner as a process: opens the database, the bots and the API, runs until SIGINT/SIGTERM, then shuts
 * down in order (stop deciding → per bot cancel or close → commit → release leases → close the API and the
 * database) and exits 0. A second signal exits at once (130).
 */
import { randomBytes } from 'node:crypto';
import { type ApiServer, startApiServer } from '../api/server.ts';
import { createLogger, type Logger } from '../log/logger.ts';
import { openLogSink } from '../log/sink.ts';
import type { LogLevel } from '../log/types.ts';
import { startNotifications } from '../notify/start.ts';
import type { Db } from '../store/index.ts';
import { RunnerMetrics } from './metrics.ts';
import { type OpenBot, Runner } from './runner.ts';

export interface RunProcessOptions {
  db: Db;
  mode: 'paper' | 'live';
  openBot: OpenBot;
  configs: { raw: Record<string, unknown>; source: string }[];
  host: string;
  port: number;
  /** One line for humans on stderr describing the mode. */
  banner: string;
  logFile?: string;
  logLevel?: LogLevel;
  tickMs?: number;
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
  });
  // Watching from here: an error while the bots open is notified too.
  notifications.watch(runner);
  await runner.ensureBots(o.configs);
  await runner.openAll();
  const token = process.env.API_TOKEN?.trim() || randomBytes(24).toString('base64url');
  const api = await startApiServer({ runner, token, host: o.host, port: o.port });
  runner.start();
  process.stderr.write(`${o.banner}\n`);
  process.stderr.write(`dashboard and API: ${api.url}  (Ctrl-C stops the bots cleanly)\n`);
  if (!process.env.API_TOKEN?.trim()) process.stderr.write(`api token (for commands): ${token}\n`);
  log.info('SYSTEM', 'runner started', {
    mode: o.mode,
    bots: runner.sessions().map((s) => s.id),
    url: api.url,
  });

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
    void (async () => {
      let code = 0;
      try {
        await runner.stop();
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
      resolveDone(code);
    })();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return { runner, api, log, done };
}
