/**
 * Last line of defence for the process's own output: every write to stdout/stderr goes through the redaction
 * of registered secrets (an RPC URL's password or API key, see registerSecretText). Our logger redacts already;
 * this catches what third-party code prints itself (the SDK's console lines, stack traces of its errors).
 */
import { redactText } from './redact.ts';

let installed = false;

export function guardProcessOutput(): void {
  if (installed) return;
  installed = true;
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]) =>
      write(
        typeof chunk === 'string'
          ? redactText(chunk)
          : chunk instanceof Uint8Array
            ? redactText(Buffer.from(chunk).toString('utf8'))
            : chunk,
        ...rest,
      )) as typeof stream.write;
  }
}
