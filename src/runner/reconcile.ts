/**
 * Restart reconciliation (DESIGN.md §1.3, the venue is the truth): read the venue's positions and open orders,
 * adopt the orders this bot recognises (its own, by order id and userOrderId, as the orders table recorded
 * them), cancel the ones it does not, let the engine take over the positions and its persisted memory (the
 * daily-loss latch), then ramp in again from `ts`.
 */
import type { Order } from '../domain/types.ts';
import { type Db, listOrders, loadBotMemory, markOrdersVanished } from '../store/index.ts';
import type { BotSession } from './bot-session.ts';

export interface ReconcileResult {
  adopted: Order[];
  cancelled: Order[];
  /** Orders recorded open that the venue no longer had; their rows are now 'vanished'. */
  vanished: Order[];
}

/** Splits the venue's open orders into those recorded as ours and strangers. Pure. */
export function classifyOrders(
  venueOpen: readonly Order[],
  recorded: readonly Order[],
): { adopt: Order[]; cancel: Order[] } {
  const ours = new Set(recorded.map((o) => `${o.orderId}:${o.userOrderId}`));
  const adopt: Order[] = [];
  const cancel: Order[] = [];
  for (const o of venueOpen) (ours.has(`${o.orderId}:${o.userOrderId}`) ? adopt : cancel).push(o);
  return { adopt, cancel };
}

export async function reconcileSession(db: Db, session: BotSession, ts: number): Promise<ReconcileResult> {
  // The engine's persisted memory first (the daily-loss latch): the first decision must already see it.
  session.restoreMemory(await loadBotMemory(db, session.id));
  const account = await session.readAccount();
  const recorded = await listOrders(db, session.id, 'open');
  const { adopt, cancel } = classifyOrders(account.openOrders, recorded);
  session.knowOrders(adopt);
  if (cancel.length > 0) {
    await session.send(
      ts,
      cancel.map((o) => ({ kind: 'cancel', orderId: o.orderId })),
      `${session.name}-reconcile`,
    );
  }
  // Orders the table still shows open but the venue no longer has ended while we were away.
  const live = new Set(account.openOrders.map((o) => o.orderId));
  const gone = recorded.filter((o) => !live.has(o.orderId));
  // Close their rows so the table stops showing them open. How each ended (fill, cancel, expiry) is not known
  // here; any fill while away is already in the position the engine adopts below.
  await markOrdersVanished(
    db,
    session.id,
    gone.map((o) => o.orderId),
  );
  session.engine.adopt(await session.readAccount());
  session.engine.restart(ts);
  session.journal(ts, 'session', {
    event: 'reconciled',
    adopted: adopt.map((o) => o.orderId),
    cancelled: cancel.map((o) => o.orderId),
    vanished: gone.map((o) => o.orderId),
    positions: account.positions.filter((p) => p.base !== 0n),
  });
  session.event(
    'info',
    'started',
    `started: adopted ${adopt.length} open order(s), cancelled ${cancel.length} unknown, ${account.positions.filter((p) => p.base !== 0n).length} position(s)`,
    { adopted: adopt.length, cancelled: cancel.length },
  );
  return { adopted: adopt, cancelled: cancel, vanished: gone };
}
