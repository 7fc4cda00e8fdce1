/**
 * A loopback Solana JSON-RPC server (HTTP, single and batch requests) over a LoopbackChain, with seeded faults,
 * so live mode's real network stack — web3.js Connection over HTTP, the SDK's polling loaders, blockhashes,
 * confirmations — runs in tests exactly as it runs against a provider.
 *
 * Faults are queued with `inject` and fire on the next matching request; each firing is counted (`fired`):
 * - rateLimit: HTTP 429 with Retry-After (seconds), the request is not processed;
 * - timeout: the request is never answered (the client's timeout must fire);
 * - reset: the connection is destroyed before an answer (the request is not processed);
 * - lostConfirmation (sendTransaction): the transaction LANDS, the answer is lost (connection destroyed), and
 *   the following `statusResets` getSignatureStatuses requests are reset too;
 * - expiredBlockhash (sendTransaction): preflight answers "Blockhash not found", nothing is forwarded;
 * - laggingSlot: for `times` requests the node is `lagSlots` behind: slots, account data and signature
 *   statuses as of that older slot.
 * Only the methods live mode uses are served; any other is answered -32601 and recorded in `unknownMethods`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeBase58 } from '../../../../runner/keys.ts';
import { type ChainAccount, type LoopbackChain, PreflightError } from './chain.ts';

export type FaultKind =
  | 'rateLimit'
  | 'timeout'
  | 'reset'
  | 'lostConfirmation'
  | 'expiredBlockhash'
  | 'laggingSlot';

export interface Fault {
  kind: FaultKind;
  /** Only requests calling this method (any method of a batch) trigger it. Default: any request. */
  method?: string;
  /** sendTransaction only: only transactions carrying this Drift instruction (e.g. 'placeOrders'). */
  instruction?: string;
  /** How many requests it hits. Default 1. */
  times?: number;
  /** rateLimit: the Retry-After value in seconds. Default 1. */
  retryAfterSec?: number;
  /** laggingSlot: how far behind the node is. Default 40. */
  lagSlots?: number;
  /** lostConfirmation: status requests reset after the lost answer. Default 12. */
  statusResets?: number;
  /**
   * lostConfirmation: the transaction lands only this many slots later (the leader got it late), so a read
   * right after the lost answer does not show it yet. Default 0 (lands at once).
   */
  landAfterSlots?: number;
}

interface RpcRequest {
  jsonrpc: '2.0';
  id: number | string;
  method: string;
  params?: unknown[];
}

export interface RpcServerOptions {
  /** When set, requests must carry this Basic auth (RPC_URL with user:password@). */
  basicAuth?: { user: string; password: string };
}

export class RpcServer {
  readonly chain: LoopbackChain;
  readonly #server: Server;
  readonly #faults: Required<Fault>[] = [];
  readonly fired: Record<FaultKind, number> = {
    rateLimit: 0,
    timeout: 0,
    reset: 0,
    lostConfirmation: 0,
    expiredBlockhash: 0,
    laggingSlot: 0,
  };
  readonly calls = new Map<string, number>();
  readonly unknownMethods = new Set<string>();
  /** Requests refused for missing or wrong credentials. */
  unauthorized = 0;
  #statusResets = 0;
  /** Transactions accepted but landing later (lostConfirmation with landAfterSlots). */
  readonly #delayed: { raw: Buffer; atSlot: number }[] = [];
  readonly #hanging = new Set<ServerResponse>();
  readonly #auth: string | undefined;

  private constructor(chain: LoopbackChain, server: Server, o: RpcServerOptions) {
    this.chain = chain;
    this.#server = server;
    this.#auth = o.basicAuth
      ? `Basic ${Buffer.from(`${o.basicAuth.user}:${o.basicAuth.password}`).toString('base64')}`
      : undefined;
  }

  static async start(chain: LoopbackChain, o: RpcServerOptions = {}): Promise<RpcServer> {
    let self: RpcServer | undefined;
    const server = createServer((req, res) => {
      void self?.handle(req, res);
    });
    self = new RpcServer(chain, server, o);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return self;
  }

