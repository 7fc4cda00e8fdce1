import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import { progressBar } from './progress.ts';

function fakeStream(isTTY: boolean) {
  const out: string[] = [];
  return { out, stream: { isTTY, write: (s: string) => out.push(s) } as unknown as NodeJS.WriteStream };
}

describe('progress bar', () => {
  it('stays quiet off a terminal', () => {
    const { out, stream } = fakeStream(false);
    mock.timers.enable({ apis: ['Date'], now: 0 });
    try {
      const bar = progressBar('x', stream);
      mock.timers.tick(5000);
      bar.update(50, 100);
      bar.done();
    } finally {
      mock.timers.reset();
    }
    assert.deepEqual(out, []);
  });

  it('on a terminal, draws only after the first second, once per percent, and ends the line', () => {
    const { out, stream } = fakeStream(true);
    mock.timers.enable({ apis: ['Date'], now: 0 });
    try {
      const bar = progressBar('backtest', stream);
      bar.update(10, 100); // under a second: quiet
      assert.deepEqual(out, []);
      mock.timers.tick(1500);
      bar.update(50, 100);
      bar.update(50, 100); // same percent: not redrawn
      bar.update(100, 100);
      bar.done();
    } finally {
      mock.timers.reset();
    }
    assert.equal(out.length, 3);
    assert.match(out[0], /^\rbacktest \[#{15}\.{15}\] 50%$/);
    assert.match(out[1], /100%$/);
    assert.equal(out[2], '\n');
  });
});
