// A batch is written by the engine's writer (SQLite: a thread; PostgreSQL: a connection holding the
// log's lock between batches), and the next batch is applied while it commits. Batches sent at
// once are applied in the order they came and each is answered once it is durable. If one's write
// fails, those applied after it fail with it: the log and the engine keep none of them, and sent
// again they are accepted whole. Single events sent at once are written together, as a batch.
import SQLite from "better-sqlite3";
import { sql } from "kysely";
import pg from "pg";
import { describe, expect, it } from "vitest";
import type { Outcome } from "../../src/engine/engine.js";
import { snapshot } from "../../src/engine/snapshot.js";
import { Service } from "../../src/service/service.js";
import type { EngineName } from "../../src/store/database.js";
import { engines } from "../support/engines.js";
import type { Catalogue } from "../../src/domain/catalogue/index.js";
import { at, bundled, ev, listing, phoneKey } from "../support/scenario.js";
import { startApp, type Running } from "../support/service.js";

const batches = [0, 1, 2].map((b) => Array.from({ length: 300 }, (_, i) => ev("showing.recorded", "2026-03-01T10:30:00+08:00", { showingId: `S${b}-${i}`, listingId: "L1", buyerId: `B${i}`, agentId: "A7" }, { id: `show-${b}-${i}` })));
const published = listing("L1");
const sentAtOnce = (app: Running) => Promise.allSettled(batches.map((events) => app.service.submitBatch(events)));

async function loggedIds(app: Running): Promise<string[]> {
  const rows = await app.service.database.db.selectFrom("log").select(["seq", "event_id"]).orderBy("seq").execute();
  expect(rows.map((r) => Number(r.seq))).toEqual(rows.map((_, i) => i + 1));
  return rows.map((r) => r.event_id!);
}

/**
 * The running engine equals one rebuilt from the log alone. The log holds no duplicate or
 * rejection, so an engine that counted some is compared `counted: false`, without those counts.
 */
async function expectEngineFromLog(app: Running, options: { counted?: boolean; catalogue?: Catalogue } = {}): Promise<void> {
  const rebuilt = new Service({ database: app.service.database, catalogue: options.catalogue ?? bundled, phoneKey, clock: app.clock });
  await rebuilt.start();
  const compared = (state: Service["engine"]["state"]) => {
    const s = snapshot(state);
    return options.counted !== false ? s : { ...s, counts: { ...s.counts, duplicates: 0, rejected: 0 } };
  };
  expect(compared(rebuilt.engine.state)).toEqual(compared(app.service.engine.state));
}

/** Makes the writer thread's connection find the disk full, or not. */
async function diskFull(app: Running, full: boolean): Promise<void> {
  const { database } = app.service;
  const pages = (await sql<{ page_count: number }>`pragma page_count`.execute(database.db)).rows[0]!.page_count;
  await database.onWriter(() => database.db.transaction().execute((trx) => sql.raw(`pragma max_page_count = ${full ? pages : 1_073_741_823}`).execute(trx)));
}

const accepted = (outcomes: Outcome[]) => outcomes.filter((o) => o.status === "accepted").length;

/** A fresh service, with the listing the showings are of. */
async function withListing(engine: EngineName, test: (app: Running) => Promise<void>): Promise<void> {
  const app = await startApp(engine);
  try {
    expect((await app.service.submit(published)).status).toBe("accepted");
    await test(app);
  } finally {
    await app.close();
  }
}

async function eventsLogged(app: Running): Promise<number> {
  return Number((await app.service.database.db.selectFrom("log").select((eb) => eb.fn.countAll().as("n")).where("kind", "=", "event").executeTakeFirstOrThrow()).n);
}

/** The batches sent at once all fail with `code` and leave nothing; once `recover`ed, they are taken whole. */
async function failTogetherThenTakenWhole(app: Running, code: string, recover: () => Promise<void>): Promise<void> {
  const logged = await eventsLogged(app);
  const refused = await sentAtOnce(app);
  expect(refused.map((r) => (r.status === "rejected" ? (r.reason as { code?: string }).code : "applied"))).toEqual([code, code, code]);
  expect(await eventsLogged(app)).toBe(logged);
  await recover();
  const again = await sentAtOnce(app);
  expect(again.map((r) => (r.status === "fulfilled" ? accepted(r.value) : r.reason))).toEqual([300, 300, 300]);
  expect(await eventsLogged(app)).toBe(logged + 900);
  await expectEngineFromLog(app);
}

