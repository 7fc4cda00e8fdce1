/**
 * Migrations, bots, accounts, objectives and transactions — against PGlite, or the real server when
 * DATABASE_URL is set. One database (one PGlite start) for the whole file.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Db, openDb } from './db.ts';
import { appendJournal, lastJournalSeq } from './journal.ts';
import { loadMigrations, migrate, runMigrateCommand } from './migrate.ts';
import { getPerpsAccount, linkPerpsAccount } from './repositories/accounts.ts';
import { createBot, getBot, listBots, setBotStatus } from './repositories/bots.ts';
import {
  currentObjective,
  objectiveHistory,
  objectiveVersion,
  saveObjective,
} from './repositories/objectives.ts';
import { NO_SERVER_MESSAGE, type TestDb, testDb, uniqueSchema } from './test-support/test-db.ts';

let t: TestDb;
let db: Db;
before(async () => {
  t = await testDb();
  db = t.db;
});
after(() => t.drop());

const count = async (sql: string, params: unknown[] = []): Promise<number> =>
  Number((await db.query<{ n: string }>(sql, params))[0]!.n);

describe(`migrations (${process.env.DATABASE_URL ? 'postgres' : 'pglite'})`, () => {
  it('are idempotent: a second run applies nothing and records each file once', async () => {
    const files = loadMigrations();
    assert.ok(files.length >= 1 && files[0]!.name === '001_init.sql');
    const again = await migrate(db);
    assert.deepEqual(again.applied, []);
    assert.equal(again.version, files.length);
    assert.equal(await count('select count(*) as n from schema_migrations'), files.length);
  });

  it('apply a new numbered file in its own transaction, and roll back one that fails midway', async () => {
    const base = loadMigrations();
    const extra = (sql: string) => ({ version: base.length + 1, name: 'zz_test.sql', sql, checksum: sql });
    await assert.rejects(
      migrate(db, [...base, extra('create table zz_half (a int); select 1/0;')]),
      /division by zero/,
    );
    assert.equal(await count(`select count(*) as n from pg_tables where tablename = 'zz_half'`), 0);
    assert.equal(
      await count('select count(*) as n from schema_migrations where version = $1', [base.length + 1]),
      0,
    );

    const ok = await migrate(db, [...base, extra('create table zz_ok (a int);')]);
    assert.deepEqual(ok.applied, ['zz_test.sql']);
    assert.deepEqual((await migrate(db, [...base, extra('create table zz_ok (a int);')])).applied, []);
    await db.exec(`drop table zz_ok; delete from schema_migrations where version = ${base.length + 1}`);
  });

  it('refuse to run when an applied file was edited', async () => {
    const [first] = loadMigrations();
    await assert.rejects(migrate(db, [{ ...first!, checksum: 'edited' }]), /edited after it was applied/);
  });

  it(
    'on a real server, two processes migrating one fresh schema at once both succeed',
    { skip: process.env.DATABASE_URL ? false : NO_SERVER_MESSAGE },
    async () => {
      const url = process.env.DATABASE_URL!;
      const schema = uniqueSchema();
      const opened = await Promise.allSettled([
        openDb({ url, schema, migrate: false }),
        openDb({ url, schema, migrate: false }),
      ]);
      const dbs = opened.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
      try {
        assert.equal(dbs.length, 2, 'both opened');
        const [a, b] = dbs as [Db, Db];
        const [ra, rb] = await Promise.all([migrate(a), migrate(b)]);
        assert.deepEqual(
          [...ra.applied, ...rb.applied].sort(),
          loadMigrations().map((m) => m.name),
        );
        const lines: string[] = [];
        await runMigrateCommand({ url, schema }, (l) => lines.push(l));
        assert.deepEqual(lines, [
          `PostgreSQL (DATABASE_URL): up to date at version ${loadMigrations().length}`,
        ]);
      } finally {
        await dbs[0]?.exec(`drop schema if exists ${schema} cascade`);
        await Promise.all(dbs.map((d) => d.close()));
      }
    },
  );
});

describe('bots and accounts', () => {
  it('creates, reads, lists and updates bots', async () => {
    const bot = await createBot(db, {
      id: 'grid-sol',
      name: 'Grid SOL',
      strategy: 'grid',
      markets: ['SOL-PERP'],
      mode: 'paper',
    });
    assert.equal(bot.status, 'stopped');
    assert.deepEqual((await getBot(db, 'grid-sol'))?.markets, ['SOL-PERP']);
    const generated = await createBot(db, {
      name: 'Spread',
      strategy: 'spread',
      markets: ['DRIFT-PERP', 'KMNO-PERP'],
      mode: 'live',
    });
    assert.match(generated.id, /^[0-9a-f-]{36}$/);
    assert.equal(await setBotStatus(db, 'grid-sol', 'running'), true);
    assert.equal(await setBotStatus(db, 'nope', 'running'), false);
    const bots = await listBots(db);
    assert.equal(bots.find((b) => b.id === 'grid-sol')?.status, 'running');
    await assert.rejects(
      createBot(db, { name: 'x', strategy: 'grid', markets: [], mode: 'yolo' as 'live' }),
      /check/,
    );
  });

  it('links a bot to an authority public key and subaccount', async () => {
    await createBot(db, { id: 'acct', name: 'acct', strategy: 'grid', markets: ['SOL-PERP'], mode: 'live' });
    await linkPerpsAccount(db, 'acct', {
      authority: 'dRiftyHA39MWEi3m9aunc5MzRF1JYuBsbn6VPcn33UH',
      subaccountId: 3,
    });
    assert.deepEqual(
      { ...(await getPerpsAccount(db, 'acct')), createdAt: 0 },
      {
        botId: 'acct',
        authority: 'dRiftyHA39MWEi3m9aunc5MzRF1JYuBsbn6VPcn33UH',
        subaccountId: 3,
        createdAt: 0,
      },
    );
  });

  it('rejects a secret-looking value in the repository and again in the table', async () => {
    const secret = '4'.repeat(30) + 'Zx'.repeat(29); // 88 base58 characters: a 64-byte secret key's length
    await assert.rejects(linkPerpsAccount(db, 'acct', { authority: secret, subaccountId: 1 }), /secret/);
    await assert.rejects(
      db.query('update perps_accounts set authority = $1 where bot_id = $2', [secret, 'acct']),
      /perps_accounts_authority_is_public_key/,
    );
    await assert.rejects(
      db.query('update perps_accounts set authority = $1 where bot_id = $2', [
        JSON.stringify([1, 2, 3]),
        'acct',
      ]),
      /perps_accounts_authority_is_public_key/,
    );
    assert.equal(
      (await getPerpsAccount(db, 'acct'))?.authority,
      'dRiftyHA39MWEi3m9aunc5MzRF1JYuBsbn6VPcn33UH',
    );
  });
});

describe('objectives', () => {
  it('versions changes, keeps history, and treats an identical save as no change', async () => {
    await createBot(db, { id: 'obj', name: 'obj', strategy: 'grid', markets: ['SOL-PERP'], mode: 'paper' });
    const v1 = {
      strategy: 'grid',
      params: { levels: 10, spacing: 0.004, notional: 2n ** 70n },
      executionPolicy: { postOnly: 'must', requoteBps: 5 },
      riskLimits: { maxLeverage: 3, dailyLossUsd: 250 },
    };
    assert.equal(await saveObjective(db, 'obj', v1), 1);
    // same content, different key order: jsonb equality is semantic, so no new version
    assert.equal(
      await saveObjective(db, 'obj', { ...v1, riskLimits: { dailyLossUsd: 250, maxLeverage: 3 } }),
      1,
    );
    const v2 = { ...v1, riskLimits: { maxLeverage: 2, dailyLossUsd: 250 }, note: 'tighter leverage' };
    assert.equal(await saveObjective(db, 'obj', v2), 2);
    const current = await currentObjective(db, 'obj');
    assert.equal(current?.version, 2);
    assert.deepEqual(current?.riskLimits, v2.riskLimits);
    assert.equal(current?.note, 'tighter leverage');
    assert.equal((await objectiveVersion(db, 'obj', 1))?.params.notional, 2n ** 70n);
    assert.deepEqual(
      (await objectiveHistory(db, 'obj')).map((o) => o.version),
      [1, 2],
    );
    assert.equal(await currentObjective(db, 'no-such-bot'), undefined);
    await assert.rejects(saveObjective(db, 'no-such-bot', v1), /unknown bot/);
  });

  it('gives concurrent saves distinct consecutive versions', async () => {
    await createBot(db, { id: 'obj2', name: 'obj2', strategy: 'grid', markets: [], mode: 'paper' });
    const versions = await Promise.all(
      [1, 2, 3, 4].map((n) =>
        saveObjective(db, 'obj2', { strategy: 'grid', params: { n }, executionPolicy: {}, riskLimits: {} }),
      ),
    );
    assert.deepEqual([...versions].sort(), [1, 2, 3, 4]);
  });
});

describe('transactions', () => {
  it('leave nothing behind when a multi-row write throws midway', async () => {
    await assert.rejects(
      db.transaction(async (tx) => {
        await createBot(tx, { id: 'ghost', name: 'ghost', strategy: 'grid', markets: [], mode: 'paper' });
        await appendJournal(tx, 'ghost', [{ ts: 1, kind: 'note', payload: { a: 1n } }]);
        throw new Error('crash midway');
      }),
      /crash midway/,
    );
    assert.equal(await getBot(db, 'ghost'), undefined);
    assert.equal(await lastJournalSeq(db, 'ghost'), 0);
    assert.equal(await count(`select count(*) as n from journal where bot_id = 'ghost'`), 0);
  });

  it('roll back a failing batch statement as a whole (one bad row, no rows)', async () => {
    await createBot(db, { id: 'tx', name: 'tx', strategy: 'grid', markets: [], mode: 'paper' });
    await appendJournal(db, 'tx', [{ ts: 1, kind: 'note', payload: 1 }]);
    await assert.rejects(
      appendJournal(db, 'tx', [
        { ts: 2, kind: 'note', payload: 2 },
        { ts: 3, kind: 'Not A Kind' as 'note', payload: 3 },
      ]),
      /check/,
    );
    assert.equal(await lastJournalSeq(db, 'tx'), 1);
    assert.equal(await count(`select count(*) as n from journal where bot_id = 'tx'`), 1);
  });

  it('nest as savepoints: an inner failure is undone while the outer work commits', async () => {
    await db.transaction(async (tx) => {
      await createBot(tx, { id: 'outer', name: 'outer', strategy: 'grid', markets: [], mode: 'paper' });
      await assert.rejects(
        tx.transaction(async (inner) => {
          await createBot(inner, {
            id: 'inner',
            name: 'inner',
            strategy: 'grid',
            markets: [],
            mode: 'paper',
          });
          throw new Error('inner fails');
        }),
      );
    });
    assert.ok(await getBot(db, 'outer'));
    assert.equal(await getBot(db, 'inner'), undefined);
  });

  it('refuse a transaction handle used after its transaction ended', async () => {
    let leaked: Db | undefined;
    await db.transaction(async (tx) => {
      leaked = tx;
    });
    await assert.rejects(async () => leaked!.query('select 1'), /after its transaction ended/);
  });
});
