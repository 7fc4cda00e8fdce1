#!/usr/bin/env node
// The `zero-perps` command. Plain JavaScript so that any Node can start it: when the Node running it is
// older than 24 (which runs our TypeScript directly), it re-runs itself with the project's pinned Node.
// Bun runs it as it is (it runs TypeScript too).
//
// It runs the bundle in dist/cli/ (scripts/build-cli.ts) when that is current, else the TypeScript in src/:
// an edited source file makes the bundle stale, so an edit is never hidden behind an old build
// (bin/cli-bundle.js). ZERO_PERPS_SOURCE=ts runs the TypeScript whatever the bundle; DEBUG=1 says which ran.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BUNDLE_DIR, BUNDLE_ENTRY, bundleStaleReason } from './cli-bundle.js';
import { enableCompileCache } from './compile-cache.js';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const major = Number(process.versions.node.split('.')[0]);
if (major < 24 && !process.versions.bun) {
  const pinned = join(root, 'node_modules', 'node', 'bin', 'node');
  if (!existsSync(pinned)) {
    console.error(
      `zero-perps needs Node 24 or newer (this is ${process.version}); run \`npm ci\` in ${root} first.`,
    );
    process.exit(1);
  }
  const r = spawnSync(pinned, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  process.exit(r.status ?? 1);
}
const stale = process.env.ZERO_PERPS_SOURCE === 'ts' ? 'ZERO_PERPS_SOURCE=ts' : bundleStaleReason(root);
const entry = stale === null ? join(root, BUNDLE_DIR, BUNDLE_ENTRY) : join(root, 'src', 'cli', 'main.ts');
if (process.env.DEBUG) {
  const runtime = process.versions.bun ? `bun ${process.versions.bun}` : `node ${process.versions.node}`;
  console.error(
    `zero-perps: ${runtime}, running ${stale === null ? 'the bundle' : `the TypeScript (${stale})`}`,
  );
}
// Node keeps the code it compiles for these modules on disk and starts from it the next time: a backtest run
// after run skips most of its module compiling (bin/compile-cache.js: in a folder only this user can write).
enableCompileCache();
const { main } = await import(pathToFileURL(entry).href);
// Exit as soon as the command is done: timers the Drift SDK leaves behind after a failed connection would
// otherwise keep the process alive for half a minute after its error was printed.
process.exit(await main(process.argv.slice(2)));
