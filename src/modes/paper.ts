/**
 * Composition root of paper mode on replayed data (offline): each bot gets a simulated venue and a replay of
 * the shipped real data for its markets (data/), or a seeded synthetic series for markets without
 * shipped data. Returns the OpenBot factory the Runner uses.
 */

import { fileURLToPath } from 'node:url';
import { ConfigError } from '../config/config-error.ts';
import { generateCandles, loadMarketFile, type MarketEventInput, mergeMarketEvents } from '../data/index.ts';
import type { MarketEvent } from '../data/types.ts';
import { specProblems } from '../domain/markets.ts';
import type { OpenBot } from '../runner/bot-driver.ts';
import { openPaperReplay } from '../runner/paper-driver.ts';

export const EXAMPLES_DATA = fileURLToPath(new URL('../../data/', import.meta.url));

/** Shipped replay files per market: prices, and funding when there is a record of it. */
export const DEMO_DATA: Readonly<Record<string, { prices: string; funding?: string }>> = {
  'SOL-PERP': { prices: 'binance/SOLUSDT-spot-1m-2025-03.csv' },
  'DRIFT-PERP': { prices: 'drift/price/drift_1h_90days.json', funding: 'drift/funding/drift-perp.json' },
  'KMNO-PERP': { prices: 'drift/price/kmno_1h_90days.json', funding: 'drift/funding/kmno-perp.json' },
};

const SYNTHETIC_START: Readonly<Record<string, number>> = { 'BTC-PERP': 60_000 };

export interface PaperReplaySettings {
  speed: number;
  loop: boolean;
  /** Override the data folder (tests). */
  dataDir?: string;
  /** Override the warm-up (tests: shorter). */
  warmupMs?: number;
  snapshotCadenceMs?: number;
}

const cache = new Map<string, Promise<MarketEventInput[]>>();

function hashSeed(s: string): number {
  let h = 2166136261;
  for (const c of s) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  return h >>> 0;
}

async function inputsFor(symbol: string, dataDir: string): Promise<MarketEventInput[]> {
  const key = `${dataDir}\u0000${symbol}`;
  let p = cache.get(key);
  if (!p) {
    p = (async () => {
      const files = DEMO_DATA[symbol];
      if (!files) {
        // 30 days of 1-minute bars, the same for every run (seeded by the symbol).
        const candles = generateCandles(30 * 1440, {
          seed: hashSeed(symbol),
          startPrice: SYNTHETIC_START[symbol] ?? 100,
          startTs: Date.UTC(2025, 2, 1),
        });
        return [{ market: symbol, candles, intervalMs: 60_000 }];
      }
      const out: MarketEventInput[] = [];
      const prices = await loadMarketFile(`${dataDir}${files.prices}`);
      if (prices.kind !== 'candles') throw new Error(`${files.prices}: expected prices`);
      out.push({
        market: symbol,
        candles: prices.bars.toCandles(),
        intervalMs: prices.report.intervalMs || undefined,
      });
      if (files.funding) {
        const funding = await loadMarketFile(`${dataDir}${files.funding}`);
        if (funding.kind === 'funding') out.push({ market: symbol, funding: funding.records });
      }
      return out;
    })();
    cache.set(key, p);
  }
  return p;
}

/** The merged replay of a bot's markets and whether it carries funding records. */
export async function replayEvents(
  symbols: readonly string[],
  dataDir = EXAMPLES_DATA,
): Promise<{ events: MarketEvent[]; funding: boolean }> {
  const inputs = (await Promise.all(symbols.map((s) => inputsFor(s, dataDir)))).flat();
  return {
    events: mergeMarketEvents(inputs),
    funding: inputs.some((i) => i.funding && i.funding.length > 0),
  };
}

export function paperReplayFactory(settings: PaperReplaySettings): OpenBot {
  return async (record, ctx) => {
    const unknownSpecs = specProblems(record.config.markets);
    if (unknownSpecs.length > 0) throw new ConfigError(`bot ${record.id}`, unknownSpecs);
    const { events, funding } = await replayEvents(
      record.config.markets.map((m) => m.symbol),
      settings.dataDir ?? EXAMPLES_DATA,
    );
    return openPaperReplay({
      record,
      ctx,
      events,
      fundingReplay: funding,
      speed: settings.speed,
      loop: settings.loop,
      warmupMs: settings.warmupMs,
      snapshotCadenceMs: settings.snapshotCadenceMs,
    });
  };
}
