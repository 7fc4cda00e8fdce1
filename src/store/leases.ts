/**
 * Leases: several runner processes may share one PostgreSQL server, and each bot is driven by exactly one of
 * them at a time. A runner holds a bot through a lease row (bot_id, owner, expires_at) that it renews by
 * heartbeat. Expiry is judged by the database's clock (now()) in the SQL, never by a runner's clock.
 *
 * Safety argument: the keeper measures, on the runner's monotonic clock, from the moment it SENT the statement
 * that set expires_at = now() + ttl. The database evaluated now() after that moment, so the row expires no
 * earlier than sent + ttl (assuming the two clocks tick at the same rate). The keeper treats the lease as lost
 * at sent + ttl − safetyMargin, whether or not the database is reachable, so a runner that checks `isHeld()`
 * before each order stops sending before any other runner can acquire the bot. The margin absorbs clock-rate
 * differences and the time between the check and the order reaching the venue.
 */
import { fromDbTime, toSafeNumber } from './codec.ts';
import type { Db } from './db.ts';

export interface LeaseGrant {
  botId: string;
  owner: string;
  /** Grows with every change of holder: a fencing token for writes made under this lease. */
  epoch: number;
  /** Database time (epoch ms) at which the lease runs out unless renewed. */
  expiresAt: number;
  /** Database time (epoch ms) of the statement that granted it. */
  dbNow: number;
}

interface GrantRow {
  owner: string;
  epoch: string;
  expires_at: Date;
  db_now: Date;
}

function toGrant(botId: string, r: GrantRow): LeaseGrant {
  return {
    botId,
    owner: r.owner,
    epoch: toSafeNumber(r.epoch),
    expiresAt: fromDbTime(r.expires_at),
    dbNow: fromDbTime(r.db_now),
  };
}

/**
 * Takes the bot's lease when it is free, expired or already ours — one atomic statement. Returns undefined
 * when another owner holds an unexpired lease.
 */
export async function acquireLease(
  db: Db,
  botId: string,
  owner: string,
  ttlMs: number,
): Promise<LeaseGrant | undefined> {
  const rows = await db.query<GrantRow>(
    `insert into leases as l (bot_id, owner, epoch, acquired_at, renewed_at, expires_at)
     values ($1, $2, 1, now(), now(), now() + $3::integer * interval '1 millisecond')
     on conflict (bot_id) do update set
       owner = excluded.owner,
       epoch = case when l.owner = excluded.owner and l.expires_at >= now() then l.epoch else l.epoch + 1 end,
       acquired_at = case when l.owner = excluded.owner and l.expires_at >= now() then l.acquired_at
                          else now() end,
       renewed_at = now(),
       expires_at = excluded.expires_at
     where l.expires_at < now() or l.owner = excluded.owner
     returning owner, epoch, expires_at, now() as db_now`,
    [botId, owner, Math.round(ttlMs)],
  );
  return rows[0] && toGrant(botId, rows[0]);
}

/**
 * Extends a lease we still hold. Returns undefined when it is no longer ours (taken, released, or expired —
 * an expired lease is not silently revived: the holder must notice it lost the bot and acquire again).
 */
export async function renewLease(
  db: Db,
  botId: string,
  owner: string,
  ttlMs: number,
): Promise<LeaseGrant | undefined> {
  const rows = await db.query<GrantRow>(
    `update leases set renewed_at = now(), expires_at = now() + $3::integer * interval '1 millisecond'
     where bot_id = $1 and owner = $2 and expires_at >= now()
     returning owner, epoch, expires_at, now() as db_now`,
    [botId, owner, Math.round(ttlMs)],
  );
  return rows[0] && toGrant(botId, rows[0]);
}

/** Gives the bot up at once (expires the row, keeping its epoch). Returns false when it was not ours. */
export async function releaseLease(db: Db, botId: string, owner: string): Promise<boolean> {
  const rows = await db.query(
    `update leases set expires_at = now() - interval '1 millisecond' where bot_id = $1 and owner = $2
     returning bot_id`,
    [botId, owner],
  );
  return rows.length === 1;
}

/** Who holds the bot now, by the database's clock (undefined when nobody does). */
export async function currentLease(db: Db, botId: string): Promise<LeaseGrant | undefined> {
  const rows = await db.query<GrantRow>(
    `select owner, epoch, expires_at, now() as db_now from leases where bot_id = $1 and expires_at >= now()`,
    [botId],
  );
  return rows[0] && toGrant(botId, rows[0]);
}

/** Why a keeper stopped holding its lease. */
export type LeaseLostReason =
  /** The renewal statement found the lease no longer ours (taken by another owner, or expired). */
  | 'renewal-refused'
  /** No renewal succeeded in time: the local deadline passed (database slow or unreachable). */
  | 'deadline';

export interface LeaseKeeperOptions {
  db: Db;
  botId: string;
  owner: string;
  ttlMs: number;
  /** Lost this long before the lease can expire in the database (default ttl/4). */
  safetyMarginMs?: number;
  /** Called once, at the moment the lease is considered lost. Stop sending orders for the bot. */
  onLost: (reason: LeaseLostReason) => void;
  /** Called after each successful acquire or renewal (logging, tests). */
  onGranted?: (grant: LeaseGrant) => void;
  /** Monotonic milliseconds; injectable for tests. */
  clock?: () => number;
}

