/**
 * `POST /api/bots/preview[?paths=N&seed=S&days=D]` with a bot config as the body: the config's risk before it
 * is started (src/research/preview/). CPU-heavy, so worker threads do the work and one preview runs at a
 * time (409 while busy); the data is the runner's replay data for the config's markets.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseBotConfig } from '../config/bot-config.ts';
import { replayEvents } from '../modes/paper.ts';
import { previewConfig } from '../research/preview/preview.ts';
import { HttpError, intParam, readJson, sendJson } from './http-util.ts';

let busy = false;

export async function previewRoute(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const body = await readJson(req);
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new HttpError(400, 'body: must be a bot config object', 'body');
  const paths = intParam(url.searchParams.get('paths'), 'paths', 50, 5, 500);
  const seed = intParam(url.searchParams.get('seed'), 'seed', 1, 0, 2 ** 31 - 1);
  const days = intParam(url.searchParams.get('days'), 'days', 7, 1, 90);
  const config = parseBotConfig(body, 'request body'); // a ConfigError becomes a 400 naming the field
  if (busy) throw new HttpError(409, 'a preview is already running; try again when it finishes');
  busy = true;
  try {
    const { events, funding } = await replayEvents(config.markets.map((m) => m.symbol));
    sendJson(res, 200, await previewConfig({ config, events, fundingReplay: funding, paths, seed, days }));
  } finally {
    busy = false;
  }
}
