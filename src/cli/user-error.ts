/**
 * An error the user can fix (bad flag, bad config, unreadable file). The CLI prints its message as one line
 * and exits non-zero, without a stack trace.
 */
export class UserError extends Error {
  override name = 'UserError';
}

/** Errors whose message is meant for the user as it stands: bad input, or an RPC that cannot be reached. */
const USER_FACING = new Set(['UserError', 'DataError', 'ConfigError', 'RpcUnavailable', 'StoreUnavailable']);

export function isUserFacing(err: unknown): err is Error {
  return err instanceof Error && USER_FACING.has(err.name);
}
