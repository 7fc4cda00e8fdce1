/**
 * Records the digests the report-identity test compares against (test/identity/report-digests.json).
 *   node scripts/record-report-digests.ts              re-record every digest
 *   node scripts/record-report-digests.ts --dump DIR   also write each report's text to DIR (for a diff)
 * Re-record only for a change that is meant to alter reports, and say why in the commit.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DIGESTS_FILE, digestOf, REPORT_CASES, reportText } from '../test/test-support/report-cases.ts';

const dumpAt = process.argv.indexOf('--dump');
const dump = dumpAt >= 0 ? process.argv[dumpAt + 1] : undefined;
if (dump) mkdirSync(dump, { recursive: true });
const digests: Record<string, string> = {};
for (const c of REPORT_CASES) {
  const text = await reportText(c);
  digests[c.name] = digestOf(text);
  if (dump) writeFileSync(join(dump, `${c.name.replace(/[^a-z0-9]+/gi, '-')}.json`), text);
  console.log(`${digests[c.name].slice(0, 12)}  ${c.name}`);
}
writeFileSync(DIGESTS_FILE, `${JSON.stringify(digests, null, 2)}\n`);