/**
 * Acquires a bot's lease and keeps it: renews every ttl/3, retries sooner after an error, and declares the
 * lease lost (onLost) the moment a renewal is refused or the local deadline passes. Once lost it stays lost;
 * call `acquire()` again to compete for the bot anew.
 */
export class LeaseKeeper {
  readonly botId: string;
  readonly owner: string;
  readonly ttlMs: number;
  readonly safetyMarginMs: number;
  readonly #db: Db;
  readonly #onLost: (reason: LeaseLostReason) => void;
  readonly #onGranted: ((grant: LeaseGrant) => void) | undefined;
  readonly #clock: () => number;
  #held = false;
  #deadline = 0;
  #epoch = 0;
  #renewTimer: ReturnType<typeof setTimeout> | undefined;
  #deadlineTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: LeaseKeeperOptions) {
    this.botId = options.botId;
    this.owner = options.owner;
    this.ttlMs = options.ttlMs;
    this.safetyMarginMs = options.safetyMarginMs ?? options.ttlMs / 4;
    if (!(this.ttlMs > 0) || this.safetyMarginMs < 0 || this.safetyMarginMs >= (this.ttlMs * 2) / 3) {
      throw new Error('lease ttl must be positive and the safety margin below two thirds of it');
    }
    this.#db = options.db;
    this.#onLost = options.onLost;
    this.#onGranted = options.onGranted;
    this.#clock = options.clock ?? (() => performance.now());
  }

  /** True while the lease is ours and its local deadline has not passed. Check before every order. */
  isHeld(): boolean {
    if (this.#held && this.#clock() >= this.#deadline) this.#lose('deadline');
    return this.#held;
  }

  /** The fencing token of the current holding (0 before the first acquire). */
  get epoch(): number {
    return this.#epoch;
  }

  /** Milliseconds left before the local deadline (0 when not held). */
  remainingMs(): number {
    return this.isHeld() ? this.#deadline - this.#clock() : 0;
  }

  /** One attempt to take the bot. True when it is ours; renewal then runs in the background. */
  async acquire(): Promise<boolean> {
    if (this.isHeld()) return true;
    const sent = this.#clock();
    const grant = await acquireLease(this.#db, this.botId, this.owner, this.ttlMs);
    if (!grant) return false;
    const deadline = sent + this.ttlMs - this.safetyMarginMs;
    if (this.#clock() >= deadline) {
      // The grant arrived too late to be of use; give it back rather than block the bot for a ttl.
      await releaseLease(this.#db, this.botId, this.owner).catch(() => {});
      return false;
    }
    this.#held = true;
    this.#epoch = grant.epoch;
    this.#deadline = deadline;
    this.#armDeadline();
    this.#scheduleRenew(this.ttlMs / 3);
    this.#onGranted?.(grant);
    return true;
  }

  /** Stops renewing and gives the bot up (best effort: an unreachable database lets it expire instead). */
  async release(): Promise<void> {
    const wasHeld = this.#held;
    this.#stop();
    if (wasHeld) await releaseLease(this.#db, this.botId, this.owner).catch(() => {});
  }

  #scheduleRenew(delayMs: number): void {
    clearTimeout(this.#renewTimer);
    this.#renewTimer = setTimeout(() => void this.#renew(), delayMs);
  }

  async #renew(): Promise<void> {
    if (!this.isHeld()) return;
    const sent = this.#clock();
    let grant: LeaseGrant | undefined;
    try {
      grant = await renewLease(this.#db, this.botId, this.owner, this.ttlMs);
    } catch {
      // Unreachable or failing database: keep trying until the deadline timer declares the lease lost.
      if (this.isHeld()) this.#scheduleRenew(Math.max(10, this.ttlMs / 12));
      return;
    }
    if (!this.#held) return; // released or lost while the statement was in flight
    if (!grant) {
      this.#lose('renewal-refused');
      return;
    }
    if (!this.isHeld()) return; // the deadline passed while waiting: a late success does not revive it
    this.#deadline = Math.max(this.#deadline, sent + this.ttlMs - this.safetyMarginMs);
    this.#epoch = grant.epoch;
    this.#armDeadline();
    this.#scheduleRenew(this.ttlMs / 3);
    this.#onGranted?.(grant);
  }

  #armDeadline(): void {
    clearTimeout(this.#deadlineTimer);
    this.#deadlineTimer = setTimeout(
      () => {
        this.isHeld(); // declares the loss if the deadline has passed; otherwise re-arms below
        if (this.#held) this.#armDeadline();
      },
      Math.max(0, this.#deadline - this.#clock()),
    );
  }

  #lose(reason: LeaseLostReason): void {
    if (!this.#held) return;
    this.#stop();
    this.#onLost(reason);
  }

  #stop(): void {
    this.#held = false;
    clearTimeout(this.#renewTimer);
    clearTimeout(this.#deadlineTimer);
    this.#renewTimer = undefined;
    this.#deadlineTimer = undefined;
  }
}
