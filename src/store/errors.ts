/**
 * A database the user must act on (in use by another process, damaged, out of space, unreachable). The CLI
 * prints its message as one line, without a stack trace.
 */
export class StoreUnavailable extends Error {
  override name = 'StoreUnavailable';
}
