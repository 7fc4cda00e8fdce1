/**
 * The connection's state under fault injection: up, or down for a number of ticks (calls or bars). Shared by
 * the sync and async wrappers so a disconnect means the same in both.
 */
import type { FaultCounts, VenueFaultRates } from './fault-config.ts';
import type { Prng } from './prng.ts';

export class ConnectionFaults {
  readonly #rates: VenueFaultRates;
  readonly #prng: Prng;
  readonly #counts: FaultCounts;
  #downFor = 0;

  constructor(rates: VenueFaultRates, prng: Prng, counts: FaultCounts) {
    this.#rates = rates;
    this.#prng = prng;
    this.#counts = counts;
  }

  get connected(): boolean {
    return this.#downFor === 0;
  }

  /** Maybe drops the connection now (it stays down for disconnectLength ticks). Returns whether it is up. */
  maybeDrop(): boolean {
    if (this.#downFor === 0 && this.#prng.chance(this.#rates.disconnect)) this.drop();
    return this.#downFor === 0;
  }

  /** Drops the connection for a random length (or `ticks`). */
  drop(ticks?: number): void {
    const [lo, hi] = this.#rates.disconnectLength;
    this.#downFor = Math.max(1, ticks ?? this.#prng.int(lo, Math.max(lo, hi)));
    this.#counts.disconnect++;
  }

  /** One tick passes; returns true when the connection came back on this tick. */
  tick(): boolean {
    if (this.#downFor === 0) return false;
    this.#downFor--;
    return this.#downFor === 0;
  }
}
