/**
 * Venue events from polling: the difference between two reads of a subaccount, as VenueEvents.
 *
 * Polling sees states, not actions, so it tells only what the states imply:
 * - an order that appears is `accepted`;
 * - an open order whose filled amount grew was `filled` by that much, at its limit price (a resting order fills
 *   at its price);
 * - an order that disappears was filled for its remainder when the position in its market moved by at least
 *   that remainder in its direction, otherwise `cancelled` (by us, expiry or the program);
 * - fees and funding come from Drift's user-level running totals (polled-ledger.ts): the window's funding events
 *   add up to the change of `cumulativePerpFunding`, and its fills' fees make the booked cash equal the change
 *   of the positions' quote to the micro-USDC. Per fill the fee is exact when a window holds one fill; several
 *   fills in one window share their total in proportion to quote (Drift's EventSubscriber would tell them apart).
 */
import type { AccountState, Fill, Order, VenueEvent } from '../../domain/types.ts';
import { bookPolledFees, type DriftUserTotals, polledFunding } from './polled-ledger.ts';

/** What a poll must carry for the diff: the account and Drift's running totals. */
export type PolledAccount = AccountState & { totals: DriftUserTotals };

const quoteOf = (base: bigint, price: bigint): bigint => (base * price) / 1_000_000_000n;

export function diffAccountStates(prev: PolledAccount, next: PolledAccount, ts: number): VenueEvent[] {
  const sub = next.subaccountId;
  const events: VenueEvent[] = [];
  const before = new Map(prev.openOrders.map((o) => [o.orderId, o]));
  const after = new Map(next.openOrders.map((o) => [o.orderId, o]));
  const posBefore = new Map(prev.positions.map((p) => [p.marketIndex, p]));
  const posAfter = new Map(next.positions.map((p) => [p.marketIndex, p]));
  /** Base per market still to be explained by fills of vanished orders. */
  const unexplained = new Map<number, bigint>();
  for (const m of new Set([...posBefore.keys(), ...posAfter.keys()])) {
    unexplained.set(m, (posAfter.get(m)?.base ?? 0n) - (posBefore.get(m)?.base ?? 0n));
  }
  const consume = (o: Order, base: bigint): void => {
    const signed = o.side === 'buy' ? base : -base;
    unexplained.set(o.marketIndex, (unexplained.get(o.marketIndex) ?? 0n) - signed);
  };

  for (const o of next.openOrders) {
    const was = before.get(o.orderId);
    if (!was) {
      events.push({ type: 'accepted', ts, subaccountId: sub, order: o });
      if (o.filledBase > 0n) events.push(fill(sub, o, o.filledBase, o.base - o.filledBase, ts));
      consume(o, o.filledBase);
    } else if (o.filledBase > was.filledBase) {
      const delta = o.filledBase - was.filledBase;
      events.push(fill(sub, o, delta, o.base - o.filledBase, ts));
      consume(o, delta);
    }
  }
  for (const o of prev.openOrders) {
    if (after.has(o.orderId)) continue;
    const remaining = o.base - o.filledBase;
    const moved = unexplained.get(o.marketIndex) ?? 0n;
    const towards = o.side === 'buy' ? moved : -moved;
    if (remaining > 0n && towards >= remaining) {
      events.push(fill(sub, o, remaining, 0n, ts));
      consume(o, remaining);
    } else {
      events.push({
        type: 'cancelled',
        ts,
        subaccountId: sub,
        orderId: o.orderId,
        userOrderId: o.userOrderId,
        reason: 'no longer open on the venue',
      });
    }
  }
  const fills = events.flatMap((e): Fill[] => (e.type === 'filled' ? [e.fill] : []));
  bookPolledFees(prev, next, fills);
  events.push(...polledFunding(prev, next, sub, ts, fills));
  return events;
}

function fill(subaccountId: number, o: Order, base: bigint, remainingBase: bigint, ts: number): VenueEvent {
  return {
    type: 'filled',
    ts,
    subaccountId,
    remainingBase,
    fill: {
      ts,
      marketIndex: o.marketIndex,
      orderId: o.orderId,
      userOrderId: o.userOrderId,
      side: o.side,
      price: o.price,
      base,
      quote: quoteOf(base, o.price),
      fee: 0n,
      maker: o.postOnly !== 'none',
      reduceOnly: o.reduceOnly,
    },
  };
}
