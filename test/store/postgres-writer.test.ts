// PostgreSQL's writer, and the pool's other connections, when the server stops answering (its
// backend stopped, as a frozen server or a network cut would leave it): a statement waited for
// fails within the bound, as the store being unavailable, and does not hold the event loop or a
// request longer; once the server answers again, statements go on. A server that answers slowly but
// steadily is not given up, nor a wait for another process's turn at the log's lock, nor a migration.
import { readFileSync } from "node:fs";
import { CompiledQuery, sql } from "kysely";
import { describe, expect, it } from "vitest";
import { deferred } from "../../src/store/deferred.js";
import { logLockKey, openDatabase, type Database } from "../../src/store/database.js";
import { migrate } from "../../src/store/migrations.js";
import { isStoreUnavailable } from "../../src/store/unavailable.js";
import { engines, freshDatabaseUrl } from "../support/engines.js";
import { eventIds, ids, insertLog } from "../support/log-rows.js";

/** A write on the writer: two log rows, then `meanwhile`, then a read, which the event loop waits for. */
const write = (database: Database, prefix: string, meanwhile = async () => {}) => database.onWriter(() => database.db.transaction().execute(async (trx) => {
  await insertLog(trx, ids(prefix, 2));
  await meanwhile();
  await sql`select count(*) from log`.execute(trx);
}));

/** Only a server on this machine (the suite's own cluster) can be stopped by its process id. */
const stoppable = (backend: number) => { try { return readFileSync(`/proc/${backend}/cmdline`, "utf8").startsWith("postgres"); } catch { return false; } };

describe.runIf(engines.includes("postgres"))("PostgreSQL's writer when the server stops answering", () => {
  it("fails the write within its bound as the store being unavailable, holding the event loop no longer, and the writes after it go on", async (context) => {
    const answerWithinMs = 1_000;
    const database = openDatabase(await freshDatabaseUrl("postgres"), { answerWithinMs });
    await migrate(database);
    await write(database, "A");
    const { rows } = await sql<{ pid: number }>`select pid from pg_stat_activity where application_name = 'anxin writer' and datname = current_database()`.execute(database.db);
    expect(rows).toHaveLength(1);
    const backend = rows[0]!.pid;
    if (!stoppable(backend)) {
      await database.close();
      context.skip();
    }
    let stoppedAt = 0;
    try {
      const error: unknown = await write(database, "B", async () => {
        process.kill(backend, "SIGSTOP");
        stoppedAt = performance.now();
      }).catch((caught: unknown) => caught);
      // The read, or the insert before it, went unanswered: the connection was given up then.
      const waited = performance.now() - stoppedAt;
      expect(isStoreUnavailable(error)).toBe(true);
      expect(waited).toBeGreaterThanOrEqual(answerWithinMs * 0.9);
      expect(waited).toBeLessThan(answerWithinMs + 5_000);
    } finally {
      process.kill(backend, "SIGCONT");
    }
    // The lease ended with the failed write; the next takes the lock on a new connection, once the stopped backend has ended.
    await write(database, "C");
    expect(await eventIds(database)).toEqual(["A0", "A1", "C0", "C1"]);
    await database.close();
  }, 60_000);

  it("does not give up a server that answers slowly but steadily: the bound is on its silence, not on a statement's wait behind those before it", async () => {
    const database = openDatabase(await freshDatabaseUrl("postgres"), { answerWithinMs: 1_000 });
    await migrate(database);
    // Six inserts pipelined at once, each taking the server 0.3 s: the last is answered 1.8 s after it was sent.
    await database.onWriter(() => database.db.transaction().execute(async (trx) => {
      for (let i = 0; i < 6; i++) await trx.executeQuery(deferred(CompiledQuery.raw(`insert into log (kind, event_id, at, received_at) select 'event', 'S${i}', 0, 0 from pg_sleep(0.3)`, [])));
      await sql`select count(*) from log`.execute(trx);
    }));
    expect(await eventIds(database)).toEqual(["S0", "S1", "S2", "S3", "S4", "S5"]);
    await database.close();
  });
});

describe.runIf(engines.includes("postgres"))("PostgreSQL's pool when the server stops answering", () => {
  it("fails a read within the bound as the store being unavailable, and the reads after it go on", async (context) => {
    const answerWithinMs = 1_000;
    const database = openDatabase(await freshDatabaseUrl("postgres"), { answerWithinMs });
    await migrate(database);
    await write(database, "A");
    let stoppedAt = 0;
    let backend = 0;
    const error: unknown = await database.db.transaction().execute(async (trx) => {
      backend = (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx)).rows[0]!.pid;
      if (!stoppable(backend)) return "skip";
      process.kill(backend, "SIGSTOP");
      stoppedAt = performance.now();
      return sql`select count(*) from log`.execute(trx);
    }).catch((caught: unknown) => caught).finally(() => { if (stoppedAt > 0) process.kill(backend, "SIGCONT"); });
    if (error === "skip") {
      await database.close();
      return context.skip();
    }
    const waited = performance.now() - stoppedAt;
    expect(isStoreUnavailable(error)).toBe(true);
    expect(waited).toBeGreaterThanOrEqual(answerWithinMs * 0.9);
    expect(waited).toBeLessThan(answerWithinMs + 5_000);
    // The connection given up was dropped from the pool: every connection reads again.
    const reads = await Promise.all(Array.from({ length: 12 }, () => sql<{ n: number }>`select count(*)::int as n from log`.execute(database.db)));
    expect(reads.map((r) => r.rows[0]!.n)).toEqual(Array(12).fill(2));
    await database.close();
  }, 60_000);

  it("gives up neither a wait for another process's turn at the log's lock, nor a migration, for their length", async () => {
    const url = await freshDatabaseUrl("postgres");
    const database = openDatabase(url, { answerWithinMs: 1_000 });
    // A statement silent for longer than the bound is given up; the same in a migration is not.
    expect(isStoreUnavailable(await sql`select pg_sleep(1.5)`.execute(database.db).catch((caught: unknown) => caught))).toBe(true);
    await database.migrating((db) => sql`select pg_sleep(1.5)`.execute(db));
    // Another process holds the lock for 1.5 s; a write here waits for it, as service.ts does.
    const other = openDatabase(url);
    const held = other.db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(${logLockKey})`.execute(trx);
      await sql`select pg_sleep(1.5)`.execute(trx);
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const waitedFor = performance.now();
    await database.db.transaction().execute((trx) => sql`select pg_advisory_xact_lock(${logLockKey})`.execute(trx));
    expect(performance.now() - waitedFor).toBeGreaterThan(1_000);
    await held;
    await Promise.all([database.close(), other.close()]);
  }, 30_000);
});
