/**
 * Stopping one bot's trading: what shutdown and archiving do per bot (grid: cancel every order, keep the
 * position; spread with closeOnShutdown: closing cycles first).
 */
import type { BotSession } from './bot-session.ts';

/** Archiving a bot that cannot be stopped cleanly from here (a 409 for the API). */
export class ArchiveRefused extends Error {
  override name = 'ArchiveRefused';
}

/** Grid: cancel every order, leave the position. Spread (closeOnShutdown): cycles that close the legs. */
export async function shutdownSession(s: BotSession, ts: number): Promise<void> {
  const cid = `${s.name}-shutdown`;
  if (s.engine.shutdownMode === 'close') {
    s.engine.requestShutdown();
    for (let i = 0; i < 3; i++) {
      const d = await s.cycle(ts, 'shutdown');
      if (!d || d.shutdownComplete) break;
    }
  }
  const account = await s.readAccount();
  if (account.openOrders.length > 0) await s.send(ts, [{ kind: 'cancelAll' }], cid);
  await s.readAccount();
  const left = s.account?.positions.filter((p) => p.base !== 0n).length ?? 0;
  const closing = s.engine.shutdownMode === 'close';
  // Honest about what happened: closing can be refused (e.g. a PAUSE on stale prices blocks every order).
  const message = !closing
    ? 'stopped: orders cancelled, position left'
    : left === 0
      ? 'stopped: positions closed'
      : `stopped: ${left} position(s) left open — closing was refused (last verdict ${s.engine.lastVerdict()?.kind ?? 'none'})`;
  s.event(closing && left > 0 ? 'warn' : 'info', 'stopped', message, {
    openOrders: s.account?.openOrders.length ?? 0,
    positions: left,
  });
}
