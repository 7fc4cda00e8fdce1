/** Files appear whole or not at all: written beside, then renamed (a crash leaves no half file to resume on). */
import { renameSync, writeFileSync } from 'node:fs';

export function writeAtomic(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.part-${process.pid}`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}
