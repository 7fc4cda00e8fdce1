/**
 * The runner's Prometheus series on `prom-client`, one registry per runner (docs/runner.md lists them).
 * Counters are counters (`_total`), latencies histograms; the per-bot figures (equity, PnL parts, health,
 * leverage, verdict, open orders, positions) are gauges read from the bots at scrape time (bot-gauges.ts).
 * GET /metrics answers `render()` with `contentType`.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export interface RunnerMetricsOptions {
  /** Also export the process's CPU, memory, event-loop lag and GC figures (the runner process does). */
  processMetrics?: boolean;
}

export class RunnerMetrics {
  readonly registry = new Registry();
  readonly #r = [this.registry];
  /** Hot-path counts not yet added to their counters (tally()). */
  readonly #tallies: Tally[] = [];
  readonly decisions = new Counter({
    name: 'zp_decisions_total',
    help: 'Decisions made, by bot and trigger.',
    labelNames: ['bot', 'trigger'] as const,
    registers: this.#r,
    collect: () => this.#flushTallies(),
  });
  readonly ordersSent = new Counter({
    name: 'zp_orders_sent_total',
    help: 'Order commands sent to the venue, by bot and kind.',
    labelNames: ['bot', 'kind'] as const,
    registers: this.#r,
    collect: () => this.#flushTallies(),
  });
  readonly ordersRejected = new Counter({
    name: 'zp_orders_rejected_total',
    help: 'Order commands the venue rejected, by bot and reason.',
    labelNames: ['bot', 'reason'] as const,
    registers: this.#r,
  });
  readonly fills = new Counter({
    name: 'zp_fills_total',
    help: 'Fills recorded, by bot, market symbol and side.',
    labelNames: ['bot', 'symbol', 'side'] as const,
    registers: this.#r,
    collect: () => this.#flushTallies(),
  });
  readonly verdicts = new Counter({
    name: 'zp_verdicts_total',
    help: 'Risk verdicts given (one per decision), by bot and kind.',
    labelNames: ['bot', 'kind'] as const,
    registers: this.#r,
    collect: () => this.#flushTallies(),
  });
  readonly rpcErrors = new Counter({
    name: 'zp_rpc_errors_total',
    help: 'Venue/RPC calls that failed (broken I/O), by bot.',
    labelNames: ['bot'] as const,
    registers: this.#r,
  });
  readonly apiErrors = new Counter({
    name: 'zp_api_errors_total',
    help: 'API requests that ended in an internal error (500).',
    registers: this.#r,
  });
  readonly leaseLost = new Counter({
    name: 'zp_lease_lost_total',
    help: 'Leases lost, by bot.',
    labelNames: ['bot'] as const,
    registers: this.#r,
  });
  readonly dbWrites = new Counter({
    name: 'zp_db_flushes_total',
    help: 'Write transactions committed.',
    registers: this.#r,
  });
  readonly ticks = new Counter({
    name: 'zp_ticks_total',
    help: 'Runner loop iterations.',
    registers: this.#r,
  });
  readonly notifications = new Counter({
    name: 'zp_notifications_total',
    help: 'Notifications handled, by channel and outcome (sent, failed).',
    labelNames: ['channel', 'outcome'] as const,
    registers: this.#r,
  });
  /** Hot-path observations not yet handed to their histograms (observations()). */
  readonly #pending: PendingObservations[] = [];
  readonly loopLatency = new Histogram({
    name: 'zp_loop_latency_seconds',
    help: 'Time of one bot cycle: account read, decision, commands sent.',
    labelNames: ['bot'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: this.#r,
    collect: () => this.#flushObservations(),
  });
  readonly flushLatency = new Histogram({
    name: 'zp_db_flush_seconds',
    help: 'Time of one write transaction (journal, fills, verdicts, paper venue state).',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: this.#r,
  });

  constructor(o: RunnerMetricsOptions = {}) {
    if (o.processMetrics) collectDefaultMetrics({ register: this.registry });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** A gauge read at scrape time (no labels). */
  gauge(name: string, help: string, read: () => number): void {
    new Gauge({
      name,
      help,
      registers: this.#r,
      collect() {
        this.set(read());
      },
    });
  }

  /** The current value of a counter for these labels (0 when never incremented). */
  async value(counter: Counter<string>, labels: Record<string, string> = {}): Promise<number> {
    const { values } = await counter.get();
    const want = Object.entries(labels);
    return values
      .filter((v) => want.every(([k, x]) => v.labels[k] === x))
      .reduce((sum, v) => sum + v.value, 0);
  }

  /**
   * A count for one labelled series of `counter`, kept as a plain number and added to the counter when the
   * counter is read (a scrape, `value`). For the per-decision series of a fleet: prom-client's `inc` builds a
   * label-hash string and looks it up among every bot's series on each call, which was ~15% of a decision
   * cycle with 1,000 bots. The counter's series and values are the same once read.
   */
  tally(counter: Counter<string>, labels: Record<string, string>): Tally {
    const t: Tally = { counter, labels, n: 0, added: 0 };
    this.#tallies.push(t);
    return t;
  }

  /**
   * Observations for one labelled series of `histogram`, kept in a small buffer and handed to the histogram when
   * it is read (a scrape) or when the buffer is full, in the order they came. For the per-cycle latency of a
   * fleet: prom-client's `observe` checks and hashes the labels on every call (~3 µs), which was ~5% of a
   * 1,000-bot fill bar; the bar is where latency counts, a scrape is not. The series' buckets, count and sum are
   * the ones the direct calls make once read.
   */
  observations(histogram: Histogram<string>, labels: Record<string, string>): PendingObservations {
    const p = new PendingObservations(histogram.labels(labels));
    this.#pending.push(p);
    return p;
  }

  #flushObservations(): void {
    for (const p of this.#pending) p.flush();
  }

  #flushTallies(): void {
    for (const t of this.#tallies) {
      if (t.n === t.added) continue;
      t.counter.inc(t.labels, t.n - t.added);
      t.added = t.n;
    }
  }

  /** The exposition text for GET /metrics. */
  render(): Promise<string> {
    return this.registry.metrics();
  }
}

/** One labelled series' count on the hot path (RunnerMetrics.tally): `n` counted, `added` of it in the counter. */
export interface Tally {
  readonly counter: Counter<string>;
  readonly labels: Record<string, string>;
  n: number;
  added: number;
}

/** How many observations a series keeps before it hands them over without waiting for a read. */
const PENDING_OBSERVATIONS = 64;

/** One labelled histogram series' observations not yet handed to it (RunnerMetrics.observations). */
export class PendingObservations {
  readonly #series: { observe(value: number): void };
  readonly #values = new Float64Array(PENDING_OBSERVATIONS);
  #n = 0;

  constructor(series: { observe(value: number): void }) {
    this.#series = series;
  }

  observe(value: number): void {
    this.#values[this.#n++] = value;
    if (this.#n === PENDING_OBSERVATIONS) this.flush();
  }

  flush(): void {
    const n = this.#n;
    // cleared first: an observe that throws (a non-finite value) must not be handed over again at every read
    this.#n = 0;
    for (let i = 0; i < n; i++) this.#series.observe(this.#values[i] as number);
  }
}
