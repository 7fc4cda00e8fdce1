/**
 * The Drift side of the real-program suite: everything that is NOT the venue under test (the exchange admin,
 * another trader, a keeper) speaks to the program with the program's OWN IDL (DRIFT_IDL_JSON, e.g. v2.84.0 for
 * the 2024 build), so setup does not depend on how far SDK 2.156's admin helpers drifted from that build.
 * The venue's instructions, in contrast, are built by SDK 2.156 through DriftIxBuilder: the encoding under test.
 * This file sets the exchange up; the counterparty and the keeper are in bankrun-participants.ts.
 *
 * The market's oracle is a hand-written Pyth (v1, "push") price account owned by the Pyth program id compiled
 * into the program (mainnet-beta build: FsJ3A3u2vn5cTVofAjvy6y5kwABJAqYWpe4975bi2epH). Layout facts from
 * pyth-client 0.2.2 / @pythnetwork/client `parsePriceData`: magic, version, type, size, price type, exponent
 * (i32 @20), num components (u32 @24), num quoters (u32 @28), last slot (@32), valid slot (@40), aggregate price
 * (i64 @208), conf (u64 @216), status (u32 @224), publish slot (u64 @232); 3312 bytes with 32 components.
 */
import {
  BN,
  DriftClient,
  encodeName,
  getDriftSignerPublicKey,
  getDriftStateAccountPublicKey,
  getInsuranceFundVaultPublicKey,
  getPerpMarketPublicKeySync,
  getSpotMarketPublicKeySync,
  getSpotMarketVaultPublicKey,
  Wallet,
} from '@drift-labs/sdk';
import {
  createAssociatedTokenAccountIdempotentInstruction,
  createInitializeMint2Instruction,
  createMintToInstruction,
  getAssociatedTokenAddressSync,
  MINT_SIZE,
  TOKEN_PROGRAM_ID,
} from '@solana/spl-token';
import {
  type AccountMeta,
  Connection,
  Keypair,
  PublicKey,
  SYSVAR_RENT_PUBKEY,
  SystemProgram,
  TransactionInstruction,
} from '@solana/web3.js';
import type { BankrunChain } from './bankrun-chain.ts';
import { PYTH_PUSH_PROGRAM_ID, pythPriceAccount } from './pyth-account.ts';

export { PYTH_PUSH_PROGRAM_ID } from './pyth-account.ts';

/** Just what we use of an Anchor (0.29) BorshCoder built over the program's IDL. */
export interface IdlCoder {
  instruction: { encode(name: string, args: unknown): Buffer };
  accounts: { decode<T = Record<string, unknown>>(name: string, data: Buffer): T };
}

interface IdlIx {
  name: string;
  accounts: { name: string; isMut: boolean; isSigner: boolean }[];
}

export interface DriftIdl {
  version: string;
  instructions: IdlIx[];
}

/** A trader who is not the venue under test: a keypair with a USDC token account and subaccount 0. */
export interface Counterparty {
  authority: Keypair;
  user: PublicKey;
  userStats: PublicKey;
}

export interface MarketSetup {
  /** PRICE precision. */
  oraclePrice: bigint;
  tickSize: bigint;
  stepSize: bigint;
  minOrderSize: bigint;
  marginRatioInitial: number;
  marginRatioMaintenance: number;
}

/**
 * A BorshCoder over `idl`, of the same Anchor version the SDK uses (taken from an SDK client's program, so this
 * file does not depend on Anchor directly).
 */
export function idlCoder(idl: DriftIdl): IdlCoder {
  const probe = new DriftClient({
    connection: new Connection('http://127.0.0.1:1'),
    wallet: new Wallet(Keypair.generate()),
    env: 'mainnet-beta',
    skipLoadUsers: true,
  });
  const Coder = probe.program.coder.constructor as new (idl: DriftIdl) => IdlCoder;
  return new Coder(idl);
}

