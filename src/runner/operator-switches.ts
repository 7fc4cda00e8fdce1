/**
 * The operator's switches on a running bot (API): pause and reduce-only, persisted and acted on at the bot's
 * next loop iteration; and a spread bot's health reset. Each is journaled and recorded as a bot event.
 */
import type { ManualControls } from '../engine/manual-controls.ts';
import type { Db } from '../store/index.ts';
import { saveManual } from './bot-records.ts';
import type { BotSession } from './bot-session.ts';

/** A health reset asked of a bot that has none (a grid bot). */
export class HealthResetError extends Error {
  override name = 'HealthResetError';
}

/** Sets the switches `change` names, persists them; returns all of them. `clock` is the bot's clock. */
export async function setManual(
  db: Db,
  session: BotSession,
  change: Partial<ManualControls>,
  clock: () => number,
): Promise<ManualControls> {
  const manual = session.engine.manual;
  if (change.pause !== undefined) manual.pause = change.pause;
  if (change.reduceOnly !== undefined) manual.reduceOnly = change.reduceOnly;
  await saveManual(db, session.id, manual);
  session.journal(clock(), 'note', { manual: { ...manual } });
  session.event('info', 'manual', `operator: pause=${manual.pause} reduceOnly=${manual.reduceOnly}`, {
    pause: manual.pause,
    reduceOnly: manual.reduceOnly,
  });
  session.engine.nudge();
  return { ...manual };
}

/**
 * A spread bot's health back to HEALTHY (from EMERGENCY or DEGRADED), persisted with the next tick's writes and
 * acted on at its next cycle. A grid bot has no such state: HealthResetError (the API answers 409).
 */
export function resetHealth(session: BotSession, clock: () => number): void {
  const spread = session.engine.spread;
  if (!spread) {
    throw new HealthResetError(
      `bot ${session.id} is a ${session.engine.strategy} bot: only spread bots have a health state to reset`,
    );
  }
  const before = spread.health.status;
  spread.resetHealth();
  session.journal(clock(), 'note', { healthReset: { from: before } });
  session.event('info', 'manual', `operator: health reset (was ${before})`, { from: before });
}