/** A log row, far ahead, holding the id of an event of the first batch: that batch's log insert fails. */
const takenId = "insert into log (seq, kind, event_id, at, received_at) values (1000000, 'tick', 'show-0-5', 0, 0)";

async function onOtherConnection(app: Running, statement: string): Promise<void> {
  if (app.service.database.engine === "sqlite") {
    const other = new SQLite(app.databaseUrl.slice("sqlite:".length));
    other.prepare(statement).run();
    other.close();
    return;
  }
  const other = new pg.Client({ connectionString: app.databaseUrl });
  await other.connect();
  await other.query(statement);
  await other.end();
}

describe.each(engines)("batches sent at once on %s", (engine) => {
  it("are applied in the order they came, and the engine is what the log makes", () => withListing(engine, async (app) => {
    const results = await sentAtOnce(app);
    expect(results.map((r) => (r.status === "fulfilled" ? accepted(r.value) : r.reason))).toEqual([300, 300, 300]);
    expect(await loggedIds(app)).toEqual([published.id, ...batches.flat().map((e) => e.id)]);
    await expectEngineFromLog(app);
  }));

  it("fail together when the first one's write fails, keep nothing, and are taken whole once the cause is gone", () => withListing(engine, async (app) => {
    await onOtherConnection(app, takenId);
    await failTogetherThenTakenWhole(app, engine === "sqlite" ? "SQLITE_CONSTRAINT_UNIQUE" : "23505", () => onOtherConnection(app, "delete from log where seq = 1000000"));
  }));
});

/** Counts the transactions the service begins from now on. */
function countTransactions(app: Running): () => number {
  const { db } = app.service.database;
  const begin = db.transaction.bind(db);
  let count = 0;
  db.transaction = () => {
    count++;
    return begin();
  };
  return () => count;
}

const showing = (i: number, buyerId = `B${i}`) => ev("showing.recorded", "2026-03-01T10:30:00+08:00", { showingId: `S1-${i}`, listingId: "L1", buyerId, agentId: "A7" }, { id: `one-${i}` });

describe.each(engines)("a batch's report rows on %s", (engine) => {
  const shown = (showingId: string, at: string, id: string) => ev("showing.recorded", at, { showingId, listingId: "L1", buyerId: "B1", agentId: "A7" }, { id });
  const fedBack = (showingId: string, at: string, id: string) => ev("showing.feedback_sent", at, { showingId, listingId: "L1", ownerId: "O1" }, { id });

  it("insert a showing no event named before and update any other's: feedback first, a showing recorded again", () => withListing(engine, async (app) => {
    const batches = [
      [fedBack("S1", "2026-03-01T09:00:00+08:00", "f1"), shown("S1", "2026-03-01T09:30:00+08:00", "s1"), shown("S2", "2026-03-01T09:40:00+08:00", "s2"),
        shown("S3", "2026-03-01T09:50:00+08:00", "s3a"), shown("S3", "2026-03-01T09:55:00+08:00", "s3b")],
      [shown("S2", "2026-03-01T10:10:00+08:00", "s2b"), fedBack("S3", "2026-03-01T10:20:00+08:00", "f3"), shown("S4", "2026-03-01T10:30:00+08:00", "s4"),
        fedBack("S5", "2026-03-01T10:40:00+08:00", "f5")],
      [shown("S5", "2026-03-01T10:50:00+08:00", "s5")],
    ];
    for (const events of batches) expect(accepted(await app.service.submitBatch(events))).toBe(events.length);
    const rows = await app.service.database.db.selectFrom("showings").select(["showing_id", "recorded_at", "feedback_at"]).orderBy("showing_id").execute();
    const t = (time: string | null) => (time === null ? null : Date.parse(`2026-03-01T${time}:00+08:00`));
    expect(rows.map((r) => ({ ...r, recorded_at: r.recorded_at === null ? null : Number(r.recorded_at), feedback_at: r.feedback_at === null ? null : Number(r.feedback_at) }))).toEqual([
      { showing_id: "S1", recorded_at: t("09:30"), feedback_at: t("09:00") },
      { showing_id: "S2", recorded_at: t("10:10"), feedback_at: null },
      { showing_id: "S3", recorded_at: t("09:55"), feedback_at: t("10:20") },
      { showing_id: "S4", recorded_at: t("10:30"), feedback_at: null },
      { showing_id: "S5", recorded_at: t("10:50"), feedback_at: t("10:40") },
    ]);
    await expectEngineFromLog(app);
  }));
});

