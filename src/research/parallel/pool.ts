/**
 * A small worker-thread pool for research runs (optimiser trials, Monte Carlo paths): each worker imports a
 * handler module once, builds its handler from the shared `init` (data, config), then answers tasks one at a
 * time. Results come back to the caller as they finish (progress, resumable logs) and, at the end, in task
 * order. With `workers: 0` the handler runs on the calling thread (tests, debugging, one-core machines).
 *
 * A handler module exports `createHandler(init) → (task) => result` (see worker-entry.ts).
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

export interface PoolOptions<I, T, R> {
  /** The handler module (file URL). */
  handler: URL;
  init: I;
  tasks: readonly T[];
  /** Worker threads; default: the machine's cores (at most the number of tasks). 0 = inline. */
  workers?: number;
  onResult?: (index: number, result: R) => void;
}

export type Handler<I, T, R> = (init: I) => Promise<(task: T) => R> | ((task: T) => R);

const ENTRY = new URL('./worker-entry.ts', import.meta.url);

export const defaultWorkers = (): number => Math.max(1, availableParallelism());

export async function runPool<I, T, R>(o: PoolOptions<I, T, R>): Promise<R[]> {
  const results: R[] = new Array(o.tasks.length);
  const workers = Math.min(o.workers ?? defaultWorkers(), o.tasks.length);
  if (workers <= 0 || o.tasks.length === 0) {
    if (o.tasks.length === 0) return results;
    const mod = (await import(o.handler.href)) as { createHandler: Handler<I, T, R> };
    const handle = await mod.createHandler(o.init);
    o.tasks.forEach((task, i) => {
      results[i] = handle(task);
      o.onResult?.(i, results[i]);
    });
    return results;
  }
  let next = 0;
  const threads: Worker[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      let running = 0;
      let failed = false;
      const feed = (w: Worker): void => {
        if (failed) return;
        if (next >= o.tasks.length) {
          if (--running === 0) resolve();
          return;
        }
        const i = next++;
        w.postMessage({ type: 'task', id: i, task: o.tasks[i] });
      };
      for (let k = 0; k < workers; k++) {
        const w = new Worker(ENTRY, { workerData: { handler: o.handler.href, init: o.init } });
        threads.push(w);
        running++;
        w.on('message', (m: { type: string; id?: number; result?: R; message?: string }) => {
          if (m.type === 'ready') return feed(w);
          if (m.type === 'result' && m.id !== undefined) {
            results[m.id] = m.result as R;
            o.onResult?.(m.id, m.result as R);
            return feed(w);
          }
          if (m.type === 'error') {
            failed = true;
            reject(new Error(m.message));
          }
        });
        w.on('error', (err) => {
          failed = true;
          reject(err);
        });
        w.on('exit', (code) => {
          if (code !== 0 && !failed) {
            failed = true;
            reject(new Error(`a research worker stopped with code ${code}`));
          }
        });
      }
    });
  } finally {
    await Promise.all(threads.map((w) => w.terminate()));
  }
  return results;
}
