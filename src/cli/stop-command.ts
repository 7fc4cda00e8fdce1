/**
 * `zero-perps stop`: stops the runner answering on --host/--port as Ctrl-C would (SIGTERM: grid orders
 * cancelled, spread legs closed, leases released) and waits until it has exited.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { resolveDataDir } from '../store/index.ts';
import { parseManagementArgs, probeRunner } from './runner-client.ts';
import { UserError } from './user-error.ts';

const HELP = `usage: zero-perps stop [--host H] [--port N] [--timeout SECONDS]

Stops the runner on this machine answering on --host/--port (default 127.0.0.1:PORT or 4280), or holding
the embedded database, the way Ctrl-C does, and waits for it to exit (default up to 60 s).`;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Only a process running zero-perps is signalled (a pid from a stale file may belong to anything now). */
function isRunner(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('zero-perps');
  } catch {
    return process.platform !== 'linux' && alive(pid);
  }
}

function lockPid(): number | undefined {
  if (process.env.DATABASE_URL) return undefined;
  try {
    const pid = Number(
      readFileSync(`${resolve(resolveDataDir())}.lock`, 'utf8')
        .trim()
        .split(/\s/)[0],
    );
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export async function stopCommand(argv: string[]): Promise<number> {
  const { values, positionals, address } = parseManagementArgs(argv, { timeout: { type: 'string' } }, HELP);
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (positionals.length > 0) {
    throw new UserError(
      `stop stops the whole runner (got ${positionals.join(' ')}); to stop one bot for good use zero-perps archive BOT`,
    );
  }
  const timeout = values.timeout === undefined ? 60 : Number(values.timeout);
  if (!(timeout > 0 && timeout <= 3600))
    throw new UserError(`--timeout must be 1..3600 seconds (got "${values.timeout}")`);
  const health = await probeRunner(address);
  const pid = health?.pid ?? lockPid();
  if (pid === undefined || !alive(pid)) {
    console.log(`no runner is running (nothing answers at ${address.url})`);
    return 0;
  }
  if (!isRunner(pid)) throw new UserError(`process ${pid} is not a zero-perps runner; not stopping it`);
  process.kill(pid, 'SIGTERM');
  console.log(`stopping the runner (pid ${pid}): orders are cancelled, then it exits`);
  const until = Date.now() + timeout * 1000;
  while (alive(pid)) {
    if (Date.now() > until)
      throw new UserError(`the runner (pid ${pid}) is still stopping after ${timeout} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
  console.log('runner stopped');
  return 0;
}
