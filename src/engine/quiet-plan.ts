/**
 * The last decision that sent nothing because the live orders already were the wanted ones, kept with what the
 * execution governor and the planner read. A decision whose inputs to those two are all the same — the same
 * ladder array (the ladder memo hands the same one back while nothing it is built from moved), the same verdict
 * kind and band, the same position and ramp-in factor, and the same live orders in the same states — would want
 * the same orders and find them live again, so its plan is empty too: both stages are skipped.
 *
 * Why it is exact: with no correction order (the position inside the band), governExecution reads only the
 * ladder, the verdict's kind and band, the position, the ramp factor, the market and the policy (the last two
 * are the bot's own, fixed); the snapshot only prices a correction. The planner's fast path (`liveIsWanted`)
 * reads the wanted orders, the live ones, the verdict's kind and the position — never the clock — so once it
 * held, it holds for the same inputs at any later time. Only such a decision is kept: a plan that came out empty
 * by its slow path (orders within the requote threshold and not yet past their TTL) depends on the clock.
 *
 * Live orders are compared order by order (live-orders-record.ts): by object and by every field a venue changes
 * in place.
 */
import type { Verdict } from '../domain/intent.ts';
import type { DesiredOrder } from '../domain/snapshot.ts';
import type { Order } from '../domain/types.ts';
import { LiveOrdersRecord } from './live-orders-record.ts';

/** What the governor and the planner read besides the bot's fixed market and policy. */
export interface PlanInputs {
  ladder: readonly DesiredOrder[];
  verdict: Verdict;
  positionBase: bigint;
  rampFactor: number;
  live: readonly Order[];
}

export class QuietPlan {
  #ladder: readonly DesiredOrder[] | undefined;
  #desired: DesiredOrder[] = [];
  #kind = '';
  #marketIndex = -1;
  #minBase = Number.NaN;
  #maxBase = Number.NaN;
  #positionBase = 0n;
  #rampFactor = Number.NaN;
  readonly #live = new LiveOrdersRecord();

  /** The desired orders of the kept decision when `x` is the same as its inputs (then nothing is to send). */
  desiredIfQuiet(x: PlanInputs): DesiredOrder[] | undefined {
    if (this.#ladder === undefined || x.ladder !== this.#ladder) return undefined;
    const { verdict } = x;
    // a flatten prices its order from the snapshot: never kept (see keep), so never matched here
    if (
      verdict.flatten !== undefined ||
      verdict.kind !== this.#kind ||
      verdict.band.marketIndex !== this.#marketIndex ||
      verdict.band.minBase !== this.#minBase ||
      verdict.band.maxBase !== this.#maxBase ||
      x.positionBase !== this.#positionBase ||
      x.rampFactor !== this.#rampFactor
    ) {
      return undefined;
    }
    return this.#live.matches(x.live) ? this.#desired : undefined;
  }

  /**
   * Keeps a decision that sent nothing because its live orders were exactly its desired ones
   * (`liveIsWanted`), with no correction or flatten in it; anything else forgets the kept one.
   */
  keep(x: PlanInputs, desired: DesiredOrder[], quiet: boolean): void {
    if (!quiet || x.verdict.flatten !== undefined || desired.some((o) => o.level === 0)) {
      this.#ladder = undefined;
      return;
    }
    this.#ladder = x.ladder;
    this.#desired = desired;
    this.#kind = x.verdict.kind;
    this.#marketIndex = x.verdict.band.marketIndex;
    this.#minBase = x.verdict.band.minBase;
    this.#maxBase = x.verdict.band.maxBase;
    this.#positionBase = x.positionBase;
    this.#rampFactor = x.rampFactor;
    this.#live.take(x.live);
  }
}
