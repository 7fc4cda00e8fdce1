/**
 * Child process for crash.test.ts: writes forever, each batch in one transaction spanning three tables —
 * journal entries, a bot event naming the batch, and a funding snapshot — pausing inside the transaction so a
 * SIGKILL most likely lands mid-write. Env: DATABASE_URL, ZP_SCHEMA, ZP_BOT.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { openDb } from '../db.ts';
import { appendJournal } from '../journal.ts';
import { recordBotEvent } from '../repositories/events.ts';
import { saveFundingSnapshots } from '../repositories/snapshots.ts';

const botId = process.env.ZP_BOT!;
const db = await openDb({
  url: process.env.DATABASE_URL!,
  schema: process.env.ZP_SCHEMA!,
  migrate: false,
  poolSize: 1,
});
const start = await db.query<{ b: number | null }>(
  `select max((data->>'batch')::integer) as b from bot_events where bot_id = $1 and kind = 'batch'`,
  [botId],
);
let batch = (start[0]?.b ?? -1) + 1;
process.stdout.write(`ready ${batch}\n`);
for (;;) {
  const count = 1 + ((batch * 7) % 13);
  await db.transaction(async (tx) => {
    const entries = Array.from({ length: count }, (_, index) => ({
      ts: 1_700_000_000_000 + batch,
      kind: 'venue_event' as const,
      payload: { batch, index, count, amount: 2n ** 80n + BigInt(batch * 100 + index) },
    }));
    await appendJournal(tx, botId, entries.slice(0, Math.ceil(count / 2)));
    await sleep(1);
    await appendJournal(tx, botId, entries.slice(Math.ceil(count / 2)));
    await saveFundingSnapshots(tx, botId, 1_700_000_000_000 + batch, [
      { marketIndex: 0, settled: BigInt(-batch), estimated: BigInt(-batch) + 1n },
    ]);
    await sleep(1);
    await recordBotEvent(tx, botId, {
      level: 'info',
      kind: 'batch',
      message: `batch ${batch}`,
      data: { batch, count },
    });
  });
  batch++;
}
