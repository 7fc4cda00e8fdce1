/**
 * The API's commands that change bots: a new bot (`POST /api/bots`), the operator's controls on one
 * (`POST /api/bots/:id/<command>`) and objective edits (`PUT /api/bots/:id/objective`). Every body is checked
 * field by field before the runner is asked; a mistake names the field.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ConfigError } from '../config/config-error.ts';
import type { BotSession } from '../runner/bot-session.ts';
import { HealthResetError } from '../runner/operator-switches.ts';
import type { Runner } from '../runner/runner.ts';
import { fieldOfProblem, HttpError, readJson, sendJson } from './http-util.ts';
import { detailView } from './views.ts';

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** `POST /api/bots`: the body is a bot config; a name already in use (running or stored) is refused. */
export async function createBot(runner: Runner, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readJson(req);
  if (!isObject(body)) throw new HttpError(400, 'body: must be a bot config object', 'body');
  if (typeof body.name === 'string' && runner.session(body.name)) {
    throw new HttpError(409, `name: a bot named "${body.name}" exists`, 'name');
  }
  if (typeof body.name === 'string') {
    const rows = await runner.db.query('select 1 from bots where id = $1 or name = $1', [body.name]);
    if (rows.length > 0) throw new HttpError(409, `name: a bot named "${body.name}" exists`, 'name');
  }
  const session = await runner.createBot(body);
  sendJson(res, 201, detailView(session));
}

/** `POST /api/bots/:id/<command>` (pause, resume, reduce-only, reset-health): answers with the bot's detail. */
export async function runBotCommand(
  runner: Runner,
  res: ServerResponse,
  session: BotSession,
  id: string,
  action: string | undefined,
  body: unknown,
): Promise<void> {
  switch (action) {
    case 'pause':
      noCommandFields(body);
      await runner.setManual(id, { pause: true });
      return sendJson(res, 200, detailView(session));
    case 'resume':
      noCommandFields(body);
      await runner.setManual(id, { pause: false, reduceOnly: false });
      return sendJson(res, 200, detailView(session));
    case 'reduce-only': {
      let on = !session.engine.manual.reduceOnly;
      if (body !== undefined) {
        if (!isObject(body)) throw new HttpError(400, 'body: must be an object {"on": boolean}', 'body');
        for (const k of Object.keys(body)) {
          if (k !== 'on') throw new HttpError(400, `${k}: unknown field (known: on)`, k);
        }
        if (body.on !== undefined) {
          if (typeof body.on !== 'boolean') throw new HttpError(400, 'on: must be true or false', 'on');
          on = body.on;
        }
      }
      await runner.setManual(id, { reduceOnly: on });
      return sendJson(res, 200, detailView(session));
    }
    case 'reset-health':
      noCommandFields(body);
      try {
        await runner.resetHealth(id);
      } catch (err) {
        if (err instanceof HealthResetError) throw new HttpError(409, err.message);
        throw err;
      }
      return sendJson(res, 200, detailView(session));
    default:
      throw new HttpError(404, 'no such endpoint');
  }
}

/** `PUT /api/bots/:id/objective`: `{params?, execution?, risk?, note?}` becomes the bot's next objective version. */
export async function updateObjective(
  runner: Runner,
  res: ServerResponse,
  session: BotSession,
  id: string,
  body: unknown,
): Promise<void> {
  if (!isObject(body))
    throw new HttpError(400, 'body: must be an object {params?, execution?, risk?, note?}', 'body');
  const patch: Parameters<Runner['updateObjective']>[1] = {};
  for (const [k, v] of Object.entries(body)) {
    if (k === 'note') {
      if (typeof v !== 'string' || v.length > 500)
        throw new HttpError(400, 'note: must be text (≤ 500)', 'note');
      patch.note = v;
    } else if (k === 'params' || k === 'execution' || k === 'risk') {
      if (!isObject(v)) throw new HttpError(400, `${k}: must be an object`, k);
      patch[k] = v;
    } else {
      throw new HttpError(400, `${k}: unknown field (known: params, execution, risk, note)`, k);
    }
  }
  try {
    const version = await runner.updateObjective(id, patch);
    return sendJson(res, 200, { botId: id, version });
  } catch (err) {
    if (err instanceof ConfigError) throw remapObjectiveError(err, session.engine.strategy);
    throw err;
  }
}

/** pause and resume take no arguments: an empty body or `{}` (what the dashboard sends); anything else is a mistake. */
function noCommandFields(body: unknown): void {
  if (body === undefined) return;
  if (!isObject(body)) throw new HttpError(400, 'body: must be empty or {}', 'body');
  const first = Object.keys(body)[0];
  if (first !== undefined)
    throw new HttpError(400, `${first}: unknown field (this command takes none)`, first);
}

/** The objective's `params` is the config's strategy section: name the field as the API caller wrote it. */
function remapObjectiveError(err: ConfigError, strategy: string): HttpError {
  const first = err.problems[0] ?? err.message;
  let field = fieldOfProblem(first);
  if (field?.startsWith(`${strategy}.`)) field = `params.${field.slice(strategy.length + 1)}`;
  return new HttpError(400, first, field);
}
