/**
 * Sends whose outcome is unknown (the answer was lost): DriftVenue keeps each until a heartbeat resolves it as
 * landed, failed or expired (its blockhash passed unseen, so it can never land).
 */
import type { TxSender } from './tx-sender.ts';

/** A send whose outcome is unknown, with what the sender needs to resolve it. */
export interface UnknownSend {
  sub: number;
  signature?: string;
  lastValidBlockHeight?: number;
}

/**
 * Resolves and removes every unknown send. Throws while any is still pending (the heartbeat then stays
 * degraded); the ones resolved before it are removed already.
 */
export async function resolveUnknownSends(sender: TxSender, unknownSends: UnknownSend[]): Promise<void> {
  const resolve = sender.resolve?.bind(sender);
  for (let i = unknownSends.length - 1; i >= 0; i--) {
    const u = unknownSends[i];
    // A sender that cannot tell (tests' in-memory layers): the fresh read below is the answer.
    const r = resolve ? await resolve(u) : 'expired';
    if (r === 'pending') {
      throw new Error(
        `a transaction of unknown outcome may still land (valid until block height ${u.lastValidBlockHeight ?? '?'}); waiting`,
      );
    }
    unknownSends.splice(i, 1);
  }
}
