/**
 * Drift program errors → our RejectReason, and transport errors → whether a retry can help.
 * Codes from the SDK's IDL (`@drift-labs/sdk/lib/node/idl/drift.json`, v2.156.0 `errors`).
 */
import type { RejectReason } from '../../domain/types.ts';

/** Program error code → (IDL name, our reason). Codes not listed map to InvalidOrder with the IDL name. */
const DRIFT_ERRORS: Readonly<Record<number, readonly [string, RejectReason]>> = {
  6003: ['InsufficientCollateral', 'InsufficientCollateral'],
  6016: ['OrderSizeTooSmall', 'OrderAmountTooSmall'],
  6023: ['PriceBandsBreached', 'PriceBandsBreached'],
  6024: ['ExchangePaused', 'MarketPaused'],
  // Raised when only risk-reducing orders are allowed (reduce-only market or account, or a reduce-only order
  // that does not reduce the position): programs/drift/src/controller/orders.rs, math/orders.rs.
  6046: ['InvalidOrderNotRiskReducing', 'ReduceOnlyWouldIncrease'],
  6047: ['InvalidOrderSizeTooSmall', 'OrderAmountTooSmall'],
  6048: ['InvalidOrderNotStepSizeMultiple', 'InvalidOrderSizeStep'],
  6056: ['InvalidOrderMinOrderSize', 'OrderAmountTooSmall'],
  6057: ['PlacePostOnlyLimitFailure', 'PostOnlyWouldCross'],
  6059: ['OrderAmountTooSmall', 'OrderAmountTooSmall'],
  6060: ['MaxNumberOfOrders', 'MaxNumberOfOrders'],
  6061: ['OrderDoesNotExist', 'OrderNotFound'],
  6064: ['ReduceOnlyOrderIncreasedRisk', 'ReduceOnlyWouldIncrease'],
  6071: ['UserOrderIdAlreadyInUse', 'UserOrderIdAlreadyInUse'],
  6117: ['UserIsBeingLiquidated', 'BeingLiquidated'],
  6146: ['MarketActionPaused', 'MarketPaused'],
  6147: ['MarketPlaceOrderPaused', 'MarketPaused'],
  6149: ['MarketWithdrawPaused', 'MarketPaused'],
  6153: ['ReduceOnlyWithdrawIncreasedRisk', 'InsufficientCollateral'],
  6154: ['MaxOpenInterest', 'MaxOpenInterest'],
  // Drift's limit-price validation (tick multiple among others).
  6191: ['InvalidOrderLimitPrice', 'InvalidOrderPriceTick'],
  // settle_pnl: the market's pnl pool cannot pay the positive pnl now (the simulator's pool is unlimited).
  6260: ['PnlPoolCantSettleUser', 'InvalidOrder'],
  // The user account's own reduce-only status (not the market's).
  6254: ['UserReduceOnly', 'AccountReduceOnly'],
  6289: ['PlaceAndTakeOrderSuccessConditionFailed', 'PlaceAndTakeOrderSuccessConditionFailed'],
};

export interface ProgramError {
  code: number;
  name: string;
  reason: RejectReason;
}

export function programErrorFromCode(code: number): ProgramError {
  const known = DRIFT_ERRORS[code];
  return known
    ? { code, name: known[0], reason: known[1] }
    : { code, name: `DriftError${code}`, reason: 'InvalidOrder' };
}

/**
 * Finds a custom program error in whatever the RPC returned: a transaction `err` object
 * ({ InstructionError: [i, { Custom: n }] }), an error message ("custom program error: 0x1779"),
 * or simulation logs ("Error Number: 6057").
 */
export function findProgramError(source: unknown, logs: readonly string[] = []): ProgramError | undefined {
  const fromObject = customCode(source);
  if (fromObject !== undefined) return programErrorFromCode(fromObject);
  const texts = [
    source instanceof Error ? source.message : typeof source === 'string' ? source : '',
    ...logs,
  ];
  for (const text of texts) {
    const hex = /custom program error: 0x([0-9a-f]+)/i.exec(text);
    if (hex) return programErrorFromCode(Number.parseInt(hex[1], 16));
    const num = /Error Number: (\d+)/.exec(text);
    if (num) return programErrorFromCode(Number(num[1]));
  }
  return undefined;
}

function customCode(source: unknown): number | undefined {
  if (!source || typeof source !== 'object') return undefined;
  const ix = (source as { InstructionError?: unknown }).InstructionError;
  if (Array.isArray(ix) && ix[1] && typeof ix[1] === 'object') {
    const custom = (ix[1] as { Custom?: unknown }).Custom;
    if (typeof custom === 'number') return custom;
  }
  const nested = (source as { err?: unknown }).err;
  return nested !== undefined && nested !== source ? customCode(nested) : undefined;
}

/** How a failed RPC call should be treated. */
export type TransportErrorKind = 'rate-limited' | 'blockhash-expired' | 'timeout' | 'network' | 'fatal';

/** Classifies an RPC/transport error; only 'fatal' is not worth retrying. */
export function classifyTransportError(err: unknown): TransportErrorKind {
  const text = `${(err as { code?: unknown })?.code ?? ''} ${err instanceof Error ? err.message : String(err)}`;
  if (/\b429\b|too many requests|rate limit/i.test(text)) return 'rate-limited';
  if (/blockhash not found|block height exceeded|BlockhashNotFound|expired/i.test(text))
    return 'blockhash-expired';
  if (/timed? ?out|ETIMEDOUT|AbortError|aborted/i.test(text)) return 'timeout';
  if (
    /ECONNRESET|ECONNREFUSED|ENOTFOUND|EAI_AGAIN|socket hang up|fetch failed|network|\b50[234]\b/i.test(text)
  ) {
    return 'network';
  }
  return 'fatal';
}