export class DriftHarness {
  readonly chain: BankrunChain;
  readonly programId: PublicKey;
  readonly idl: DriftIdl;
  readonly coder: IdlCoder;
  readonly admin: Keypair;
  readonly mint = Keypair.generate();
  readonly oracle = Keypair.generate().publicKey;
  state = PublicKey.default;

  constructor(chain: BankrunChain, programId: PublicKey, idl: DriftIdl, coder: IdlCoder) {
    this.chain = chain;
    this.programId = programId;
    this.idl = idl;
    this.coder = coder;
    this.admin = chain.payer;
  }

  /** An instruction of the program's IDL: accounts in IDL order, flags from the IDL. */
  ix(
    name: string,
    args: Record<string, unknown>,
    accounts: Record<string, PublicKey>,
    remaining: AccountMeta[] = [],
  ): TransactionInstruction {
    const def = this.idl.instructions.find((i) => i.name === name);
    if (!def) throw new Error(`instruction ${name} is not in the IDL (v${this.idl.version})`);
    const keys = def.accounts.map((a) => {
      const pubkey = accounts[a.name];
      if (!pubkey) throw new Error(`${name}: account ${a.name} missing`);
      return { pubkey, isWritable: a.isMut, isSigner: a.isSigner };
    });
    return new TransactionInstruction({
      programId: this.programId,
      keys: [...keys, ...remaining],
      data: this.coder.instruction.encode(name, args),
    });
  }

  async decode<T>(name: string, address: PublicKey): Promise<T> {
    const data = await this.chain.account(address);
    if (!data) throw new Error(`${name} account ${address.toBase58()} does not exist`);
    return this.coder.accounts.decode<T>(name, Buffer.from(data));
  }

  perpMarket(index = 0): PublicKey {
    return getPerpMarketPublicKeySync(this.programId, index);
  }

  get usdcSpotMarket(): PublicKey {
    return getSpotMarketPublicKeySync(this.programId, 0);
  }

  /** Writes the oracle account at the current slot (Drift refuses stale oracles for fills and funding). */
  async setOraclePrice(price: bigint, conf = 1_000n): Promise<void> {
    this.chain.setAccount(
      this.oracle,
      PYTH_PUSH_PROGRAM_ID,
      pythPriceAccount(price, await this.chain.slot(), conf),
    );
  }

