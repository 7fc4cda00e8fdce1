/**
 * The in-memory account layer: DriftVenue's real instruction path end to end, with the SimExchange standing in
 * for the chain. The TxSender decodes every instruction with the SDK's coder and applies it to the simulator
 * (one transaction = one atomic simulator command); program refusals come back as Drift error codes, so the
 * error mapping runs too. The AccountReader serves the simulator's account state; the EventSource forwards the
 * simulator's events the way Drift's EventSubscriber forwards program records.
 */
import type { Candle } from '../../../data/types.ts';
import type { OrderCommand, RejectReason, VenueEvent } from '../../../domain/types.ts';
import type { CommandResult } from '../../port.ts';
import { SimExchange, type SimExchangeOptions } from '../../sim/exchange.ts';
import type { AccountReader, AuthorityInfo, DriftAccountState } from '../account-reader.ts';
import { programErrorFromCode } from '../drift-errors.ts';
import type { EventSource } from '../drift-venue.ts';
import type { DriftIxBuilder } from '../ix-builder.ts';
import { type DecodedDriftIx, decodeDriftIx } from '../ix-decoder.ts';
import type { SendOutcome, TxSender } from '../tx-sender.ts';

/** Our reasons → the Drift error codes the program would return (inverse of drift-errors.ts). */
const CODE_OF: Record<RejectReason, number> = {
  InvalidOrderSizeStep: 6048,
  InvalidOrderPriceTick: 6191,
  OrderAmountTooSmall: 6059,
  MaxNumberOfOrders: 6060,
  UserOrderIdAlreadyInUse: 6071,
  PostOnlyWouldCross: 6057,
  ReduceOnlyWouldIncrease: 6064,
  InsufficientCollateral: 6003,
  MarketPaused: 6147,
  MarketReduceOnly: 6254,
  OrderNotFound: 6061,
  BeingLiquidated: 6117,
  PriceBandsBreached: 6023,
  MaxOpenInterest: 6154,
  AccountReduceOnly: 6254,
  InvalidOrder: 6042,
  PlaceAndTakeOrderSuccessConditionFailed: 6289,
  Disconnected: 6042,
};

export interface SimLayerOptions extends SimExchangeOptions {
  /** Maps a subaccount id to its user account (the authority's PDAs). */
  builder: Pick<DriftIxBuilder, 'userAccountPublicKey'>;
  /** The Drift program (coder + IDL) the instructions are decoded with. */
  program: Parameters<typeof decodeDriftIx>[0];
  /** Called when the layer creates a subaccount, so the offline client can register its User. */
  onSubaccountCreated?: (subaccountId: number) => void;
  clock: () => number;
}

export class SimDriftLayer {
  readonly exchange: SimExchange;
  /** Every decoded instruction, in order (for assertions). */
  readonly log: DecodedDriftIx[][] = [];
  readonly #builder: Pick<DriftIxBuilder, 'userAccountPublicKey'>;
  readonly program: Parameters<typeof decodeDriftIx>[0];
  readonly #clock: () => number;
  readonly #onCreated: (id: number) => void;
  /** Drift subaccount id → simulator subaccount id. */
  readonly #subs = new Map<number, number>();
  #userStats = false;
  #created = 0;
  #listener: ((e: VenueEvent) => void) | undefined;
  /**
   * Drift's UserAccount running totals per simulator subaccount: funding from the simulator's funding events;
   * settled pnl as the collateral change deposits and withdrawals do not explain (the simulator settles a
   * position's pnl into collateral when it closes, as settle_pnl would).
   */
  readonly #funding = new Map<number, bigint>();
  readonly #netDeposits = new Map<number, bigint>();
  /** Faults to inject: the next sends throw / report unknown. */
  failNextSends = 0;
  pingFails = false;

  constructor(options: SimLayerOptions) {
    this.exchange = new SimExchange(options);
    this.#builder = options.builder;
    this.program = options.program;
    this.#clock = options.clock;
    this.#onCreated = options.onSubaccountCreated ?? (() => {});
  }

