import assert from 'node:assert/strict';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import {
  dataValues,
  endThreadAhead,
  mayStream,
  startThreadAhead,
  streamedLoadWanted,
  takeStreamedLoadThread,
} from './streamed-load-thread.ts';

describe('the streamed load thread started ahead', () => {
  it('is started for arguments that could stream a load, not for others', () => {
    assert.equal(mayStream(['--config', 'bot.yaml', '--data', 'sol.csv']), true);
    assert.equal(mayStream(['--config=bot.yaml', '--data=sol.csv', '--out', 'o']), true);
    assert.equal(mayStream(['--config', 'bot.yaml']), false, 'no data');
    assert.equal(mayStream(['--data', 'a.csv', '--funding', 'f.json']), true, 'funding files too');
    assert.equal(mayStream(['--data', 'a.csv', '--from', '2024-01-01']), true, 'a window streams too');
    assert.equal(mayStream(['--data', 'a.csv', '--to=2024-01-01']), true, 'a window streams too');
    assert.equal(mayStream(['--data', 'a.csv', '--help']), false, 'help');
    assert.equal(mayStream(['--data', 'a.csv', '-h']), false, 'help');
  });

  it('is asked to read ahead the one --data file, as either form of the flag gives it', () => {
    assert.deepEqual(dataValues(['--config', 'bot.yaml', '--data', 'sol.csv', '--out', 'o']), ['sol.csv']);
    assert.deepEqual(dataValues(['--data=SOL-PERP=sol.csv']), ['SOL-PERP=sol.csv']);
    assert.deepEqual(dataValues(['--data', 'a.csv', '--data=b.csv']), ['a.csv', 'b.csv']);
    assert.deepEqual(dataValues(['--funding', 'f.json', '--data']), [], 'a flag without its value');
    assert.deepEqual(dataValues(['--database', 'x']), [], 'another flag');
  });

  it('is the thread the load takes; one not taken is ended with the command', async (t) => {
    if (!streamedLoadWanted()) {
      t.skip('one core, or streamed loads switched off');
      return;
    }
    assert.equal(startThreadAhead(['--config', 'bot.yaml']), undefined, 'no data: no thread');
    const ahead = startThreadAhead(['--data', 'a.csv'])?.worker;
    assert.ok(ahead, 'started');
    assert.equal(startThreadAhead(['--data', 'a.csv'])?.worker, ahead, 'started once');
    assert.equal(takeStreamedLoadThread().worker, ahead, 'the load takes it');
    // taken once: the next load starts its own
    const own = takeStreamedLoadThread().worker;
    assert.notEqual(own, ahead);
    await Promise.all([ahead.terminate(), own.terminate()]);

    const untaken = startThreadAhead(['--data', 'a.csv'])?.worker;
    assert.ok(untaken);
    const exited = once(untaken, 'exit');
    endThreadAhead();
    await exited;
    endThreadAhead(); // nothing left: a no-op
    const next = takeStreamedLoadThread().worker;
    assert.notEqual(next, untaken, 'an ended thread is not handed out');
    await next.terminate();
  });
});