  /** Mint, state, USDC spot market 0 (quote asset), perp market 0 on the hand-written oracle. */
  async setup(m: MarketSetup): Promise<void> {
    const admin = this.admin;
    const rent = SYSVAR_RENT_PUBKEY;
    await this.chain.must(
      [
        SystemProgram.createAccount({
          fromPubkey: admin.publicKey,
          newAccountPubkey: this.mint.publicKey,
          space: MINT_SIZE,
          lamports: 1_000_000_000,
          programId: TOKEN_PROGRAM_ID,
        }),
        createInitializeMint2Instruction(this.mint.publicKey, 6, admin.publicKey, null),
      ],
      [admin, this.mint],
      'create the USDC mint',
    );
    this.state = await getDriftStateAccountPublicKey(this.programId);
    const driftSigner = getDriftSignerPublicKey(this.programId);
    const common = { rent, systemProgram: SystemProgram.programId, tokenProgram: TOKEN_PROGRAM_ID };
    await this.chain.must(
      [
        this.ix(
          'initialize',
          {},
          {
            admin: admin.publicKey,
            state: this.state,
            quoteAssetMint: this.mint.publicKey,
            driftSigner,
            ...common,
          },
        ),
      ],
      [admin],
      'initialize',
    );
    const rate = 1_000_000; // SPOT_RATE_PRECISION
    const weight = 10_000; // SPOT_WEIGHT_PRECISION
    await this.chain.must(
      [
        this.ix(
          'initializeSpotMarket',
          {
            optimalUtilization: rate / 2,
            optimalBorrowRate: rate,
            maxBorrowRate: rate,
            oracleSource: { quoteAsset: {} },
            initialAssetWeight: weight,
            maintenanceAssetWeight: weight,
            initialLiabilityWeight: weight,
            maintenanceLiabilityWeight: weight,
            imfFactor: 0,
            liquidatorFee: 0,
            ifLiquidationFee: 0,
            activeStatus: true,
            assetTier: { collateral: {} },
            scaleInitialAssetWeightStart: bn(0n),
            withdrawGuardThreshold: bn(0n),
            orderTickSize: bn(1n),
            orderStepSize: bn(1n),
            ifTotalFactor: 0,
            name: encodeName('USDC'),
          },
          {
            spotMarket: this.usdcSpotMarket,
            spotMarketMint: this.mint.publicKey,
            spotMarketVault: await getSpotMarketVaultPublicKey(this.programId, 0),
            insuranceFundVault: await getInsuranceFundVaultPublicKey(this.programId, 0),
            driftSigner,
            state: this.state,
            oracle: PublicKey.default,
            admin: admin.publicKey,
            ...common,
          },
        ),
      ],
      [admin],
      'initializeSpotMarket (USDC)',
    );
    await this.setOraclePrice(m.oraclePrice);
    // A constant-product AMM with equal reserves prices at its peg (PEG precision 1e6 = PRICE precision).
    const reserve = 5n * 10n ** 13n * 1_000n;
    await this.chain.must(
      [
        this.ix(
          'initializePerpMarket',
          {
            marketIndex: 0,
            ammBaseAssetReserve: bn(reserve),
            ammQuoteAssetReserve: bn(reserve),
            ammPeriodicity: bn(3600n),
            ammPegMultiplier: bn(m.oraclePrice),
            oracleSource: { pyth: {} },
            contractTier: { speculative: {} },
            marginRatioInitial: m.marginRatioInitial,
            marginRatioMaintenance: m.marginRatioMaintenance,
            liquidatorFee: 0,
            ifLiquidationFee: 10_000,
            imfFactor: 0,
            activeStatus: true,
            baseSpread: 0,
            maxSpread: 50_000, // must stay under the initial margin ratio (×100)
            maxOpenInterest: bn(0n),
            maxRevenueWithdrawPerPeriod: bn(0n),
            quoteMaxInsurance: bn(0n),
            orderStepSize: bn(m.stepSize),
            orderTickSize: bn(m.tickSize),
            minOrderSize: bn(m.minOrderSize),
            concentrationCoefScale: bn(1n),
            curveUpdateIntensity: 0,
            ammJitIntensity: 0,
            name: encodeName('SOL-PERP'),
          },
          {
            admin: admin.publicKey,
            state: this.state,
            perpMarket: this.perpMarket(0),
            oracle: this.oracle,
            rent,
            systemProgram: SystemProgram.programId,
          },
        ),
      ],
      [admin],
      'initializePerpMarket (SOL-PERP)',
    );
  }

  /** A funded keypair with an associated USDC token account holding `usdc` (QUOTE precision). */
  async newTrader(usdc: bigint): Promise<{ authority: Keypair; tokenAccount: PublicKey }> {
    const authority = Keypair.generate();
    await this.chain.fund(authority.publicKey);
    const tokenAccount = getAssociatedTokenAddressSync(this.mint.publicKey, authority.publicKey);
    await this.chain.must(
      [
        createAssociatedTokenAccountIdempotentInstruction(
          this.admin.publicKey,
          tokenAccount,
          authority.publicKey,
          this.mint.publicKey,
        ),
        createMintToInstruction(this.mint.publicKey, tokenAccount, this.admin.publicKey, usdc),
      ],
      [this.admin],
      'fund a trader with USDC',
    );
    return { authority, tokenAccount };
  }

  marketAccounts(perpWritable: boolean): AccountMeta[] {
    return [
      { pubkey: this.oracle, isWritable: false, isSigner: false },
      { pubkey: this.usdcSpotMarket, isWritable: false, isSigner: false },
      { pubkey: this.perpMarket(0), isWritable: perpWritable, isSigner: false },
    ];
  }
}

/** Anchor encodes u64/i64/u128 from BN (the SDK re-exports the BN it uses). */
export function bn(v: bigint): BN {
  return new BN(v.toString());
}
