/**
 * What every real-program suite shares: where the compiled program and its IDL are (DRIFT_PROGRAM_SO,
 * DRIFT_IDL_JSON), why the suite must skip when they are not, and a bank with Drift set up for SOL-PERP at $100.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PublicKey } from '@solana/web3.js';
import { MARKETS } from '../../../domain/markets.ts';
import { BankrunChain, bankrunUnavailable } from './bankrun-chain.ts';
import { DriftHarness, type DriftIdl, idlCoder } from './bankrun-drift.ts';

const SO = process.env.DRIFT_PROGRAM_SO;
const IDL = process.env.DRIFT_IDL_JSON ?? (SO ? join(dirname(SO), 'drift.json') : undefined);

/** Why a real-program suite cannot run here, or false when it can (printed under the suite's name). */
export async function realProgramSkip(suite: string): Promise<string | false> {
  let why = await bankrunUnavailable(SO);
  if (!why && (!IDL || !existsSync(IDL))) {
    why = `the program's IDL was not found at ${IDL} (set DRIFT_IDL_JSON to the drift.json paired with the .so)`;
  }
  if (why) console.log(`# ${suite} skipped: ${why}`);
  return why;
}

/** Drift's program id: the compiled program is loaded at its mainnet address. */
export const DRIFT_PROGRAM_ID = new PublicKey('dRiftyHA39MWEi3m9aunc5MzRF1JYuBsbn6VPcn33UH');

/** A fresh bank running the program, with the exchange, USDC and SOL-PERP (oracle $100, 10%/5% margin) set up. */
export async function startSolPerpBank(): Promise<{ chain: BankrunChain; drift: DriftHarness }> {
  const idl = JSON.parse(readFileSync(IDL as string, 'utf8')) as DriftIdl;
  const chain = await BankrunChain.start(SO as string, DRIFT_PROGRAM_ID);
  const drift = new DriftHarness(chain, DRIFT_PROGRAM_ID, idl, idlCoder(idl));
  const sol = MARKETS['SOL-PERP'];
  await drift.setup({
    oraclePrice: 100_000_000n,
    tickSize: sol.tickSize,
    stepSize: sol.stepSize,
    minOrderSize: sol.minOrderSize,
    marginRatioInitial: 1000,
    marginRatioMaintenance: 500,
  });
  return { chain, drift };
}
