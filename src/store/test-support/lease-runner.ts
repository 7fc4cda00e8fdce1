/**
 * Child process for lease-race.test.ts: a runner competing for one bot. While it holds the lease it "drives"
 * the bot every ~40 ms: a probe row stamped with the database's clock that also records whether, at that
 * instant, the database agreed the lease was this runner's (valid). Prints one JSON line per start, drive,
 * denied attempt and stop. Env: DATABASE_URL, ZP_SCHEMA, ZP_BOT, ZP_OWNER, ZP_TTL_MS, ZP_HOLD_MS (0 = hold
 * until killed or lost).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { fromDbTime } from '../codec.ts';
import { openDb } from '../db.ts';
import { LeaseKeeper } from '../leases.ts';

const botId = process.env.ZP_BOT!;
const owner = process.env.ZP_OWNER!;
const ttlMs = Number(process.env.ZP_TTL_MS ?? 1500);
const holdMs = Number(process.env.ZP_HOLD_MS ?? 0);
const db = await openDb({
  url: process.env.DATABASE_URL!,
  schema: process.env.ZP_SCHEMA!,
  migrate: false,
  poolSize: 2,
});

const log = (line: Record<string, unknown>): void => {
  process.stdout.write(`${JSON.stringify({ owner, ...line })}\n`);
};

let epoch = 0;
let lastDriveAt: number | undefined;
const keeper = new LeaseKeeper({
  db,
  botId,
  owner,
  ttlMs,
  onGranted: (grant) => {
    if (grant.epoch !== epoch) {
      epoch = grant.epoch;
      log({ event: 'start', epoch, at: grant.dbNow, expiresAt: grant.expiresAt });
    } else log({ event: 'renew', epoch, expiresAt: grant.expiresAt });
  },
  onLost: (reason) => log({ event: 'stop', epoch, reason, lastDriveAt }),
});

let heldSince = 0;
for (;;) {
  if (!keeper.isHeld()) {
    if (await keeper.acquire()) {
      heldSince = performance.now();
      lastDriveAt = undefined;
    } else {
      log({ event: 'denied' });
      await sleep(50);
      continue;
    }
  }
  // The check a real runner makes before sending each order.
  if (keeper.isHeld()) {
    const [row] = await db.query<{ at: Date; valid: boolean }>(
      `insert into lease_probe (owner, epoch, at, valid)
       select $1, $2, clock_timestamp(), exists (
         select 1 from leases where bot_id = $3 and owner = $1 and epoch = $2 and expires_at > clock_timestamp())
       returning at, valid`,
      [owner, keeper.epoch, botId],
    );
    lastDriveAt = fromDbTime(row!.at);
    log({ event: 'drive', epoch: keeper.epoch, at: lastDriveAt, valid: row!.valid });
  }
  if (holdMs > 0 && keeper.isHeld() && performance.now() - heldSince >= holdMs) {
    await keeper.release();
    log({ event: 'stop', epoch, reason: 'released', lastDriveAt });
    await sleep(300); // give the other runner its turn
    continue;
  }
  await sleep(40);
}
