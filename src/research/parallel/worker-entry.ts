/**
 * The worker side of pool.ts: imports the handler module named in workerData, builds the handler once from
 * `init`, then answers each task with its result (or the error's message, which stops the pool).
 */
import { parentPort, workerData } from 'node:worker_threads';

const port = parentPort;
if (!port) throw new Error('worker-entry.ts runs only as a worker thread');
const { handler, init } = workerData as { handler: string; init: unknown };
const mod = (await import(handler)) as {
  createHandler: (init: unknown) => Promise<(task: unknown) => unknown> | ((task: unknown) => unknown);
};
const handle = await mod.createHandler(init);
port.on('message', (m: { type: string; id: number; task: unknown }) => {
  if (m.type !== 'task') return;
  try {
    port.postMessage({ type: 'result', id: m.id, result: handle(m.task) });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    port.postMessage({ type: 'error', id: m.id, message: `task ${m.id}: ${message}` });
  }
});
port.postMessage({ type: 'ready' });
