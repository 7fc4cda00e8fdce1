/**
 * A loopback Drift network on a compiled program: the bank (SOL-PERP at $100, AMM fills paused so takers
 * fill against makers only), a funded wallet for the bot, a counterparty, and the JSON-RPC server in front.
 */
import { getUserAccountPublicKeySync } from '@drift-labs/sdk';
import type { Keypair } from '@solana/web3.js';
import type { Order } from '../../../../domain/types.ts';
import { SigningKeypair } from '../../../../runner/keys.ts';
import type { BankrunChain } from '../bankrun-chain.ts';
import type { Counterparty, DriftHarness } from '../bankrun-drift.ts';
import { counterparty, moveAmmTo, pausePerpOperations, takeMakerOrder } from '../bankrun-participants.ts';
import { startSolPerpBank } from '../bankrun-suite.ts';
import { createOfflineClient } from '../offline-client.ts';
import { BankrunRpcChain } from './bankrun-rpc-chain.ts';
import { RpcServer } from './rpc-server.ts';

export interface BankrunRpcNet {
  chain: BankrunChain;
  drift: DriftHarness;
  rpcChain: BankrunRpcChain;
  server: RpcServer;
  keypair: SigningKeypair;
  authority: Keypair;
  taker: Counterparty;
  nowMs(): Promise<number>;
  /**
   * One minute on the bank's clock (150 slots): the oracle republished at `price` and the vAMM moved there
   * (so the mark follows the oracle, as on mainnet); returns the new time.
   */
  advanceMinute(price: number): Promise<number>;
  /** The counterparty takes the bot's best order on the other side of `side` (a sell hits the best bid). */
  takeBest(
    open: readonly Order[],
    side: 'buy' | 'sell',
    price: number,
    subaccountId?: number,
  ): Promise<boolean>;
  close(): Promise<void>;
}

export async function startBankrunRpc(usdc: bigint): Promise<BankrunRpcNet> {
  const { chain, drift } = await startSolPerpBank();
  await pausePerpOperations(drift, 2);
  const trader = await drift.newTrader(usdc);
  const taker = await counterparty(drift, usdc);
  const rpcChain = new BankrunRpcChain(chain, createOfflineClient().client.program);
  rpcChain.watch(taker.user);
  const server = await RpcServer.start(rpcChain);
  const keypair = new SigningKeypair(trader.authority.secretKey, trader.authority.publicKey.toBase58());
  const nowMs = async () => Number(await chain.unixTimestamp()) * 1000;
  return {
    chain,
    drift,
    rpcChain,
    server,
    keypair,
    authority: trader.authority,
    taker,
    nowMs,
    async advanceMinute(price) {
      await chain.advance(150, 60);
      const p = BigInt(Math.round(price * 1e6));
      await drift.setOraclePrice(p);
      await moveAmmTo(drift, p);
      return nowMs();
    },
    async takeBest(open, side, price, subaccountId = 0) {
      const makers = open.filter((o) => o.side !== side);
      if (makers.length === 0) return false;
      const best = makers.reduce((a, b) =>
        side === 'sell' ? (b.price > a.price ? b : a) : b.price < a.price ? b : a,
      );
      await takeMakerOrder(
        drift,
        taker,
        {
          authority: trader.authority.publicKey,
          user: getUserAccountPublicKeySync(drift.programId, trader.authority.publicKey, subaccountId),
          orderId: best.orderId,
        },
        side,
        best.base - best.filledBase,
        best.price,
        BigInt(Math.round(price * 1e6)),
      );
      return true;
    },
    close: () => server.close(),
  };
}
