import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { checkOutFolder } from './backtest-command.ts';
import { UserError } from './user-error.ts';

describe('backtest --out check', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'zp-out-check-'));
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('proves a new folder writable without leaving it behind (a stopped run leaves no empty folder)', () => {
    const out = join(tmp, 'a', 'b', 'c');
    checkOutFolder(out, 'a/b/c');
    assert.equal(existsSync(join(tmp, 'a')), false);
  });

  it('leaves an existing folder and what is in it alone', () => {
    const out = join(tmp, 'kept');
    mkdirSync(out);
    writeFileSync(join(out, 'report.json'), '{}');
    checkOutFolder(out, 'kept');
    assert.ok(existsSync(join(out, 'report.json')));
  });

  it('names --out when the folder is a file', () => {
    const file = join(tmp, 'file');
    writeFileSync(file, '');
    assert.throws(
      () => checkOutFolder(file, 'file'),
      (e: unknown) => e instanceof UserError && /^--out file: is a file/.test(e.message),
    );
  });
});
