import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runPool } from './pool.ts';

const handler = new URL('./test-support/square-handler.ts', import.meta.url);

describe('research worker pool', () => {
  it('runs tasks on worker threads and returns results in task order, reporting each as it lands', async () => {
    const seen: number[] = [];
    const out = await runPool<{ offset: number }, number, number>({
      handler,
      init: { offset: 1 },
      tasks: [1, 2, 3, 4, 5],
      workers: 2,
      onResult: (i) => seen.push(i),
    });
    assert.deepEqual(out, [2, 5, 10, 17, 26]);
    assert.deepEqual([...seen].sort(), [0, 1, 2, 3, 4]);
  });

  it('inline (workers: 0) gives the same results', async () => {
    const out = await runPool({ handler, init: { offset: 1 }, tasks: [3], workers: 0 });
    assert.deepEqual(out, [10]);
  });

  it("a task's error stops the pool with its message", async () => {
    await assert.rejects(
      runPool({ handler, init: { offset: 1 }, tasks: [1, -1, 2], workers: 2 }),
      /task 1: negative input/,
    );
  });
});
