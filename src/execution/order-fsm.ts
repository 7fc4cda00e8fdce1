/**
 * The life of one order as the bot tracks it, as ONE exhaustive table (state × event). Real-world oddities are
 * explicit cells rather than special cases in code:
 * - a fill after a cancel request still applies (the cancel may lose the race on chain);
 * - a rejected modify leaves the order open with its old params;
 * - duplicate or late events (a second ack, a repeated cancel_ack, a stale modify answer) are no-ops;
 * - a cancel request for an order that is already terminal is a no-op.
 * Anything else is an error value: the caller should re-read the venue (the venue is the truth).
 */

export type OrderFsmState =
  | 'new'
  | 'submitted'
  | 'open'
  | 'partially_filled'
  | 'filled'
  | 'cancelled'
  | 'rejected'
  | 'expired'
  | 'cancel_requested'
  | 'modify_requested';

export type OrderFsmEvent =
  | 'submit'
  | 'ack'
  | 'reject'
  | 'fill_partial'
  | 'fill_full'
  | 'cancel_request'
  | 'cancel_ack'
  | 'expire'
  | 'modify_request'
  | 'modify_reject'
  | 'modify_ack';

export const ORDER_FSM_STATES: readonly OrderFsmState[] = [
  'new',
  'submitted',
  'open',
  'partially_filled',
  'filled',
  'cancelled',
  'rejected',
  'expired',
  'cancel_requested',
  'modify_requested',
];

export const ORDER_FSM_EVENTS: readonly OrderFsmEvent[] = [
  'submit',
  'ack',
  'reject',
  'fill_partial',
  'fill_full',
  'cancel_request',
  'cancel_ack',
  'expire',
  'modify_request',
  'modify_reject',
  'modify_ack',
];

export const TERMINAL_STATES: ReadonlySet<OrderFsmState> = new Set([
  'filled',
  'cancelled',
  'rejected',
  'expired',
]);

/** null = invalid in that state. */
type Row = Readonly<Record<OrderFsmEvent, OrderFsmState | null>>;

const row = (cells: Partial<Record<OrderFsmEvent, OrderFsmState>>): Row => ({
  submit: null,
  ack: null,
  reject: null,
  fill_partial: null,
  fill_full: null,
  cancel_request: null,
  cancel_ack: null,
  expire: null,
  modify_request: null,
  modify_reject: null,
  modify_ack: null,
  ...cells,
});

export const ORDER_TRANSITIONS: Readonly<Record<OrderFsmState, Row>> = {
  new: row({
    submit: 'submitted',
    reject: 'rejected', // refused before sending (validation)
    cancel_request: 'cancelled', // never sent: nothing to cancel at the venue
  }),
  submitted: row({
    submit: 'submitted', // duplicate
    ack: 'open',
    reject: 'rejected',
    fill_partial: 'partially_filled', // taker fill seen before the ack
    fill_full: 'filled',
    cancel_request: 'cancel_requested',
    cancel_ack: 'cancelled', // venue-side cancel (IOC remainder, post-only 'try' skipped)
    expire: 'expired',
  }),
  open: row({
    ack: 'open', // duplicate
    fill_partial: 'partially_filled',
    fill_full: 'filled',
    cancel_request: 'cancel_requested',
    cancel_ack: 'cancelled', // venue-initiated (oracle guard rail)
    expire: 'expired',
    modify_request: 'modify_requested',
    modify_reject: 'open', // stale answer to an earlier modify
    modify_ack: 'open', // stale duplicate
  }),
  partially_filled: row({
    ack: 'partially_filled', // late ack
    fill_partial: 'partially_filled',
    fill_full: 'filled',
    cancel_request: 'cancel_requested',
    cancel_ack: 'cancelled', // remainder cancelled by the venue
    expire: 'expired',
    // modify_request: invalid — the planner re-places a partially filled order (cancel + place) instead,
    // because Drift's modify of a partial fill makes the new size ambiguous.
    modify_reject: 'partially_filled', // stale: a fill won the race against the modify
    modify_ack: 'partially_filled', // stale
  }),
  cancel_requested: row({
    ack: 'cancel_requested', // late ack
    reject: 'rejected', // the order itself failed before the cancel arrived
    fill_partial: 'cancel_requested', // fill after cancel request: applies, cancel still pending
    fill_full: 'filled', // the fill won the race
    cancel_request: 'cancel_requested', // duplicate
    cancel_ack: 'cancelled',
    expire: 'expired',
    modify_reject: 'cancel_requested', // stale
    modify_ack: 'cancel_requested', // stale: the cancel (by userOrderId) still follows
  }),
  modify_requested: row({
    ack: 'modify_requested', // late ack of the original place
    fill_partial: 'partially_filled', // a fill on the old params won the race
    fill_full: 'filled',
    cancel_request: 'cancel_requested',
    cancel_ack: 'cancelled',
    expire: 'expired',
    modify_request: 'modify_requested', // duplicate
    modify_reject: 'open', // old params stay
    modify_ack: 'open', // re-placed with the new params, nothing filled yet
  }),
  filled: row({
    ack: 'filled', // late
    fill_full: 'filled', // duplicate
    cancel_request: 'filled', // nothing left to cancel
    modify_reject: 'filled', // stale: rejected because it had filled
  }),
  cancelled: row({
    ack: 'cancelled', // late
    cancel_request: 'cancelled', // no-op
    cancel_ack: 'cancelled', // duplicate
    modify_reject: 'cancelled', // stale
  }),
  rejected: row({
    reject: 'rejected', // duplicate
    cancel_request: 'rejected', // nothing to cancel
  }),
  expired: row({
    ack: 'expired', // late
    cancel_request: 'expired', // nothing to cancel
    cancel_ack: 'expired', // the venue may report an expiry as a cancel
    expire: 'expired', // duplicate
    modify_reject: 'expired', // stale
  }),
};

export type TransitionResult = { ok: true; state: OrderFsmState } | { ok: false; error: string };

export function transition(state: OrderFsmState, event: OrderFsmEvent): TransitionResult {
  const next = ORDER_TRANSITIONS[state][event];
  return next === null
    ? { ok: false, error: `order event '${event}' is not valid in state '${state}'; re-read the venue` }
    : { ok: true, state: next };
}