  #simId(driftSub: number): number {
    const id = this.#subs.get(driftSub);
    if (id === undefined) throw new Error(`subaccount ${driftSub} does not exist`);
    return id;
  }

  #driftSubOfUser(user: { equals(k: unknown): boolean }): number {
    for (const id of this.#subs.keys()) if (user.equals(this.#builder.userAccountPublicKey(id))) return id;
    throw new Error('instruction names a user account that does not exist');
  }

  readonly sender: TxSender = {
    send: async (instructions): Promise<SendOutcome> => {
      if (this.failNextSends > 0) {
        this.failNextSends--;
        return { status: 'unknown', signature: 'lost', detail: 'RPC lost while confirming' };
      }
      const decoded = instructions
        .map((ix) => decodeDriftIx(this.program, ix))
        .filter((d): d is DecodedDriftIx => d !== undefined);
      this.log.push(decoded);
      const result = this.#apply(decoded);
      this.flush();
      if (result === true) return { status: 'confirmed', signature: `sim-${this.log.length}` };
      const error = programErrorFromCode(CODE_OF[result.reason]);
      return { status: 'rejected', error, detail: result.detail };
    },
  };

  /** Applies one transaction; true or the simulator's refusal. */
  #apply(ixs: DecodedDriftIx[]): true | { reason: RejectReason; detail: string } {
    const first = ixs[0];
    if (!first) return true;
    if (first.name === 'initializeUserStats' || first.name === 'initializeUser') {
      for (const ix of ixs) {
        if (ix.name === 'initializeUserStats') this.#userStats = true;
        if (ix.name === 'initializeUser') {
          if (!this.#userStats) return { reason: 'InvalidOrder', detail: 'user stats missing' };
          if (ix.subaccountId !== this.#created)
            return { reason: 'InvalidOrder', detail: 'invalid sub account id' };
          this.#subs.set(ix.subaccountId, this.exchange.createSubaccount(ix.accountName));
          this.#created++;
          this.#onCreated(ix.subaccountId);
        }
      }
      return true;
    }
    const sub = this.#driftSubOfUser(first.user);
    const simSub = this.#simId(sub);
    if (first.name === 'deposit') {
      this.exchange.deposit(simSub, first.amount);
      this.#netDeposits.set(simSub, (this.#netDeposits.get(simSub) ?? 0n) + first.amount);
      return true;
    }
    if (first.name === 'settlePnl') {
      for (const ix of ixs) if (ix.name === 'settlePnl') this.exchange.settlePnl(simSub, ix.marketIndex);
      return true;
    }
    if (first.name === 'withdraw') {
      const r = this.exchange.withdraw(simSub, first.amount);
      if (r.ok) this.#netDeposits.set(simSub, (this.#netDeposits.get(simSub) ?? 0n) - first.amount);
      return r.ok ? true : r;
    }
    const command = this.#toCommand(ixs);
    const [r] = this.exchange.execute(simSub, [command], this.#clock()) as CommandResult[];
    return r.ok ? true : r;
  }

  /** One transaction of order instructions → one simulator command (atomic, like the transaction). */
  #toCommand(ixs: DecodedDriftIx[]): OrderCommand {
    const [a, b] = ixs;
    if (ixs.every((ix) => ix.name === 'placeAndTakePerpOrder')) {
      const takes = ixs as Extract<DecodedDriftIx, { name: 'placeAndTakePerpOrder' }>[];
      return {
        kind: 'placeAndTake',
        orders: takes.map((t) => t.order),
        requireFullFill: takes.every((t) => t.successCondition === 'fullFill'),
      };
    }
    if (ixs.length === 2 && a.name === 'cancelOrdersByIds' && b.name === 'placeOrders') {
      return { kind: 'cancelAndPlace', cancelOrderIds: a.orderIds, place: b.orders };
    }
    if (ixs.length !== 1) throw new Error(`unexpected transaction: ${ixs.map((i) => i.name).join(', ')}`);
    switch (a.name) {
      case 'placeOrders':
        return a.orders.length === 1
          ? { kind: 'place', order: a.orders[0] }
          : { kind: 'cancelAndPlace', cancelOrderIds: [], place: a.orders };
      case 'cancelOrdersByIds':
        return { kind: 'cancelAndPlace', cancelOrderIds: a.orderIds, place: [] };
      case 'cancelOrder':
        return { kind: 'cancel', orderId: a.orderId ?? -1 };
      case 'cancelOrderByUserId':
        return { kind: 'cancelByUserOrderId', userOrderId: a.userOrderId };
      case 'cancelOrders':
        return a.marketIndex === null
          ? { kind: 'cancelAll' }
          : { kind: 'cancelAll', marketIndex: a.marketIndex };
      case 'modifyOrder':
        return { kind: 'modify', orderId: a.orderId, price: a.price, base: a.base };
      default:
        throw new Error(`unexpected instruction ${a.name}`);
    }
  }

  readonly reader: AccountReader = {
    read: async (sub): Promise<DriftAccountState> => {
      if (this.pingFails) throw new Error('ECONNREFUSED');
      const simSub = this.#simId(sub);
      const state = this.exchange.account(simSub);
      const liquidationPrices: Record<number, bigint | undefined> = {};
      const unsettledPnl: Record<number, bigint> = {};
      for (const p of state.positions) {
        liquidationPrices[p.marketIndex] = this.exchange.liquidationPrice(simSub, p.marketIndex);
        const oracle = this.exchange.quote(p.marketIndex)?.oracle ?? 0n;
        unsettledPnl[p.marketIndex] = (p.base * oracle) / 1_000_000_000n + p.quoteAsset;
      }
      const totals = {
        cumulativePerpFunding: this.#funding.get(simSub) ?? 0n,
        settledPerpPnl: state.collateral - (this.#netDeposits.get(simSub) ?? 0n),
      };
      return { ...state, subaccountId: sub, liquidationPrices, unsettledPnl, totals };
    },
    authorityInfo: async (): Promise<AuthorityInfo> => ({
      userStatsExists: this.#userStats,
      subaccountsCreated: this.#created,
      existing: [...this.#subs.keys()],
    }),
    ping: async () => {
      if (this.pingFails) throw new Error('ECONNREFUSED');
    },
  };

  /** Drift subaccount ids that exist, with their simulator ids. */
  subaccounts(): [driftSub: number, simSub: number][] {
    return [...this.#subs];
  }

  get userStatsExists(): boolean {
    return this.#userStats;
  }

  get subaccountsCreated(): number {
    return this.#created;
  }

  /** Drift's UserAccount running totals of a subaccount (see the fields above). */
  userTotals(driftSub: number): {
    cumulativePerpFunding: bigint;
    settledPerpPnl: bigint;
    netDeposits: bigint;
  } {
    const simSub = this.#simId(driftSub);
    const netDeposits = this.#netDeposits.get(simSub) ?? 0n;
    return {
      cumulativePerpFunding: this.#funding.get(simSub) ?? 0n,
      settledPerpPnl: this.exchange.account(simSub).collateral - netDeposits,
      netDeposits,
    };
  }

  readonly eventSource: EventSource = (emit) => {
    this.#listener = emit;
    return () => {
      this.#listener = undefined;
    };
  };

  /** Forwards the simulator's pending events, with Drift subaccount ids. */
  flush(): void {
    const events = this.exchange.drainEvents();
    const driftOf = new Map([...this.#subs].map(([d, s]) => [s, d]));
    for (const e of events) {
      if (e.type === 'funding') {
        this.#funding.set(e.subaccountId, (this.#funding.get(e.subaccountId) ?? 0n) + e.payment.amount);
      }
      this.#listener?.({ ...e, subaccountId: driftOf.get(e.subaccountId) ?? e.subaccountId });
    }
  }

  onBar(market: number, candle: Candle, intervalMs: number): void {
    this.exchange.onBar(market, candle, intervalMs);
    this.flush();
  }
}
