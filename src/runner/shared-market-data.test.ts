/**
 * Shared market data changes no decision: paper grid bots on the real SOL month (data/binance, 1-minute bars)
 * make exactly the same decisions — trigger, verdict, range, every order command — whether they share one
 * blended range per stream through a MarketDataHub or each own one. The bots join at different times (a late
 * joiner with a full week of warm-up, one with a day), one lags its stream by two bars, one uses other range
 * settings; docs/runner.md (shared market data) says how warm-up works with sharing.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type BotConfig, parseBotConfig } from '../config/bot-config.ts';
import { loadMarketFile } from '../data/index.ts';
import type { Candle } from '../data/types.ts';
import { MarketDataHub } from '../marketdata/market-data-hub.ts';
import { type FleetBot, fleetBar, openFleetBot } from './test-support/paper-fleet.ts';

const SOL_MONTH = fileURLToPath(new URL('../../data/binance/SOLUSDT-spot-1m-2025-03.csv', import.meta.url));
const MINUTE = 60_000;
const DAY = 1440;
const WEEK = 7 * DAY;

const grid = (name: string, extra: Record<string, unknown> = {}): BotConfig =>
  parseBotConfig(
    {
      name,
      strategy: 'grid',
      market: 'SOL-PERP',
      collateral: 2000,
      grid: { levels: 8, stepPct: 0.3, baseSizePerLevel: 0.5, ...extra },
      execution: { requoteThresholdBps: 5, rampIn: { steps: 1, intervalSec: 60 } },
    },
    name,
  );

interface Spec {
  id: string;
  config: BotConfig;
  /** First traded bar. */
  start: number;
  /** Warm-up bars before it. */
  warm: number;
  /** Bars behind the fleet's clock. */
  lag: number;
}

const SPECS: Spec[] = [
  { id: 'first', config: grid('first'), start: WEEK, warm: WEEK, lag: 0 },
  { id: 'lagging', config: grid('lagging'), start: WEEK, warm: WEEK, lag: 2 },
  { id: 'late-week', config: grid('late-week'), start: WEEK + 600, warm: WEEK, lag: 0 },
  { id: 'late-day', config: grid('late-day'), start: WEEK + 900, warm: DAY, lag: 0 },
  {
    id: 'other-settings',
    config: grid('other-settings', {
      percentiles: [10, 90],
      lookbackWeights: { '1h': 0.5, '4h': 0.5, '1d': 0, '1w': 0 },
    }),
    start: WEEK + 300,
    warm: WEEK,
    lag: 0,
  },
];
const END = WEEK + 2 * DAY;

/** What a decision shows, as text (bigints spelled out). */
const show = (x: unknown): string => JSON.stringify(x, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v));

/** Runs the fleet over [first start, END); returns each bot's decisions as text. */
async function runFleet(candles: Candle[], marketData?: MarketDataHub): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>(SPECS.map((s) => [s.id, []]));
  const bots = new Map<string, { bot: FleetBot; next: number }>();
  for (let now = WEEK; now < END; now++) {
    for (const s of SPECS) {
      if (now === s.start) {
        const bot = openFleetBot({
          id: s.id,
          config: s.config,
          warm: candles.slice(s.start - s.warm, s.start),
          intervalMs: MINUTE,
          price: (candles[s.start] as Candle).open,
          marketData,
        });
        bots.set(s.id, { bot, next: s.start });
      }
      const b = bots.get(s.id);
      if (!b) continue;
      for (; b.next <= now - s.lag; b.next++) {
        const d = await fleetBar(b.bot, candles[b.next] as Candle, MINUTE);
        if (d) out.get(s.id)?.push(show([d.ts, d.trigger, d.verdict.kind, d.range, d.commands]));
      }
    }
  }
  return out;
}

describe('shared market data (MarketDataHub) on the SOL month', () => {
  let candles: Candle[];
  before(async () => {
    const file = await loadMarketFile(SOL_MONTH);
    assert.equal(file.kind, 'candles');
    if (file.kind === 'candles') candles = file.bars.toCandles();
    assert.ok(candles.length >= END, `${candles.length} bars`);
  });

  it('every bot decides exactly as it does with its own range, and the bars are pushed once per stream', async () => {
    const own = await runFleet(candles);
    const hub = new MarketDataHub();
    const shared = await runFleet(candles, hub);
    for (const s of SPECS) {
      const a = own.get(s.id) ?? [];
      const b = shared.get(s.id) ?? [];
      assert.ok(a.length > 20, `${s.id} decided ${a.length} times`);
      assert.ok(
        a.some((x) => x.includes('"place"')),
        `${s.id} placed orders`,
      );
      assert.deepEqual(b, a, `${s.id}: decisions differ with a shared range`);
    }
    // first, lagging and late-week share one stream; late-day read before its own samples spanned a week, so it
    // reads a range of its own samples; other-settings is another group
    const stats = hub.stats();
    assert.equal(stats.groups, 2);
    assert.equal(stats.timelines, 3);
    assert.equal(stats.views, 5);
  });
});