  get url(): string {
    const { port } = this.#server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  inject(f: Fault): void {
    this.#faults.push({
      method: '',
      instruction: '',
      times: 1,
      retryAfterSec: 1,
      lagSlots: 40,
      statusResets: 12,
      landAfterSlots: 0,
      ...f,
    });
  }

  /** Faults queued but not yet fired, and delayed transactions not yet landed. */
  get pending(): number {
    return this.#faults.length + this.#delayed.length;
  }

  async close(): Promise<void> {
    for (const res of this.#hanging) res.socket?.destroy();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (this.#auth && req.headers.authorization !== this.#auth) {
      this.unauthorized++;
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end('{"error":"unauthorized"}');
      return;
    }
    let body: RpcRequest | RpcRequest[];
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      res.writeHead(400).end();
      return;
    }
    await this.#landDue();
    const requests = Array.isArray(body) ? body : [body];
    for (const r of requests) this.calls.set(r.method, (this.calls.get(r.method) ?? 0) + 1);

    const fault = this.#takeFault(requests);
    let lag = 0;
    if (fault) {
      this.fired[fault.kind]++;
      switch (fault.kind) {
        case 'rateLimit':
          res.writeHead(429, {
            'retry-after': String(fault.retryAfterSec),
            'content-type': 'application/json',
          });
          res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: 429, message: 'Too many requests' } }));
          return;
        case 'timeout':
          this.#hanging.add(res);
          res.on('close', () => this.#hanging.delete(res));
          return;
        case 'reset':
          req.socket.destroy();
          return;
        case 'lostConfirmation':
          if (fault.landAfterSlots > 0) {
            for (const r of requests) {
              if (r.method !== 'sendTransaction') continue;
              const raw = Buffer.from((r.params ?? [])[0] as string, 'base64');
              this.#delayed.push({ raw, atSlot: (await this.chain.slot()) + fault.landAfterSlots });
            }
          } else {
            await Promise.all(requests.map((r) => this.#answer(r, 0).catch(() => undefined)));
          }
          this.#statusResets = fault.statusResets;
          req.socket.destroy();
          return;
        case 'expiredBlockhash':
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(
            JSON.stringify(
              requests.map((r) =>
                r.method === 'sendTransaction'
                  ? errorOf(
                      r,
                      new PreflightError(
                        'Transaction simulation failed: Blockhash not found',
                        'BlockhashNotFound',
                      ),
                    )
                  : { jsonrpc: '2.0', id: r.id, error: { code: -32005, message: 'node is behind' } },
              )[0],
            ),
          );
          return;
        case 'laggingSlot':
          lag = fault.lagSlots;
          break;
      }
    }
    if (this.#statusResets > 0 && requests.some((r) => r.method === 'getSignatureStatuses')) {
      this.#statusResets--;
      this.fired.lostConfirmation++;
      req.socket.destroy();
      return;
    }
    const answers = await Promise.all(requests.map((r) => this.#answer(r, lag)));
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(Array.isArray(body) ? answers : answers[0]));
  }

  /** Lands delayed transactions whose slot has come (skipping preflight, as a leader would). */
  async #landDue(): Promise<void> {
    const now = await this.chain.slot();
    for (let i = 0; i < this.#delayed.length; ) {
      const d = this.#delayed[i];
      if (d.atSlot > now) {
        i++;
        continue;
      }
      this.#delayed.splice(i, 1);
      await this.chain.send(d.raw, true).catch(() => undefined);
    }
  }

  #takeFault(requests: RpcRequest[]): Required<Fault> | undefined {
    const hit = (f: Required<Fault>, r: RpcRequest) =>
      (!f.method || r.method === f.method) &&
      (!f.instruction ||
        (r.method === 'sendTransaction' &&
          this.chain
            .instructionNames(Buffer.from((r.params ?? [])[0] as string, 'base64'))
            .includes(f.instruction)));
    const i = this.#faults.findIndex((f) => requests.some((r) => hit(f, r)));
    if (i < 0) return undefined;
    const f = this.#faults[i];
    if (--f.times <= 0) this.#faults.splice(i, 1);
    return f;
  }

  async #answer(r: RpcRequest, lag: number): Promise<unknown> {
    try {
      return { jsonrpc: '2.0', id: r.id, result: await this.#call(r.method, r.params ?? [], lag) };
    } catch (err) {
      return errorOf(r, err);
    }
  }

  async #call(method: string, params: unknown[], lag: number): Promise<unknown> {
    const chain = this.chain;
    const slot = (await chain.slot()) - lag;
    const at = lag > 0 ? slot : undefined;
    const context = { slot, apiVersion: '1.18.0' };
    switch (method) {
      case 'getSlot':
      case 'getBlockHeight':
        return slot;
      case 'getLatestBlockhash':
        return { context, value: await chain.latestBlockhash() };
      case 'getAccountInfo':
        return { context, value: accountJson(await chain.account(params[0] as string, at)) };
      case 'getMultipleAccounts':
        return {
          context,
          value: await Promise.all(
            (params[0] as string[]).map(async (k) => accountJson(await chain.account(k, at))),
          ),
        };
      case 'getProgramAccounts': {
        const cfg = (params[1] ?? {}) as { filters?: Filter[]; withContext?: boolean };
        const list = (await chain.programAccounts(params[0] as string, at))
          .filter(([, a]) => (cfg.filters ?? []).every((f) => matches(f, a.data)))
          .map(([pubkey, a]) => ({ pubkey, account: accountJson(a) }));
        return cfg.withContext ? { context, value: list } : list;
      }
      case 'sendTransaction': {
        const cfg = (params[1] ?? {}) as { skipPreflight?: boolean };
        return chain.send(Buffer.from(params[0] as string, 'base64'), cfg.skipPreflight === true);
      }
      case 'getSignatureStatuses':
        return {
          context,
          value: await Promise.all(
            (params[0] as string[]).map(async (sig) => {
              const s = await chain.status(sig);
              if (!s || s.slot > slot) return null;
              return {
                slot: s.slot,
                confirmations: null,
                err: s.err,
                status: s.err === null ? { Ok: null } : { Err: s.err },
                confirmationStatus: 'confirmed',
              };
            }),
          ),
        };
      case 'getRecentPrioritizationFees':
        return [{ slot, prioritizationFee: 5_000 }];
      case 'getBalance':
        return { context, value: 10_000_000_000 };
      case 'getVersion':
        return { 'solana-core': '1.18.0', 'feature-set': 0 };
      default:
        this.unknownMethods.add(method);
        throw Object.assign(new Error(`Method not found: ${method}`), { rpcCode: -32601 });
    }
  }
}

