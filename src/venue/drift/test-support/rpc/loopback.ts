/**
 * A loopback Drift network for tests of live mode: a wallet, the in-memory chain and its JSON-RPC server on
 * 127.0.0.1. Live mode is then started with `RPC_URL = server.url` and the wallet, and runs unchanged.
 */
import { Keypair } from '@solana/web3.js';
import type { Candle } from '../../../../data/types.ts';
import type { MarketSpec } from '../../../../domain/markets.ts';
import { SigningKeypair } from '../../../../runner/keys.ts';
import { RpcServer, type RpcServerOptions } from './rpc-server.ts';
import { SimChain } from './sim-chain.ts';

export interface Loopback {
  chain: SimChain;
  server: RpcServer;
  keypair: SigningKeypair;
  /** One bar of a market at `ts` (bar open) with a flat oracle at `price` unless the candle says otherwise. */
  bar(
    marketIndex: number,
    ts: number,
    candle: Partial<Candle> & { close: number },
    intervalMs?: number,
  ): void;
  close(): Promise<void>;
}

export async function startLoopback(o: {
  markets: MarketSpec[];
  clock?: () => number;
  slotMs?: number;
  server?: RpcServerOptions;
  seed?: number;
}): Promise<Loopback> {
  const kp = o.seed === undefined ? Keypair.generate() : Keypair.fromSeed(new Uint8Array(32).fill(o.seed));
  const keypair = new SigningKeypair(kp.secretKey, kp.publicKey.toBase58());
  const chain = new SimChain({
    markets: o.markets,
    authority: kp.publicKey,
    clock: o.clock,
    slotMs: o.slotMs,
  });
  const server = await RpcServer.start(chain, o.server);
  return {
    chain,
    server,
    keypair,
    bar(marketIndex, ts, c, intervalMs = 60_000) {
      const open = c.open ?? c.close;
      chain.onBar(
        marketIndex,
        {
          ts,
          open,
          high: c.high ?? Math.max(open, c.close),
          low: c.low ?? Math.min(open, c.close),
          close: c.close,
          volume: c.volume ?? 1_000,
          oracleClose: c.oracleClose ?? c.close,
          ...(c.oracleHigh !== undefined ? { oracleHigh: c.oracleHigh, oracleLow: c.oracleLow } : {}),
        },
        intervalMs,
      );
    },
    close: () => server.close(),
  };
}
