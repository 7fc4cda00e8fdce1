/**
 * The routes under `/api/bots`: the list, a new bot, the preview, and one bot's views (detail, fills, verdicts,
 * history, objective and its versions), its archiving and its commands (bot-commands.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BotSession } from '../runner/bot-session.ts';
import type { Runner } from '../runner/runner.ts';
import { currentObjective, getBot } from '../store/index.ts';
import { createBot, runBotCommand, updateObjective } from './bot-commands.ts';
import { HttpError, intParam, readJson, sendJson } from './http-util.ts';
import { objectiveVersions, publicNote } from './objectives.ts';
import { previewRoute } from './preview-route.ts';
import { pageFills, pageVerdicts } from './queries.ts';
import { detailView, summaryView } from './views.ts';

/** `/api/bots[/…]`: `parts` are the path's segments after `api`, the first one `bots`. */
export async function botsRoute(
  runner: Runner,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  parts: string[],
  method: string,
): Promise<void> {
  if (parts.length === 1) {
    if (method === 'GET') return sendJson(res, 200, runner.sessions().map(summaryView));
    if (method === 'POST') return createBot(runner, req, res);
    throw new HttpError(405, 'method not allowed');
  }
  if (parts[1] === 'preview' && parts.length === 2 && method === 'POST') return previewRoute(req, res, url);
  let id: string;
  try {
    id = decodeURIComponent(parts[1] as string);
  } catch {
    throw new HttpError(400, 'malformed %-encoding in the bot id');
  }
  const action = parts[2];
  if (parts.length > 3) throw new HttpError(404, 'no such endpoint');
  if (action === undefined && method === 'DELETE') {
    if (!(await runner.archiveBot(id))) throw new HttpError(404, `no bot "${id}"`);
    return sendJson(res, 200, { id, status: 'archived' });
  }
  if (action === 'objectives') {
    if (method !== 'GET' && method !== 'HEAD') throw new HttpError(405, 'method not allowed');
    const bot = await getBot(runner.db, id);
    if (!bot || bot.status === 'archived') throw new HttpError(404, `no bot "${id}"`);
    return sendJson(res, 200, await objectiveVersions(runner.db, id));
  }
  const session = runner.session(id);
  if (!session) throw new HttpError(404, `no bot "${id}"`);
  if (action === undefined) {
    if (method !== 'GET') throw new HttpError(405, 'method not allowed');
    return sendJson(res, 200, detailView(session));
  }
  if (method === 'GET') return readBotResource(runner, res, session, id, action, url);
  const body = await readJson(req);
  if (method === 'POST') return runBotCommand(runner, res, session, id, action, body);
  if (method === 'PUT' && action === 'objective') return updateObjective(runner, res, session, id, body);
  throw new HttpError(405, 'method not allowed');
}

/** `GET /api/bots/:id/<resource>`: fills and verdicts by page, the equity history, the current objective. */
async function readBotResource(
  runner: Runner,
  res: ServerResponse,
  session: BotSession,
  id: string,
  action: string,
  url: URL,
): Promise<void> {
  const limitOf = (fallback: number, max: number) =>
    intParam(url.searchParams.get('limit'), 'limit', fallback, 1, max);
  const before = url.searchParams.get('before') ?? undefined;
  switch (action) {
    case 'fills':
      return sendJson(
        res,
        200,
        await pageFills(runner.db, id, session.engine.markets, limitOf(50, 500), before),
      );
    case 'verdicts':
      return sendJson(
        res,
        200,
        await pageVerdicts(runner.db, id, session.engine.markets, limitOf(50, 500), before),
      );
    case 'history': {
      const limit = limitOf(2000, 5000);
      return sendJson(res, 200, { points: session.history.last(limit) });
    }
    case 'objective': {
      const obj = await currentObjective(runner.db, id);
      if (!obj) throw new HttpError(404, `bot "${id}" has no objective`);
      return sendJson(res, 200, {
        version: obj.version,
        strategy: obj.strategy,
        params: obj.params,
        execution: obj.executionPolicy,
        risk: obj.riskLimits,
        ...(obj.note ? { note: publicNote(obj.note) } : {}),
        createdAt: obj.createdAt,
      });
    }
    default:
      throw new HttpError(404, 'no such endpoint');
  }
}
