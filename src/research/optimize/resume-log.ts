/**
 * The optimiser's resume log: DIR/progress.jsonl, one finished segment run per line, appended as each
 * finishes. A restart with the same inputs (same run key) skips what is there; a half-written last line from
 * a crash is ignored. Other inputs in the same DIR are refused rather than mixed.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../cli/user-error.ts';
import type { SegmentResult } from './trial-handler.ts';

export class ResumeLog {
  readonly #file: string;
  readonly done = new Map<string, SegmentResult>();

  constructor(dir: string, runKey: string) {
    mkdirSync(dir, { recursive: true });
    this.#file = join(dir, 'progress.jsonl');
    const keyFile = join(dir, 'run-key.txt');
    if (existsSync(keyFile)) {
      const previous = readFileSync(keyFile, 'utf8').trim();
      if (previous !== runKey) {
        throw new UserError(
          `${dir} holds another optimisation (different config, space, data or options): use another --out, or delete it`,
        );
      }
    } else {
      writeFileSync(keyFile, `${runKey}\n`);
      writeFileSync(this.#file, '');
    }
    if (!existsSync(this.#file)) return;
    const text = readFileSync(this.#file, 'utf8');
    if (text.length > 0 && !text.endsWith('\n')) appendFileSync(this.#file, '\n'); // end a cut line
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        const r = JSON.parse(line) as SegmentResult;
        this.done.set(ResumeLog.key(r.trial, r.segment), r);
      } catch {
        // a line cut short by a crash: that run is simply done again
      }
    }
  }

  static key(trial: number, segment: number): string {
    return `${trial}:${segment}`;
  }

  add(r: SegmentResult): void {
    appendFileSync(this.#file, `${JSON.stringify(r)}\n`);
    this.done.set(ResumeLog.key(r.trial, r.segment), r);
  }
}
