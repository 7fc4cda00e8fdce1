/**
 * Connection health of the live venue. Any RPC or websocket error degrades it; while degraded the venue sends
 * nothing (execute answers Disconnected). A heartbeat probes the RPC and, once a probe succeeds, runs the
 * recovery (re-read the venue, settle sends whose outcome was unknown) before declaring it healthy again.
 */
export type HealthState =
  | { status: 'healthy'; since: number }
  | { status: 'degraded'; since: number; reason: string; failedProbes: number };

export class ConnectionHealth {
  #state: HealthState;
  readonly #clock: () => number;
  readonly #listeners = new Set<(s: HealthState) => void>();

  constructor(clock: () => number = Date.now) {
    this.#clock = clock;
    this.#state = { status: 'healthy', since: clock() };
  }

  get state(): HealthState {
    return this.#state;
  }

  get healthy(): boolean {
    return this.#state.status === 'healthy';
  }

  degrade(reason: string): void {
    if (this.#state.status === 'degraded') return;
    this.#set({ status: 'degraded', since: this.#clock(), reason, failedProbes: 0 });
  }

  /**
   * One heartbeat: when degraded, probe then recover; a failure in either keeps it degraded (and counts).
   * Returns the state after the beat. Healthy venues are probed too, so a silent outage is noticed.
   */
  async beat(probe: () => Promise<void>, recover: () => Promise<void>): Promise<HealthState> {
    try {
      await probe();
      if (this.#state.status === 'degraded') {
        await recover();
        this.#set({ status: 'healthy', since: this.#clock() });
      }
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      if (this.#state.status === 'degraded') {
        this.#set({ ...this.#state, reason, failedProbes: this.#state.failedProbes + 1 });
      } else {
        this.#set({ status: 'degraded', since: this.#clock(), reason, failedProbes: 1 });
      }
    }
    return this.#state;
  }

  onChange(listener: (s: HealthState) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  #set(s: HealthState): void {
    this.#state = s;
    for (const l of this.#listeners) l(s);
  }
}
