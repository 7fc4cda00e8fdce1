/**
 * Structured log events. Decision functions return these as data; the runner hands them to a Logger, which
 * adds time, bot id and the cycle's correlation id and writes one JSON line per event.
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export type LogCategory =
  | 'POSITION'
  | 'SIGNAL'
  | 'ORDER'
  | 'RECONCILE'
  | 'HEALTH'
  | 'RISK'
  | 'CYCLE'
  | 'SYSTEM';

export interface LogEvent {
  level: LogLevel;
  category: LogCategory;
  msg: string;
  fields?: Record<string, unknown>;
}

export const LOG_LEVEL_RANK: Readonly<Record<LogLevel, number>> = {
  debug: 10,
  info: 20,
  warn: 30,
  error: 40,
};
