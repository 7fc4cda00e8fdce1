#!/usr/bin/env node
// The `zero-perps` command. Plain JavaScript so that any Node can start it: when the Node running it is
// older than 24 (which runs our TypeScript directly), it re-runs itself with the project's pinned Node.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
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
const { main } = await import(join(root, 'src', 'cli', 'main.ts'));
// Exit as soon as the command is done: timers the Drift SDK leaves behind after a failed connection would
// otherwise keep the process alive for half a minute after its error was printed.
process.exit(await main(process.argv.slice(2)));
