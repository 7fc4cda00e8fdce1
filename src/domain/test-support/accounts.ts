/** Account and order values for tests: an empty, healthy account and a resting limit buy, each field overridable. */
import type { AccountState, Order } from '../types.ts';

export const testAccount = (over: Partial<AccountState> = {}): AccountState => ({
  subaccountId: 0,
  collateral: 0n,
  positions: [],
  openOrders: [],
  totalCollateral: 0n,
  freeCollateral: 0n,
  initialMarginRequirement: 0n,
  maintenanceMarginRequirement: 0n,
  leverage: 0,
  health: 100,
  ...over,
});

/** 1 base at 100 (BASE and PRICE precision), unfilled, open, post-only. */
export const testOrder = (over: Partial<Order> = {}): Order => ({
  orderId: 1,
  marketIndex: 0,
  side: 'buy',
  orderType: 'limit',
  base: 1_000_000_000n,
  price: 100_000_000n,
  reduceOnly: false,
  postOnly: 'must',
  ioc: false,
  userOrderId: 1,
  maxTs: 0,
  filledBase: 0n,
  status: 'open',
  placedTs: 0,
  ...over,
});
