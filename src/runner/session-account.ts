/**
 * A session's reads of its venue account. The account last read is kept (`account`: the next `due` check, the
 * API, the snapshot row) together with the venue's generation when it was read (VenuePort.generation): while the
 * venue still shows that generation nothing moved, so a read would return the same figures and is skipped. Where
 * the venue offers a read-only view (VenuePort.accountView, the simulator) the view is kept (keepAccount) and no
 * promise is made: this runs on every bar of every paper bot.
 */
import type { AccountState } from '../domain/types.ts';
import type { VenuePort } from '../venue/port.ts';
import { keepAccount } from './kept-account.ts';
import type { RunnerMetrics } from './metrics.ts';

export class AccountReader {
  /** The account last read (see read). */
  account: AccountState | undefined;
  readonly #venue: VenuePort;
  readonly #subaccountId: number;
  readonly #metrics: RunnerMetrics;
  /** The bot's name (a failed read counts in its rpc error series). */
  readonly #bot: string;
  /** The venue's generation when `account` was read, undefined when unknown. */
  #generation: number | undefined;

  constructor(venue: VenuePort, subaccountId: number, metrics: RunnerMetrics, bot: string) {
    this.#venue = venue;
    this.#subaccountId = subaccountId;
    this.#metrics = metrics;
    this.#bot = bot;
  }

  /** Reads the venue's account now and keeps it (from the read-only view where the venue has one). */
  async read(): Promise<AccountState> {
    if (this.#venue.accountView) return this.#keepView();
    // Taken before the read: a move during it then shows as a later generation (a spare re-read, not a stale
    // account).
    const generation = this.#venue.generation;
    try {
      this.account = await this.#venue.getAccount(this.#subaccountId);
    } catch (err) {
      this.#metrics.rpcErrors.inc({ bot: this.#bot });
      throw err;
    }
    this.#generation = generation;
    return this.account;
  }

  /**
   * The venue's account now: `account` itself while the venue's generation is still the one it was read at, else
   * a read. Venues without a generation are always read. No promise when the venue has a read-only view: callers
   * await only a promise.
   */
  current(): AccountState | Promise<AccountState> {
    const g = this.#venue.generation;
    if (this.account !== undefined && g !== undefined && g === this.#generation) return this.account;
    if (this.#venue.accountView) return this.#keepView();
    return this.read();
  }

  /** A read from the venue's read-only view: synchronous, so the bar loop makes no promise for it. */
  #keepView(): AccountState {
    const generation = this.#venue.generation;
    const view = this.#venue.accountView as NonNullable<VenuePort['accountView']>;
    try {
      this.account = keepAccount(view.call(this.#venue, this.#subaccountId), this.account);
    } catch (err) {
      this.#metrics.rpcErrors.inc({ bot: this.#bot });
      throw err;
    }
    this.#generation = generation;
    return this.account;
  }
}