describe.each(engines)("a store written by an engine that replays the log otherwise, on %s", (engine) => {
  // The feedback commitment live only from 03-02: replayed, the showing of 03-01 opens nothing.
  const later: Catalogue = { ...bundled, versions: bundled.versions.map((v) => (v.commitment === "showing-feedback-48h" ? { ...v, fromAt: at("2026-03-02T00:00:00+08:00") } : v)) };
  const recorded = (id: string, showingId: string, time: string) => ev("showing.recorded", time, { showingId, listingId: "L1", buyerId: "B1", agentId: "A7" }, { id });

  it("takes the write that meets a row it took for new again, upserting from then on", async () => {
    const first = await startApp(engine);
    expect(accepted(await first.service.submitBatch([published, recorded("s1a", "S1", "2026-03-01T10:30:00+08:00")]))).toBe(2);
    await first.close();
    first.clock.set("2026-03-03T10:00:00+08:00");
    const second = await startApp(engine, { catalogue: later, databaseUrl: first.databaseUrl, apiKey: first.apiKey, clock: first.clock });
    try {
      expect(second.service.engine.state.obligations.size).toBe(0);
      // Recorded again, the showing opens the obligation whose row the first run wrote.
      // Another batch sent at once is pipelined behind it, and fails with the same conflict: taken again too.
      const [outcomes, beside] = await Promise.all([
        second.service.submitBatch([recorded("s1b", "S1", "2026-03-03T09:30:00+08:00"), recorded("s2", "S2", "2026-03-03T09:40:00+08:00")]),
        second.service.submitBatch([recorded("s4", "S4", "2026-03-03T09:41:00+08:00"), recorded("s5", "S5", "2026-03-03T09:42:00+08:00")]),
      ]);
      expect([outcomes.map((o) => o.status), beside.map((o) => o.status)]).toEqual([["accepted", "accepted"], ["accepted", "accepted"]]);
      expect(accepted(await second.service.submitBatch([recorded("s3", "S3", "2026-03-03T09:50:00+08:00")]))).toBe(1);
      const rows = await second.service.database.db.selectFrom("obligations").select(["subject_id", "opened_at"]).orderBy("subject_id").execute();
      expect(rows.map((r) => [r.subject_id, Number(r.opened_at)])).toEqual(["S1", "S2", "S3", "S4", "S5"].map((id) => [id, at("2026-03-03T10:00:00+08:00")]));
      await expectEngineFromLog(second, { catalogue: later });
    } finally {
      await second.close();
    }
  });
});