interface Filter {
  memcmp?: { offset: number; bytes: string; encoding?: string };
  dataSize?: number;
}

function matches(f: Filter, data: Buffer): boolean {
  if (f.dataSize !== undefined) return data.length === f.dataSize;
  if (f.memcmp) {
    const want =
      f.memcmp.encoding === 'base64'
        ? Buffer.from(f.memcmp.bytes, 'base64')
        : Buffer.from(decodeBase58(f.memcmp.bytes));
    return data.subarray(f.memcmp.offset, f.memcmp.offset + want.length).equals(want);
  }
  return true;
}

function accountJson(a: ChainAccount | undefined): unknown {
  if (!a) return null;
  return {
    data: [a.data.toString('base64'), 'base64'],
    executable: a.executable,
    lamports: a.lamports,
    owner: a.owner.toBase58(),
    rentEpoch: 0,
    space: a.data.length,
  };
}

function errorOf(r: RpcRequest, err: unknown): unknown {
  if (err instanceof PreflightError) {
    return {
      jsonrpc: '2.0',
      id: r.id,
      error: {
        code: -32002,
        message: err.message,
        data: { err: err.err, logs: err.logs, accounts: null, unitsConsumed: 0, returnData: null },
      },
    };
  }
  const code = (err as { rpcCode?: number })?.rpcCode ?? -32603;
  return {
    jsonrpc: '2.0',
    id: r.id,
    error: { code, message: err instanceof Error ? err.message : String(err) },
  };
}
