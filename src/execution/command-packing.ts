/**
 * How a plan's commands are packed into transactions (one OrderCommand = one Drift transaction).
 *
 * 1. Slots. Drift refuses a placement beyond 32 open orders (MaxNumberOfOrders). When the new orders fit only
 *    once the plan's plain cancels have landed, a cancel that fails (a lost transaction, a paused market) would
 *    get the placements after it refused. So in that case the cancels and the resting placements travel in
 *    atomic cancelAndPlace commands: either both land or neither does.
 * 2. Size. A Solana transaction carries at most 1,232 bytes. Measured with the SDK's builders
 *    (src/venue/drift/tx-size.test.ts), cancelOrdersByIds + placeOrders with 16 cancels and 12 places, every
 *    optional order field set, is 997 bytes; 16 + 20 does not fit. So an atomic command carries at most
 *    MAX_CANCELS_PER_COMMAND cancels and MAX_PLACES_PER_COMMAND places; larger ones are split into several, each
 *    freeing at least as many slots as it fills while cancels last, cancel-only chunks leading.
 */
import type { OrderCommand, OrderParams } from '../domain/types.ts';

export const MAX_PLACES_PER_COMMAND = 12;
export const MAX_CANCELS_PER_COMMAND = 16;

export interface PlannedCommands {
  /** Plain cancels (order ids). */
  cancels: number[];
  /** Taker placements (market IOC): they do not rest. */
  takerPlaces: OrderCommand[];
  /** Atomic cancelAndPlace commands (a side whose levels moved). */
  atomics: Extract<OrderCommand, { kind: 'cancelAndPlace' }>[];
  /** Modifies: one order out, one in, in one instruction. */
  modifies: OrderCommand[];
  /** Resting placements. */
  makerPlaces: OrderParams[];
}

/**
 * The commands in execution order: cancels, takers, atomics, modifies, resting places — or, when the resting
 * placements need the cancels' slots (`liveCount` live orders, `cap` allowed), the cancels and every resting
 * placement bound into atomic commands ahead of the takers and modifies.
 */
export function packCommands(p: PlannedCommands, liveCount: number, cap: number): OrderCommand[] {
  let adds = p.makerPlaces.length;
  for (const a of p.atomics) adds += a.place.length - a.cancelOrderIds.length;
  const needsCancels = p.cancels.length > 0 && liveCount + adds > cap;
  const out: OrderCommand[] = [];
  if (needsCancels) {
    const cancelIds = [...p.cancels];
    const places = [...p.makerPlaces];
    for (const a of p.atomics) {
      cancelIds.push(...a.cancelOrderIds);
      places.push(...a.place);
    }
    out.push(...splitAtomic(cancelIds, places));
    out.push(...p.takerPlaces, ...p.modifies);
    return out;
  }
  for (const id of p.cancels) out.push({ kind: 'cancel', orderId: id });
  out.push(...p.takerPlaces);
  for (const a of p.atomics) out.push(...splitAtomic(a.cancelOrderIds, a.place));
  out.push(...p.modifies);
  for (const order of p.makerPlaces) out.push({ kind: 'place', order });
  return out;
}

/**
 * One cancelAndPlace, or several within the per-transaction limits. Chunk k takes places in order and first as
 * many cancels as it places (so it does not need a free slot), then spare cancels up to the limit; cancels left
 * over lead in chunks of their own.
 */
export function splitAtomic(
  cancelOrderIds: readonly number[],
  place: readonly OrderParams[],
): Extract<OrderCommand, { kind: 'cancelAndPlace' }>[] {
  if (cancelOrderIds.length === 0 && place.length === 0) return [];
  if (cancelOrderIds.length <= MAX_CANCELS_PER_COMMAND && place.length <= MAX_PLACES_PER_COMMAND) {
    return [{ kind: 'cancelAndPlace', cancelOrderIds: [...cancelOrderIds], place: [...place] }];
  }
  const chunks: Extract<OrderCommand, { kind: 'cancelAndPlace' }>[] = [];
  let c = 0;
  for (let i = 0; i < place.length; i += MAX_PLACES_PER_COMMAND) {
    const places = place.slice(i, i + MAX_PLACES_PER_COMMAND);
    const take = Math.min(cancelOrderIds.length - c, places.length, MAX_CANCELS_PER_COMMAND);
    chunks.push({ kind: 'cancelAndPlace', cancelOrderIds: cancelOrderIds.slice(c, c + take), place: places });
    c += take;
  }
  // Spare cancels: topped up into the chunks (each up to the limit), the rest in leading cancel-only chunks.
  for (const chunk of chunks) {
    const room = MAX_CANCELS_PER_COMMAND - chunk.cancelOrderIds.length;
    if (room <= 0 || c >= cancelOrderIds.length) continue;
    chunk.cancelOrderIds.push(...cancelOrderIds.slice(c, c + room));
    c += Math.min(room, cancelOrderIds.length - c);
  }
  const lead: Extract<OrderCommand, { kind: 'cancelAndPlace' }>[] = [];
  for (; c < cancelOrderIds.length; c += MAX_CANCELS_PER_COMMAND) {
    lead.push({
      kind: 'cancelAndPlace',
      cancelOrderIds: cancelOrderIds.slice(c, c + MAX_CANCELS_PER_COMMAND),
      place: [],
    });
  }
  return [...lead, ...chunks];
}
