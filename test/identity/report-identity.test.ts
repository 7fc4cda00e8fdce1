/**
 * Byte identity of every example and scenario report (test/test-support/report-cases.ts) against the digests in
 * report-digests.json. An optimisation that claims identity must leave them all as they are. A change that
 * legitimately alters a report (a fix, a new field) re-records them with `node scripts/record-report-digests.ts`
 * and explains the difference in its commit; `--dump DIR` writes the texts so two versions can be diffed.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { DIGESTS_FILE, digestOf, REPORT_CASES, reportText } from '../test-support/report-cases.ts';

const recorded = JSON.parse(readFileSync(DIGESTS_FILE, 'utf8')) as Record<string, string>;

describe('report identity', () => {
  it('has a recorded digest for every case and no stale ones', () => {
    assert.deepEqual(Object.keys(recorded).sort(), REPORT_CASES.map((c) => c.name).sort());
  });
  for (const c of REPORT_CASES) {
    it(c.name, async () => {
      const text = await reportText(c);
      assert.ok(text.length > 1000, 'report text is not empty');
      assert.equal(digestOf(text), recorded[c.name], `${c.name}: report.json bytes changed`);
    });
  }
});
