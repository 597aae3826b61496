// A write that fails after applying to the engine leaves a rebuild due: the writes queued behind it
// must find it due, not decide on what the failed write applied, and must not replay the whole log
// on the writer (whose reads hold the event loop) or holding the lock.
import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { Replica } from "../../src/service/replica.js";
import { openDatabase, type Database } from "../../src/store/database.js";
import { migrate } from "../../src/store/migrations.js";
import { engines, freshDatabaseUrl } from "../support/engines.js";
import { at, bundled, ev, listing, phoneKey } from "../support/scenario.js";
import { startApp, type Running } from "../support/service.js";

const showing = (showingId: string, listingId: string) => ev("showing.recorded", "2026-03-01T10:00:00+08:00", { showingId, listingId, buyerId: "B1", agentId: "A7" });

describe.each(engines)("writes behind a failed one, on %s", (engine) => {
  let running: Running | undefined;
  let database: Database | undefined;
  afterEach(async () => {
    await running?.close();
    await database?.close();
    [running, database] = [undefined, undefined];
  });

  it("a batch sent while a write on the writer fails after applying is decided from the log, not from what that write applied", async () => {
    running = await startApp(engine);
    const { service } = running;
    const l7 = listing("L7");
    // As a sweep does: applies, then a statement of its transaction fails.
    const failing = service.replica.write(async (now, trx) => {
      service.replica.engine.submit(l7, { now });
      await sql`select * from no_such_table`.execute(trx);
      return [];
    }, { onWriter: true });
    const batch = service.submitBatch([l7, showing("S1", "L7")]);
    await expect(failing).rejects.toThrow();
    expect((await batch).map((o) => o.status)).toEqual(["accepted", "accepted"]); // the listing was "duplicate", and never logged
    const logged = await service.database.db.selectFrom("log").select("event_id").where("event_id", "in", [l7.id, "S1"]).execute();
    expect(logged.map((r) => r.event_id)).toContain(l7.id);
  });

  it("a batch queued on the writer behind a failing write leaves the log to be read ahead on a thread, not replayed in its transaction", async () => {
    database = openDatabase(await freshDatabaseUrl(engine));
    await migrate(database);
    const replica = new Replica({ database, catalogue: bundled, phoneKey, clock: { now: () => at("2026-03-01T11:00:00+08:00") }, readLogOnThreadFrom: 100 });
    await replica.write(() => []);
    const events = [listing("L1"), ...Array.from({ length: 500 }, (_, i) => showing(`S${i}`, "L1"))];
    await replica.write((now) => events.flatMap((e) => { const o = replica.engine.submit(e, { now }); return o.status === "accepted" ? [o.event] : []; }), { onWriter: true });
    let applying!: () => void;
    const applied = new Promise<void>((resolve) => { applying = resolve; });
    const failing = replica.write(async (now) => {
      replica.engine.submit(listing("L9"), { now });
      applying();
      await new Promise((resolve) => setTimeout(resolve, 20));
      throw new Error("the store refused");
    });
    await applied; // it holds the lock (PostgreSQL) or the turn (SQLite)
    const batch = replica.write(() => [], { onWriter: true }); // waits for them meanwhile
    await expect(failing).rejects.toThrow("the store refused");
    expect(await batch).toBe(0); // rows it replayed in its own transaction
    expect(replica.current.state.seen.has(listing("L9").id)).toBe(false);
    expect(replica.current.state.seen.size).toBe(events.length);
  });
});
