/**
 * Notifications in the runner process: settings from the environment (a bad one throws before any bot opens),
 * one Notifier, the runner watch once the runner is up, and a bounded flush at shutdown. What is logged names
 * the channels, never a URL or a token.
 */
import type { LoggedEvent, Logger } from '../log/logger.ts';
import type { RunnerMetrics } from '../runner/metrics.ts';
import type { Runner } from '../runner/runner.ts';
import { channelsFor } from './channels.ts';
import { channelNames, notifyConfigFromEnv } from './config.ts';
import { Notifier } from './notifier.ts';
import { RunnerWatch } from './runner-watch.ts';

export interface Notifications {
  notifier: Notifier;
  onLog: (e: LoggedEvent) => void;
  watch(runner: Runner): void;
  /** Sends what is batched, waits for the queues (at most `timeoutMs`), stops. */
  stop(timeoutMs?: number): Promise<void>;
}

export function startNotifications(
  env: NodeJS.ProcessEnv,
  metrics: RunnerMetrics,
  log: Logger,
): Notifications {
  const config = notifyConfigFromEnv(env);
  const notifier = new Notifier(channelsFor(config), {
    dedupMs: config.dedupMs,
    maxPerMinute: config.maxPerMinute,
    onSent: (channel) => metrics.notifications.inc({ channel, outcome: 'sent' }),
    onGiveUp: (channel, error) => {
      metrics.notifications.inc({ channel, outcome: 'failed' });
      // warn, not error: error lines are themselves notified, and a failing channel must not feed itself.
      log.warn('SYSTEM', `notification via ${channel} not delivered: ${error}`);
    },
  });
  let watch: RunnerWatch | undefined;
  const names = channelNames(config);
  if (names.length > 0) {
    log.info('SYSTEM', `notifications on: ${names.join(', ')}`, {
      fills: config.fills,
      summaryAtUtc:
        config.summaryAtMinute === null
          ? 'off'
          : `${String(Math.floor(config.summaryAtMinute / 60)).padStart(2, '0')}:${String(config.summaryAtMinute % 60).padStart(2, '0')}`,
    });
  }
  return {
    notifier,
    onLog: (e) => watch?.onLog(e),
    watch: (runner) => {
      if (!notifier.enabled) return;
      watch = new RunnerWatch(runner, notifier, config);
      watch.start();
    },
    stop: async (timeoutMs = 5000) => {
      watch?.stop();
      if (!(await notifier.flush(timeoutMs))) {
        log.warn('SYSTEM', `notifications still queued after ${timeoutMs} ms were dropped at shutdown`);
      }
      notifier.close();
    },
  };
}