describe.each(engines)("single events sent at once on %s", (engine) => {
  it("are written together, each answered with its own outcome", () => withListing(engine, async (app) => {
    const transactions = countTransactions(app);
    const outOfBrand = { ...showing(3), id: "other-brand", brand: "ziroom" };
    const sent = await Promise.all([
      app.service.submit(showing(0)),
      app.service.submit(showing(1)),
      app.service.submit(showing(1)),
      app.service.submit(showing(1, "someone else")),
      app.service.submit({ ...showing(2), occurredAt: "yesterday" }),
      app.service.submit(outOfBrand, { admit: (input) => ((input as { brand: string }).brand === "lianjia" ? null : { code: "out_of_scope", message: "not this key's brand", field: "brand" }) }),
      app.service.refuse("not json {", { code: "invalid_json", message: "not JSON", field: "" }),
      app.service.submit({ ...showing(4), id: "nul\u0000id" }),
      ...Array.from({ length: 20 }, (_, i) => app.service.submit(showing(10 + i))),
    ]);
    expect(sent.slice(0, 8).map((o) => (o.status === "rejected" ? o.rejection.code : o.status)))
      .toEqual(["accepted", "accepted", "duplicate", "conflict", "invalid_timestamp", "out_of_scope", "invalid_json", "invalid_field"]);
    expect(sent.slice(8).every((o) => o.status === "accepted")).toBe(true);
    expect(transactions()).toBe(1);
    expect(await loggedIds(app)).toEqual([published.id, "one-0", "one-1", ...Array.from({ length: 20 }, (_, i) => `one-${10 + i}`)]);
    // Every rejection is kept, the one PostgreSQL could not store as sent too.
    const rejected = await app.service.database.db.selectFrom("rejected").select(["event_id", "code"]).orderBy("seq").execute();
    expect(rejected.map((r) => [r.event_id, r.code])).toEqual([["one-1", "conflict"], ["one-2", "invalid_timestamp"], ["other-brand", "out_of_scope"], [null, "invalid_json"], ["nul\uFFFDid", "invalid_field"]]);
    await expectEngineFromLog(app, { counted: false });
  }));

  it("written together, when their write fails for one of them, are written again one by one: only that one fails", () => withListing(engine, async (app) => {
    // Another writer's row holds one of their ids: its log insert fails.
    await onOtherConnection(app, "insert into log (seq, kind, event_id, at, received_at) values (1000000, 'tick', 'one-5', 0, 0)");
    const sent = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => app.service.submit(showing(i))));
    const code = engine === "sqlite" ? "SQLITE_CONSTRAINT_UNIQUE" : "23505";
    expect(sent.map((r) => (r.status === "fulfilled" ? r.value.status : (r.reason as { code?: string }).code))).toEqual([...Array<string>(5).fill("accepted"), code, ...Array<string>(4).fill("accepted")]);
    await onOtherConnection(app, "delete from log where seq = 1000000");
    expect((await app.service.submit(showing(5))).status).toBe("accepted");
    // Numbered after the other writer's row, which the write after the failed one read.
    const events = await app.service.database.db.selectFrom("log").select("event_id").where("kind", "=", "event").orderBy("seq").execute();
    expect(events.map((r) => r.event_id)).toEqual([published.id, ...[0, 1, 2, 3, 4, 6, 7, 8, 9, 5].map((i) => `one-${i}`)]);
    await expectEngineFromLog(app);
  }));
});

describe("single events sent at once on SQLite", () => {
  it("fail together when the store is unavailable, keep nothing, and are taken once it is back", () => withListing("sqlite", async (app) => {
    // More than the pages the store has left take.
    const sendAtOnce = () => Promise.allSettled(Array.from({ length: 300 }, (_, i) => app.service.submit(showing(i))));
    await diskFull(app, true);
    const refused = await sendAtOnce();
    expect(refused.map((r) => (r.status === "fulfilled" ? r.value.status : (r.reason as { code?: string }).code))).toEqual(Array<string>(300).fill("SQLITE_FULL"));
    expect(await eventsLogged(app)).toBe(1);
    await diskFull(app, false);
    const again = await sendAtOnce();
    expect(again.map((r) => (r.status === "fulfilled" ? r.value.status : r.reason))).toEqual(Array<string>(300).fill("accepted"));
    expect(await loggedIds(app)).toEqual([published.id, ...Array.from({ length: 300 }, (_, i) => `one-${i}`)]);
    await expectEngineFromLog(app);
  }));
});

describe.runIf(engines.includes("postgres"))("batches on PostgreSQL", () => {
  it("are taken on a new connection when the server closed the writer's between them", () => withListing("postgres", async (app) => {
    expect(accepted(await app.service.submitBatch(batches[0]!))).toBe(300);
    const other = new pg.Client({ connectionString: app.databaseUrl });
    await other.connect();
    const ended = await other.query("select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'anxin writer' and datname = current_database()");
    await other.end();
    expect(ended.rowCount).toBe(1);
    expect(accepted(await app.service.submitBatch(batches[1]!))).toBe(300);
    expect(await eventsLogged(app)).toBe(601);
    await expectEngineFromLog(app);
  }));
});

describe("batches sent at once on SQLite", () => {
  it("fail together when the first one's write finds the disk full", () => withListing("sqlite", async (app) => {
    await diskFull(app, true);
    await failTogetherThenTakenWhole(app, "SQLITE_FULL", () => diskFull(app, false));
  }));

  it("fail together when another writer took the first one's log number", () => withListing("sqlite", async (app) => {
    // One writer per file is the rule, so a write does not catch up first; a second writer shows itself by the log number it takes.
    await onOtherConnection(app, "insert into log (seq, kind, at, received_at) values (2, 'tick', 0, 0)");
    await failTogetherThenTakenWhole(app, "SQLITE_CONSTRAINT_PRIMARYKEY", async () => {});
  }));
});
