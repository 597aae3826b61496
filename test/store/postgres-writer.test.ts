// PostgreSQL's writer when the server stops answering (its backend stopped, as a frozen server or a
// network cut would leave it): a statement waited for fails within the writer's bound, as the store
// being unavailable, and does not hold the event loop longer; once the server answers again, writes
// go on.
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { insertRows } from "../../src/store/bulk.js";
import { openDatabase, type Database } from "../../src/store/database.js";
import { migrate } from "../../src/store/migrations.js";
import { isStoreUnavailable } from "../../src/store/unavailable.js";
import { engines, freshDatabaseUrl } from "../support/engines.js";

const logRows = (prefix: string) => [0, 1].map((i) => ({ kind: "event" as const, event_id: `${prefix}${i}`, type: "showing.recorded", at: i, received_at: i, city: "beijing", brand: "lianjia", fingerprint: null, body: "{}" }));

/** A write on the writer: two log rows, then `meanwhile`, then a read, which the event loop waits for. */
const write = (database: Database, prefix: string, meanwhile = async () => {}) => database.onWriter(() => database.db.transaction().execute(async (trx) => {
  await insertRows(trx, logRows(prefix), (row) => row, (rows) => trx.insertInto("log").values(rows));
  await meanwhile();
  await sql`select count(*) from log`.execute(trx);
}));

describe.runIf(engines.includes("postgres"))("PostgreSQL's writer when the server stops answering", () => {
  it("fails the write within its bound as the store being unavailable, holding the event loop no longer, and the writes after it go on", async () => {
    const answerWithinMs = 1_000;
    const database = openDatabase(await freshDatabaseUrl("postgres"), { answerWithinMs });
    await migrate(database);
    await write(database, "A");
    const { rows } = await sql<{ pid: number }>`select pid from pg_stat_activity where application_name = 'anxin writer' and datname = current_database()`.execute(database.db);
    expect(rows).toHaveLength(1);
    const backend = rows[0]!.pid;
    let stoppedAt = 0;
    try {
      const error: unknown = await write(database, "B", async () => {
        process.kill(backend, "SIGSTOP");
        stoppedAt = performance.now();
      }).catch((caught: unknown) => caught);
      // The read waited for the insert sent before it, which went unanswered: the connection was given up then.
      const waited = performance.now() - stoppedAt;
      expect(isStoreUnavailable(error)).toBe(true);
      expect(waited).toBeGreaterThanOrEqual(answerWithinMs * 0.9);
      expect(waited).toBeLessThan(answerWithinMs + 5_000);
    } finally {
      process.kill(backend, "SIGCONT");
    }
    // The connection was given up; the next writes take the lock on a new one once the stopped backend has ended.
    let written = false;
    for (let attempt = 0; attempt < 20 && !written; attempt++) {
      written = await write(database, `C${attempt}-`).then(() => true, (error: unknown) => {
        if (!isStoreUnavailable(error)) throw error;
        return false;
      });
    }
    expect(written).toBe(true);
    const ids = (await database.db.selectFrom("log").select("event_id").orderBy("seq").execute()).map((r) => r.event_id);
    expect(ids.filter((id) => !id!.startsWith("C"))).toEqual(["A0", "A1"]);
    expect(ids.filter((id) => id!.startsWith("C"))).toHaveLength(2);
    await database.close();
  }, 60_000);
});
