/**
 * Prometheus text exposition without a client library: counters with labels and one histogram. The runner
 * owns one registry; `render()` is what GET /metrics returns (format: text/plain; version=0.0.4).
 */

type Labels = Record<string, string>;

const key = (labels: Labels): string =>
  Object.keys(labels)
    .sort()
    .map(
      (k) => `${k}="${String(labels[k]).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`,
    )
    .join(',');

export class Counter {
  readonly name: string;
  readonly help: string;
  readonly #values = new Map<string, number>();

  constructor(name: string, help: string) {
    this.name = name;
    this.help = help;
  }

  inc(labels: Labels = {}, by = 1): void {
    const k = key(labels);
    this.#values.set(k, (this.#values.get(k) ?? 0) + by);
  }

  get(labels: Labels = {}): number {
    return this.#values.get(key(labels)) ?? 0;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const [k, v] of this.#values) lines.push(`${this.name}${k ? `{${k}}` : ''} ${v}`);
    return lines.join('\n');
  }
}

export class Gauge {
  readonly name: string;
  readonly help: string;
  readonly #read: () => number;

  constructor(name: string, help: string, read: () => number) {
    this.name = name;
    this.help = help;
    this.#read = read;
  }

  render(): string {
    return `# HELP ${this.name} ${this.help}\n# TYPE ${this.name} gauge\n${this.name} ${this.#read()}`;
  }
}

/** Cumulative buckets, Prometheus-style; also keeps the samples' sum and count. */
export class Histogram {
  readonly name: string;
  readonly help: string;
  readonly buckets: readonly number[];
  readonly #counts: number[];
  #sum = 0;
  #count = 0;

  constructor(name: string, help: string, buckets: readonly number[]) {
    this.name = name;
    this.help = help;
    this.buckets = [...buckets].sort((a, b) => a - b);
    this.#counts = new Array(this.buckets.length).fill(0);
  }

  observe(value: number): void {
    this.#sum += value;
    this.#count++;
    for (let i = 0; i < this.buckets.length; i++) if (value <= (this.buckets[i] as number)) this.#counts[i]++;
  }

  get count(): number {
    return this.#count;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    this.buckets.forEach((b, i) => {
      lines.push(`${this.name}_bucket{le="${b}"} ${this.#counts[i]}`);
    });
    lines.push(`${this.name}_bucket{le="+Inf"} ${this.#count}`);
    lines.push(`${this.name}_sum ${this.#sum}`);
    lines.push(`${this.name}_count ${this.#count}`);
    return lines.join('\n');
  }
}

/** The runner's series (docs/runner.md lists them). */
export class RunnerMetrics {
  readonly decisions = new Counter('zp_decisions_total', 'Decisions made, by bot and trigger.');
  readonly ordersSent = new Counter(
    'zp_orders_sent_total',
    'Order commands sent to the venue, by bot and kind.',
  );
  readonly ordersRejected = new Counter(
    'zp_orders_rejected_total',
    'Order commands the venue rejected, by bot and reason.',
  );
  readonly fills = new Counter('zp_fills_total', 'Fills recorded, by bot and market.');
  readonly verdicts = new Counter('zp_verdicts_total', 'Risk verdicts given, by bot and kind.');
  readonly rpcErrors = new Counter(
    'zp_rpc_errors_total',
    'Venue/RPC calls that failed (broken I/O), by bot.',
  );
  readonly leaseLost = new Counter('zp_lease_lost_total', 'Leases lost, by bot.');
  readonly dbWrites = new Counter('zp_db_flushes_total', 'Write transactions committed.');
  readonly loopLatency = new Histogram(
    'zp_loop_latency_seconds',
    'Time of one bot cycle: account read, decision, commands sent.',
    [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  );
  readonly flushLatency = new Histogram(
    'zp_db_flush_seconds',
    'Time of one write transaction (journal, fills, verdicts, paper venue state).',
    [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
  );
  readonly #gauges: Gauge[] = [];

  gauge(name: string, help: string, read: () => number): void {
    this.#gauges.push(new Gauge(name, help, read));
  }

  render(): string {
    const parts = [
      this.decisions,
      this.ordersSent,
      this.ordersRejected,
      this.fills,
      this.verdicts,
      this.rpcErrors,
      this.leaseLost,
      this.dbWrites,
      this.loopLatency,
      this.flushLatency,
      ...this.#gauges,
    ].map((m) => m.render());
    return `${parts.join('\n')}\n`;
  }
}
