/**
 * DriftVenue: the VenuePort over Drift, composed from small seams so every part runs offline in tests:
 * DriftIxBuilder (SDK instruction builders), TxSender (priority fee, confirm, retry), AccountReader (SDK User
 * maths), an optional EventSource (program records) and polling diffs, ConnectionHealth and UserOrderIdBook.
 *
 * Rules that keep money safe:
 * - While degraded (an RPC/websocket error, or a send whose outcome is unknown) nothing is sent: execute
 *   answers Disconnected. The heartbeat probes the RPC and, before declaring health, re-reads every subaccount
 *   and settles unknown sends by userOrderId (see user-order-ids.ts and tx-sender.ts).
 * - Each OrderCommand is one transaction; results are values (program errors map to RejectReason).
 */
import {
  type OrderCommand,
  type OrderParams,
  placesOf,
  type RejectReason,
  type VenueEvent,
} from '../../domain/types.ts';
import type { CommandResult, L2Book, VenuePort, WithdrawResult } from '../port.ts';
import type { AccountReader, DriftAccountState } from './account-reader.ts';
import { precheckCommand, userOrderIdInUse } from './command-checks.ts';
import { isCommandApplied, orderIdsOf } from './command-effects.ts';
import { ConnectionHealth, type HealthState } from './connection-health.ts';
import { diffAccountStates } from './events.ts';
import type { DriftIxBuilder } from './ix-builder.ts';
import { nextSubaccountId } from './provisioning.ts';
import type { SendOptions, SendOutcome, TxSender } from './tx-sender.ts';
import { MAX_TRANSACTION_BYTES, transactionBytes } from './tx-size.ts';
import { resolveUnknownSends, type UnknownSend } from './unknown-sends.ts';
import { UserOrderIdBook } from './user-order-ids.ts';

/** A push source of venue events (Drift's EventSubscriber records, or the simulator in tests). */
export type EventSource = (emit: (event: VenueEvent) => void) => () => void;

export interface DriftVenueDeps {
  builder: DriftIxBuilder;
  sender: TxSender;
  reader: AccountReader;
  /** When set, events come from it; otherwise from diffs of successive reads. */
  eventSource?: EventSource;
  /** Priority fee, micro-lamports per compute unit (e.g. from recent prioritization fees). */
  computeUnitPrice?: () => number | Promise<number>;
  computeUnitLimit?: number;
  clock?: () => number;
  health?: ConnectionHealth;
  book?: UserOrderIdBook;
  /** The market's order book (DLOB + vAMM, order-book.ts); absent: the venue has none to offer. */
  orderBook?: (marketIndex: number) => Promise<L2Book | undefined>;
}

/** One command's result and the account read it leaves (the base of the next command's checks). */
interface CommandOutcome {
  result: CommandResult;
  account: DriftAccountState;
}

export class DriftVenue implements VenuePort {
  readonly name = 'drift';
  readonly health: ConnectionHealth;
  readonly book: UserOrderIdBook;
  readonly #d: DriftVenueDeps;
  readonly #clock: () => number;
  readonly #listeners = new Set<(event: VenueEvent) => void>();
  /** Last read of each subaccount this venue works with: the base of diffs and of pre-checks. */
  readonly #last = new Map<number, DriftAccountState>();
  readonly #stopSource: () => void;
  /** Accepted events seen while a command is in flight (how a placement learns its order ids). */
  #collecting: VenueEvent[] | undefined;
  /** The read in flight per subaccount (reads are serialized, see #refresh). */
  readonly #reads = new Map<number, Promise<unknown>>();
  /** Per subaccount, the slot of our last landed transaction: a read from an older slot cannot show it yet. */
  readonly #minSlot = new Map<number, number>();
  /** Sends whose outcome is unknown, until resolved (landed / failed / expired) by a heartbeat. */
  readonly #unknownSends: UnknownSend[] = [];

