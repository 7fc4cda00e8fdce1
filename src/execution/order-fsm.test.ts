import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ORDER_FSM_EVENTS,
  ORDER_FSM_STATES,
  type OrderFsmEvent,
  type OrderFsmState,
  TERMINAL_STATES,
  transition,
} from './order-fsm.ts';

/**
 * The expected table, written independently of the implementation: one line per state, one cell per event in
 * the order of ORDER_FSM_EVENTS; '-' = invalid. Abbreviations below.
 */
const A: Record<string, OrderFsmState> = {
  new: 'new',
  sub: 'submitted',
  open: 'open',
  part: 'partially_filled',
  fill: 'filled',
  canc: 'cancelled',
  rej: 'rejected',
  exp: 'expired',
  creq: 'cancel_requested',
  mreq: 'modify_requested',
};
//        submit ack   reject fill_p fill_f creq  cack  expire mreq  mrej  mack
const EXPECTED: Record<OrderFsmState, string> = {
  new: '    sub    -     rej    -      -      canc  -     -      -     -     -',
  submitted: 'sub open  rej    part   fill   creq  canc  exp    -     -     -',
  open: '     -     open  -      part   fill   creq  canc  exp    mreq  open  open',
  partially_filled: '- part - part  fill   creq  canc  exp    -     part  part',
  cancel_requested: '- creq rej creq fill   creq  canc  exp    -     creq  creq',
  modify_requested: '- mreq - part   fill   creq  canc  exp    mreq  open  open',
  filled: '   -     fill  -      -      fill   fill  -     -      -     fill  -',
  cancelled: '-     canc  -      -      -      canc  canc  -      -     canc  -',
  rejected: ' -     -     rej    -      -      rej   -     -      -     -     -',
  expired: '  -     exp   -      -      -      exp   exp   exp    -     exp   -',
};

describe('order state machine', () => {
  for (const state of ORDER_FSM_STATES) {
    const cells = EXPECTED[state].trim().split(/\s+/);
    it(`row ${state}: every event`, () => {
      assert.equal(cells.length, ORDER_FSM_EVENTS.length);
      ORDER_FSM_EVENTS.forEach((event, i) => {
        const r = transition(state, event);
        if (cells[i] === '-') {
          assert.equal(r.ok, false, `${state} + ${event} should be invalid`);
          assert.ok(!r.ok && r.error.includes(state) && r.error.includes(event));
        } else {
          assert.deepEqual(r, { ok: true, state: A[cells[i]] }, `${state} + ${event}`);
        }
      });
    });
  }

  it('a fill after a cancel request still applies', () => {
    assert.deepEqual(transition('cancel_requested', 'fill_partial'), { ok: true, state: 'cancel_requested' });
    assert.deepEqual(transition('cancel_requested', 'fill_full'), { ok: true, state: 'filled' });
  });

  it('a rejected modify leaves the order open', () => {
    assert.deepEqual(transition('modify_requested', 'modify_reject'), { ok: true, state: 'open' });
  });

  it('terminal states never leave (any valid event maps them to themselves)', () => {
    for (const s of TERMINAL_STATES) {
      for (const e of ORDER_FSM_EVENTS) {
        const r = transition(s, e);
        if (r.ok) assert.equal(r.state, s, `${s} + ${e}`);
      }
    }
  });

  it('a duplicated event is idempotent wherever the first one was valid', () => {
    for (const s of ORDER_FSM_STATES) {
      for (const e of ORDER_FSM_EVENTS as OrderFsmEvent[]) {
        const once = transition(s, e);
        if (!once.ok || e === 'fill_partial') continue; // a second partial fill is a new fill, not a duplicate
        const twice = transition(once.state, e);
        assert.deepEqual(twice, once, `${s} + ${e} twice`);
      }
    }
  });

  it('the happy path: new → submitted → open → partially filled → filled', () => {
    let s: OrderFsmState = 'new';
    for (const e of ['submit', 'ack', 'fill_partial', 'fill_full'] as const) {
      const r = transition(s, e);
      assert.ok(r.ok);
      s = r.state;
    }
    assert.equal(s, 'filled');
  });
});
