/** The embedded folder's lock: a live owner is respected; a dead or reused pid is taken over. */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { lockFolder } from './pglite-folder.ts';

const root = mkdtempSync(join(tmpdir(), 'zp-lock-'));
const dir = join(root, 'db');

describe('embedded folder lock', () => {
  after(() => rmSync(root, { recursive: true, force: true }));

  it('writes pid and start time, and removes the lock on unlock', () => {
    const unlock = lockFolder(dir);
    assert.match(readFileSync(`${dir}.lock`, 'utf8'), new RegExp(`^${process.pid} \\d+$`));
    unlock();
    assert.equal(existsSync(`${dir}.lock`), false);
  });

  it('takes over a lock naming a dead pid, a reused pid, our own pid (a container restarted) or nothing', () => {
    for (const content of ['999999', `${process.ppid} 1`, `${process.pid}`, '', 'garbage']) {
      writeFileSync(`${dir}.lock`, content);
      const unlock = lockFolder(dir);
      unlock();
    }
  });

  it('respects a live owner (same pid, same start time) and names it', () => {
    const stat = readFileSync(`/proc/${process.ppid}/stat`, 'utf8');
    const started = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    for (const content of [`${process.ppid}`, `${process.ppid} ${started}`]) {
      writeFileSync(`${dir}.lock`, content);
      assert.throws(() => lockFolder(dir), new RegExp(`in use by process ${process.ppid}; stop it`));
    }
    rmSync(`${dir}.lock`);
  });
});