  constructor(deps: DriftVenueDeps) {
    this.#d = deps;
    this.#clock = deps.clock ?? Date.now;
    this.health = deps.health ?? new ConnectionHealth(this.#clock);
    this.book = deps.book ?? new UserOrderIdBook();
    this.#stopSource = deps.eventSource ? deps.eventSource((e) => this.#emit(e)) : () => {};
  }

  get status(): HealthState {
    return this.health.state;
  }

  /** For the live wiring: websocket/RPC error callbacks land here. */
  markDegraded(reason: string): void {
    this.health.degrade(reason);
  }

  subscribe(listener: (event: VenueEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  close(): void {
    this.#stopSource();
  }

  async orderBook(marketIndex: number): Promise<L2Book | undefined> {
    return this.#d.orderBook
      ? this.#io(() => (this.#d.orderBook as NonNullable<DriftVenueDeps['orderBook']>)(marketIndex))
      : undefined;
  }

  async createSubaccount(name: string): Promise<number> {
    this.#requireHealthy('create a subaccount');
    const info = await this.#io(() => this.#d.reader.authorityInfo());
    const id = nextSubaccountId(info);
    const ixs = await this.#d.builder.initializeUser(id, name, info.userStatsExists);
    const out = await this.#send(ixs, async () =>
      (await this.#d.reader.authorityInfo()).existing.includes(id),
    );
    if (out.status === 'rejected') {
      throw new Error(`Drift refused to create subaccount ${id} (${out.error.name}): ${out.detail}`);
    }
    if (out.status !== 'confirmed' && out.status !== 'applied') {
      throw new Error(`creating subaccount ${id} did not complete (${out.status}): ${out.detail}`);
    }
    await this.#refresh(id);
    return id;
  }

  async deposit(subaccountId: number, amount: bigint): Promise<void> {
    if (amount <= 0n) throw new RangeError(`deposit must be positive, got ${amount}`);
    this.#requireHealthy('deposit');
    const ix = await this.#d.builder.deposit(subaccountId, amount);
    // A deposit has no userOrderId; an expired-unseen attempt never landed, so no alreadyApplied check is needed.
    const out = await this.#send([ix]);
    if (out.status !== 'confirmed' && out.status !== 'applied') {
      const why =
        out.status === 'rejected' ? `${out.error.name}: ${out.detail}` : `${out.status}: ${out.detail}`;
      throw new Error(
        `deposit of ${amount} (USDC, 6 decimals) into subaccount ${subaccountId} failed: ${why}`,
      );
    }
    await this.#refresh(subaccountId);
  }

  async withdraw(subaccountId: number, amount: bigint): Promise<WithdrawResult> {
    if (amount <= 0n) return { ok: false, reason: 'InvalidOrder', detail: 'withdrawal must be positive' };
    if (!this.health.healthy) return { ok: false, reason: 'Disconnected', detail: this.#degradedDetail() };
    const acct = await this.#io(() => this.#d.reader.read(subaccountId));
    if (amount > acct.collateral) {
      return { ok: false, reason: 'InsufficientCollateral', detail: `USDC balance is ${acct.collateral}` };
    }
    if (acct.positions.length > 0 && amount > acct.freeCollateral) {
      return {
        ok: false,
        reason: 'InsufficientCollateral',
        detail: `would break the initial margin requirement (free collateral ${acct.freeCollateral})`,
      };
    }
    const ix = await this.#d.builder.withdraw(subaccountId, amount);
    const out = await this.#send([ix]);
    await this.#refresh(subaccountId).catch(() => undefined);
    if (out.status === 'confirmed' || out.status === 'applied') return { ok: true };
    if (out.status === 'rejected') return { ok: false, reason: out.error.reason, detail: out.detail };
    return { ok: false, reason: 'Disconnected', detail: out.detail };
  }

  async getAccount(subaccountId: number): Promise<DriftAccountState> {
    return this.#refresh(subaccountId);
  }

  async execute(subaccountId: number, commands: OrderCommand[]): Promise<CommandResult[]> {
    const results: CommandResult[] = [];
    let acct: DriftAccountState | undefined;
    if (this.health.healthy) acct = await this.#refresh(subaccountId).catch(() => undefined);
    for (const command of commands) {
      if (!this.health.healthy || !acct) {
        results.push({ ok: false, command, reason: 'Disconnected', detail: this.#degradedDetail() });
        continue;
      }
      const r = await this.#executeOne(subaccountId, command, acct);
      results.push(r.result);
      acct = r.account;
    }
    return results;
  }

  /**
   * settle_pnl for the given markets, one transaction: each position's pnl moves into the USDC balance.
   * Positive pnl counts for initial margin only once settled (Drift's initial pnl weight is 0), so a bot that
   * never settles sees its free collateral drift below what its profits allow.
   */
  async settlePnl(subaccountId: number, marketIndexes: number[]): Promise<WithdrawResult> {
    if (marketIndexes.length === 0) return { ok: true };
    if (!this.health.healthy) return { ok: false, reason: 'Disconnected', detail: this.#degradedDetail() };
    const ixs = [];
    for (const i of marketIndexes) ixs.push(await this.#d.builder.settlePnl(subaccountId, i));
    const out = await this.#send(ixs);
    await this.#refresh(subaccountId).catch(() => undefined);
    if (out.status === 'confirmed' || out.status === 'applied') return { ok: true };
    if (out.status === 'rejected') return { ok: false, reason: out.error.reason, detail: out.detail };
    if (out.status === 'unknown') this.health.degrade(`settle_pnl ${out.status}: ${out.detail}`);
    return { ok: false, reason: 'Disconnected', detail: out.detail };
  }

  /** Sends whose outcome is still unknown (the venue stays degraded while there are any). */
  get unknownSends(): number {
    return this.#unknownSends.length;
  }

  /**
   * One heartbeat: probe the RPC; when recovering, first settle every send whose outcome was unknown — each
   * must be known to have landed, failed, or expired (its blockhash passed unseen, so it can never land) —
   * then re-read every subaccount (orders that did land are reported as accepted) and only then accept new
   * commands. A send still pending keeps the venue degraded until a later beat.
   */
  async heartbeat(): Promise<HealthState> {
    return this.health.beat(
      () => this.#d.reader.ping(),
      async () => {
        await resolveUnknownSends(this.#d.sender, this.#unknownSends);
        const subs = new Set([...this.#last.keys(), ...this.book.subaccountsWithUnknown()]);
        for (const sub of subs) {
          // A subaccount seen for the first time (an unknown send on it) has no base to diff against yet.
          const acct = this.#last.has(sub)
            ? await this.#refresh(sub)
            : await this.#d.reader.read(sub, this.#minSlot.get(sub));
          this.book.reconcile(sub, acct.openOrders, this.#clock());
          this.#last.set(sub, acct);
        }
      },
    );
  }

  /**
   * Re-reads every subaccount this venue has touched; in polling mode (no event source) the differences are
   * emitted as events. Read errors degrade the venue (the heartbeat recovers it).
   */
  async poll(): Promise<void> {
    if (!this.health.healthy) return;
    for (const sub of [...this.#last.keys()]) await this.#refresh(sub).catch(() => undefined);
  }

  /** Starts a heartbeat timer; returns a stop function. */
  startHeartbeat(intervalMs: number): () => void {
    const timer = setInterval(() => {
      void this.heartbeat();
    }, intervalMs);
    timer.unref?.();
    return () => clearInterval(timer);
  }

  async #executeOne(sub: number, command: OrderCommand, before: DriftAccountState): Promise<CommandOutcome> {
    const fail = (reason: RejectReason, detail: string, orders: OrderParams[] = []) =>
      this.#refuse(sub, command, before, reason, detail, orders);
    // Orders a cancelAndPlace cancels are gone before its placements run (one transaction, in order), so
    // their userOrderIds are free for the new orders.
    const cancelled = new Set(command.kind === 'cancelAndPlace' ? command.cancelOrderIds : []);
    const open = before.openOrders.filter((o) => !cancelled.has(o.orderId));
    let cmd = command;
    const places = placesOf(command);
    if (places.length > 0) {
      const inUse = userOrderIdInUse(places, open);
      if (inUse)
        return fail('UserOrderIdAlreadyInUse', `userOrderId ${inUse.userOrderId} is in use`, [inUse]);
      const assigned = this.book.assign(sub, places, open);
      if (!assigned) return fail('MaxNumberOfOrders', 'all 255 userOrderIds are in use', places);
      cmd =
        command.kind === 'place'
          ? { ...command, order: assigned[0] }
          : command.kind === 'placeAndTake'
            ? { ...command, orders: assigned }
            : ({ ...command, place: assigned } as OrderCommand);
    }
    const precheck = precheckCommand(cmd, before);
    if (precheck) return fail(precheck.reason, precheck.detail);

    let ixs: Awaited<ReturnType<DriftIxBuilder['forCommand']>>;
    try {
      ixs = await this.#d.builder.forCommand(sub, cmd);
    } catch (err) {
      return fail('InvalidOrder', err instanceof Error ? err.message : String(err), placesOf(cmd));
    }
    // Refused here, as a value: a transaction over the packet limit fails to serialize in the sender, which would
    // read as broken I/O and degrade the venue for a command that can never go through.
    if (transactionBytes(ixs, this.#d.builder.authority) === undefined) {
      const detail = `one transaction cannot carry this ${cmd.kind} (over ${MAX_TRANSACTION_BYTES} bytes): split it`;
      return fail('InvalidOrder', detail, placesOf(cmd));
    }
    return this.#sendCommand(sub, command, cmd, ixs, before);
  }

  /** Sends the command's transaction; a landed one is read back for the order ids it made. */
  async #sendCommand(
    sub: number,
    command: OrderCommand,
    cmd: OrderCommand,
    ixs: Awaited<ReturnType<DriftIxBuilder['forCommand']>>,
    before: DriftAccountState,
  ): Promise<CommandOutcome> {
    const uoids = placesOf(cmd).map((p) => p.userOrderId);
    this.book.sending(sub, placesOf(cmd));
    this.#collecting = [];
    // Events that arrive during the send and the read after it are collected to learn the new order ids.
    const out = await this.#send(ixs, () => this.#applied(sub, cmd, before));
    if (out.status === 'rejected') {
      this.#collecting = undefined;
      return this.#refuse(sub, command, before, out.error.reason, out.detail, placesOf(cmd));
    }
    if (out.status === 'failed' || out.status === 'unknown') {
      this.#collecting = undefined;
      if (out.status === 'unknown') {
        this.book.markUnknown(sub, uoids);
        this.#unknownSends.push({
          sub,
          signature: out.signature,
          lastValidBlockHeight: out.lastValidBlockHeight,
        });
      }
      this.health.degrade(`send ${out.status}: ${out.detail}`);
      return { result: { ok: false, command, reason: 'Disconnected', detail: out.detail }, account: before };
    }
    // The transaction landed. If the read after it fails, the venue is degraded (by #io) but the result stays ok.
    if (out.status === 'confirmed' && out.slot !== undefined) this.#expectSlot(sub, out.slot);
    const after = await this.#refresh(sub).catch(() => undefined);
    const seen = this.#collecting ?? [];
    this.#collecting = undefined;
    const orderIds = orderIdsOf(sub, cmd, before, after ?? before, seen);
    return { result: { ok: true, command, orderIds }, account: after ?? before };
  }

  /** A refused command: a `rejected` event per order it would have placed, and the account unchanged. */
  #refuse(
    sub: number,
    command: OrderCommand,
    before: DriftAccountState,
    reason: RejectReason,
    detail: string,
    orders: OrderParams[] = [],
  ): CommandOutcome {
    for (const order of orders) {
      this.#emit({ type: 'rejected', ts: this.#clock(), subaccountId: sub, order, reason, detail });
    }
    return { result: { ok: false as const, command, reason, detail }, account: before };
  }

  /** Whether a command's effect is visible on the venue (asked before a fresh retry; see tx-sender.ts). */
  async #applied(sub: number, c: OrderCommand, before: DriftAccountState): Promise<boolean> {
    const now = await this.#d.reader.read(sub);
    return isCommandApplied(c, before, now);
  }

  async #send(
    ixs: Parameters<TxSender['send']>[0],
    alreadyApplied?: () => Promise<boolean>,
  ): Promise<SendOutcome> {
    const options: SendOptions = {
      computeUnitPrice: (await this.#d.computeUnitPrice?.()) ?? 0,
      computeUnitLimit: this.#d.computeUnitLimit,
      alreadyApplied,
    };
    try {
      return await this.#d.sender.send(ixs, options);
    } catch (err) {
      // A sender that throws is broken I/O: degrade and report the outcome as unknown.
      this.health.degrade(err instanceof Error ? err.message : String(err));
      return { status: 'unknown', detail: err instanceof Error ? err.message : String(err) };
    }
  }

  #expectSlot(sub: number, slot: number): void {
    if (slot > (this.#minSlot.get(sub) ?? 0)) this.#minSlot.set(sub, slot);
  }

  /**
   * Reads a subaccount, emits the diff against the last read (polling mode) and remembers it. Reads of one
   * subaccount run one at a time (the poller, the bot's cycle and the heartbeat overlap): two reads in flight
   * can answer out of order, and diffing the older after the newer would report the same fills twice.
   */
  #refresh(sub: number): Promise<DriftAccountState> {
    const run = (this.#reads.get(sub) ?? Promise.resolve()).then(
      () => this.#refreshNow(sub),
      () => this.#refreshNow(sub),
    );
    this.#reads.set(
      sub,
      run.catch(() => undefined),
    );
    return run;
  }

  async #refreshNow(sub: number): Promise<DriftAccountState> {
    const acct = await this.#io(() => this.#d.reader.read(sub, this.#minSlot.get(sub)));
    const prev = this.#last.get(sub);
    this.book.observe(sub, acct.openOrders, this.#clock());
    if (prev && !this.#d.eventSource) {
      for (const e of diffAccountStates(prev, acct, this.#clock())) this.#emit(e);
    }
    this.#last.set(sub, acct);
    return acct;
  }

  async #io<T>(f: () => Promise<T>): Promise<T> {
    try {
      return await f();
    } catch (err) {
      this.health.degrade(err instanceof Error ? err.message : String(err));
      throw err;
    }
  }

  #emit(event: VenueEvent): void {
    this.#collecting?.push(event);
    for (const l of this.#listeners) l(event);
  }

  #requireHealthy(what: string): void {
    if (!this.health.healthy)
      throw new Error(`cannot ${what}: the Drift connection is degraded (${this.#degradedDetail()})`);
  }

  #degradedDetail(): string {
    const s = this.health.state;
    return s.status === 'degraded'
      ? `venue degraded since ${new Date(s.since).toISOString()}: ${s.reason}`
      : 'disconnected';
  }
}
