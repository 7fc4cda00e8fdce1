/**
 * `.env` in the working directory, loaded with Node's own parser (`process.loadEnvFile`). Variables already in
 * the environment win over the file (Node's rule), so `RPC_URL=… zero-perps start` overrides a `.env` line.
 * A missing file is normal; an unreadable one is reported without its content (it may hold a key).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { UserError } from './user-error.ts';

export function loadDotEnv(path = resolve(process.cwd(), '.env')): boolean {
  if (!existsSync(path)) return false;
  try {
    process.loadEnvFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).name;
    throw new UserError(`cannot load ${path} (${code}); fix or remove it`);
  }
  return true;
}
