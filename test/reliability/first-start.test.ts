/**
 * The embedded database survives its own birth: Ctrl-C (SIGINT, before the runner's handlers exist it kills
 * the process) at several moments of a first `zero-perps start` never leaves a folder that cannot be opened.
 * After each interruption the folder either does not exist or opens and migrates, and the next open leaves
 * no leftover. A half-made folder (as older versions left) is moved aside with one line and rebuilt.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { BIN } from '../../src/runner/test-support/child-runner.ts';
import { openDb } from '../../src/store/index.ts';

const root = mkdtempSync(join(tmpdir(), 'zp-first-'));
const baseEnv = { DATABASE_URL: '', RPC_URL: '', API_TOKEN: 'first-start' };

type Moment = { name: string; when: (dir: string) => boolean; delayMs: number };

const initFolder = (dir: string) =>
  readdirSync(root).some((n) => n.startsWith(`${dir.split('/').at(-1)}.init-`));

/**
 * The moments of a first start, found by watching the folder (so they hold on a slow or a fast machine):
 * before anything exists, inside PGlite's initdb (its temporary folder exists), right after the folder is
 * renamed into place (migrations running), and a little later (bots being registered).
 */
const MOMENTS: Moment[] = [
  { name: 'at once', when: () => true, delayMs: 200 },
  { name: 'inside initdb', when: initFolder, delayMs: 400 },
  { name: 'folder in place, migrating', when: (dir) => existsSync(dir), delayMs: 0 },
  { name: 'registering bots', when: (dir) => existsSync(dir), delayMs: 1500 },
];

/** Starts `zero-perps start` on a fresh folder and sends SIGINT at `moment`; resolves when it has exited. */
function interruptedStart(
  dir: string,
  moment: Moment,
): Promise<{ code: number | null; signal: string | null; sentAt: number }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, [BIN, 'start', '--port', '0', '--speed', '3000'], {
      env: { ...process.env, ...baseEnv, ZERO_PERPS_PGLITE_DIR: dir },
      stdio: 'ignore',
    });
    let sentAt = -1;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const watch = setInterval(() => {
      if (!moment.when(dir)) return;
      clearInterval(watch);
      timer = setTimeout(() => {
        sentAt = Date.now() - started;
        child.kill('SIGINT');
      }, moment.delayMs);
    }, 20);
    child.on('exit', (code, signal) => {
      clearInterval(watch);
      clearTimeout(timer);
      resolve({ code, signal, sentAt });
    });
  });
}

async function opensAndMigrates(dir: string): Promise<void> {
  const db = await openDb({ url: '', dataDir: dir });
  try {
    const rows = await db.query<{ n: number }>('select count(*)::integer as n from schema_migrations');
    assert.ok(Number(rows[0]?.n) >= 1);
    const lang = await db.query("select 1 from pg_language where lanname = 'plpgsql'");
    assert.equal(lang.length, 1);
  } finally {
    await db.close();
  }
}

describe('first start interrupted', () => {
  after(() => rmSync(root, { recursive: true, force: true }));

  it('Ctrl-C at several moments of a first start never leaves an unusable folder', async () => {
    const seen: string[] = [];
    for (const [i, moment] of MOMENTS.entries()) {
      const dir = join(root, `db-${i}`);
      const exit = await interruptedStart(dir, moment);
      const leftovers = readdirSync(root).filter((n) => n.startsWith(`db-${i}.init-`)).length;
      const state = existsSync(dir) ? 'in place' : 'absent';
      // The next start's open: removes an interrupted init's leftover, makes or opens the folder, migrates.
      await opensAndMigrates(dir);
      assert.deepEqual(
        readdirSync(root).filter((n) => n.startsWith(`db-${i}.init-`)),
        [],
      );
      seen.push(
        `${moment.name} (${exit.sentAt} ms): exit ${exit.code ?? exit.signal}, folder ${state}, ${leftovers} init leftover(s); next open usable`,
      );
    }
    // The interruptions did land inside initdb (no folder yet) and after it (the folder in place).
    assert.ok(
      seen.some((s) => s.includes('absent')),
      seen.join('\n'),
    );
    assert.ok(
      seen.some((s) => s.includes('in place')),
      seen.join('\n'),
    );
    // Each start died of the signal, or (once its handlers were in place) shut down cleanly.
    assert.ok(
      seen.every((s) => s.includes('exit SIGINT') || s.includes('exit 0')),
      `every start died of the signal or stopped cleanly\n${seen.join('\n')}`,
    );
  });

  it('moves a half-made folder aside with one line and makes a new one', async () => {
    const dir = join(root, 'half');
    mkdirSync(join(dir, 'base'), { recursive: true });
    writeFileSync(join(dir, 'PG_VERSION'), '17\n');
    const lines: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((s: string) => {
      lines.push(String(s));
      return true;
    }) as typeof process.stderr.write;
    try {
      const db = await openDb({ url: '', dataDir: dir });
      await db.close();
    } finally {
      process.stderr.write = write;
    }
    assert.equal(lines.length, 1, lines.join(''));
    assert.match(
      lines[0] as string,
      /was half-made \(a first start was interrupted\); moved it to .*half\.broken-/,
    );
    assert.ok(readdirSync(root).some((n) => n.startsWith('half.broken-')));
    await opensAndMigrates(dir);
  });
});
