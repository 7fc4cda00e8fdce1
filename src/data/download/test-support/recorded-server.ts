/**
 * A loopback HTTP server answering like Drift's and Binance's public data servers, with responses built from
 * the real files in data/ in the exact public formats (sources.ts): Drift candles and funding as the shipped
 * JSON records, Binance USD-M monthly kline and funding zips (+ .CHECKSUM) made from the shipped SOL 1-minute
 * prices and the shipped Drift funding rates. The only network the download tests reach.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { zipSync } from 'fflate';

const root = new URL('../../../../data/', import.meta.url).pathname;

export interface Recorded {
  url: string;
  /** Requests answered, by path. */
  hits: string[];
  /** Answer 500 to every request after this many (simulates an outage mid-download). */
  failAfter: number;
  /** Serve a wrong checksum. */
  badChecksum: boolean;
  close(): Promise<void>;
}

type Raw = Record<string, string | number>;

const driftFiles: Record<string, Record<string, string>> = {
  '30': { '15': 'drift/price/drift_15m_90days.json', '60': 'drift/price/drift_1h_90days.json' },
  '28': { '15': 'drift/price/kmno_15m_90days.json', '60': 'drift/price/kmno_1h_90days.json' },
};
const fundingFiles: Record<string, string> = {
  'DRIFT-PERP': 'drift/funding/drift-perp.json',
  'KMNO-PERP': 'drift/funding/kmno-perp.json',
};

const KLINE_HEADER =
  'open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,taker_buy_quote_volume,ignore';

/** The shipped SOL spot minutes as USD-M kline rows, grouped by UTC month. */
function solKlinesByMonth(): Map<string, string[]> {
  const lines = readFileSync(`${root}binance/SOLUSDT-spot-1m-2025-03.csv`, 'utf8')
    .trim()
    .split('\n')
    .slice(1);
  const out = new Map<string, string[]>();
  for (const line of lines) {
    const [ts, open, high, low, close, volume] = line.split(',');
    const t = Date.parse(`${ts.replace(' ', 'T')}Z`);
    const month = new Date(t).toISOString().slice(0, 7);
    const quote = (Number(volume) * Number(close)).toFixed(4);
    const row = [t, open, high, low, close, volume, t + 59_999, quote, 0, 0, 0, 0].join(',');
    if (!out.has(month)) out.set(month, []);
    out.get(month)?.push(row);
  }
  return out;
}

/** The shipped DRIFT-PERP funding rates in Binance's funding dump layout, by month. */
function fundingByMonth(): Map<string, string[]> {
  const rates = JSON.parse(readFileSync(`${root}drift/funding/drift-perp.json`, 'utf8'))
    .fundingRates as Raw[];
  const out = new Map<string, string[]>();
  for (const r of rates) {
    const t = Number(r.ts) * 1000;
    const month = new Date(t).toISOString().slice(0, 7);
    const rate = Number(r.fundingRate) / 1e9 / (Number(r.oraclePriceTwap) / 1e6);
    if (!out.has(month)) out.set(month, []);
    out.get(month)?.push(`${t},1,${rate.toFixed(10)}`);
  }
  return out;
}

export async function startRecordedServer(): Promise<Recorded> {
  const klines = solKlinesByMonth();
  const funding = fundingByMonth();
  const zips = new Map<string, Uint8Array>();
  const zipOf = (name: string, header: string, rows: string[]) => {
    let z = zips.get(name);
    if (!z) {
      z = zipSync({
        [name.replace(/\.zip$/, '.csv')]: new TextEncoder().encode(`${header}\n${rows.join('\n')}\n`),
      });
      zips.set(name, z);
    }
    return z;
  };
  const state: Recorded = {
    url: '',
    hits: [],
    failAfter: Number.POSITIVE_INFINITY,
    badChecksum: false,
    close: async () => {},
  };
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (state.hits.length >= state.failAfter) {
      res.writeHead(500).end('server error');
      return;
    }
    state.hits.push(url.pathname + url.search);
    const json = (body: string) => res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    if (url.pathname === '/tv/history') {
      const file =
        driftFiles[url.searchParams.get('marketIndex') ?? '']?.[url.searchParams.get('resolution') ?? ''];
      if (!file || url.searchParams.get('marketType') !== 'perp') return void res.writeHead(400).end('{}');
      const from = Number(url.searchParams.get('from'));
      const to = Number(url.searchParams.get('to'));
      const all = JSON.parse(readFileSync(root + file, 'utf8')).candles as Raw[];
      return json(
        JSON.stringify({ candles: all.filter((c) => Number(c.start) >= from && Number(c.start) <= to) }),
      );
    }
    if (url.pathname === '/fundingRates') {
      const file = fundingFiles[url.searchParams.get('marketName') ?? ''];
      if (!file) return json('{"fundingRates":[]}');
      return json(readFileSync(root + file, 'utf8'));
    }
    const k =
      /^\/data\/futures\/um\/monthly\/klines\/SOLUSDT\/1m\/(SOLUSDT-1m-(\d{4}-\d{2})\.zip)(\.CHECKSUM)?$/.exec(
        url.pathname,
      );
    const f =
      /^\/data\/futures\/um\/monthly\/fundingRate\/DRIFTUSDT\/(DRIFTUSDT-fundingRate-(\d{4}-\d{2})\.zip)(\.CHECKSUM)?$/.exec(
        url.pathname,
      );
    const m = k ?? f;
    const rows = m ? (k ? klines : funding).get(m[2]) : undefined;
    if (!m || !rows) return void res.writeHead(404).end('<Error><Code>NoSuchKey</Code></Error>');
    const zip = zipOf(m[1], k ? KLINE_HEADER : 'calc_time,funding_interval_hours,last_funding_rate', rows);
    if (m[3]) {
      const sum = state.badChecksum ? '0'.repeat(64) : createHash('sha256').update(zip).digest('hex');
      return void res.writeHead(200, { 'content-type': 'text/plain' }).end(`${sum}  ${m[1]}\n`);
    }
    res.writeHead(200, { 'content-type': 'application/zip' }).end(Buffer.from(zip));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () => new Promise((r) => server.close(() => r()));
  return state;
}
