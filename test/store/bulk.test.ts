// Bulk inserts reuse a statement's compiled SQL by its shape; the rows stored are exactly the rows given.
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { insertRows } from "../../src/store/bulk.js";
import { openDatabase } from "../../src/store/database.js";
import { migrate } from "../../src/store/migrations.js";
import { engines, freshDatabaseUrl } from "../support/engines.js";

describe.each(engines)("bulk inserts on %s", (engine) => {
  it("stores every row of chunks of 500, the same whether the text was compiled afresh or reused", async () => {
    const database = openDatabase(await freshDatabaseUrl(engine));
    await migrate(database);
    const { db } = database;
    const days = (from: number, count: number, views: number) =>
      Array.from({ length: count }, (_, i) => ({ listing_id: `L${(from + i) % 700}`, day: "2026-03-02", views, follows: 1, promotions: 0, progress_reports: 0 }));
    const upsert = (rows: ReturnType<typeof days>) => db.insertInto("listing_days").values(rows).onConflict((oc) => oc.columns(["listing_id", "day"]).doUpdateSet({
      views: sql`listing_days.views + excluded.views`, follows: sql`listing_days.follows + excluded.follows`,
    }));
    // 700 rows: a chunk of 500 and one of 200, compiled; then the same shapes again, reused.
    await insertRows(db, days(0, 700, 1), (row) => row, upsert);
    await insertRows(db, days(0, 700, 2), (row) => row, upsert);
    // Rows whose columns come in another order are not of the cached shape: compiled as Kysely would.
    await insertRows(db, [days(1, 1, 4)[0]!, { day: "2026-03-02", listing_id: "L2", views: 4, follows: 1, promotions: 0, progress_reports: 0 }], (row) => row, upsert);
    const rows = await db.selectFrom("listing_days").select(["listing_id", "views", "follows", "promotions"]).orderBy("listing_id").execute();
    expect(rows).toHaveLength(700);
    expect(rows.find((r) => r.listing_id === "L0")).toEqual({ listing_id: "L0", views: 3, follows: 2, promotions: 0 });
    expect(rows.find((r) => r.listing_id === "L1")).toEqual({ listing_id: "L1", views: 7, follows: 3, promotions: 0 });
    expect(rows.find((r) => r.listing_id === "L2")).toEqual({ listing_id: "L2", views: 7, follows: 3, promotions: 0 });
    expect(rows.reduce((sum, r) => sum + r.views, 0)).toBe(700 * 3 + 8);
    await database.close();
  });

  it("returns what each statement returns, in order", async () => {
    const database = openDatabase(await freshDatabaseUrl(engine));
    await migrate(database);
    const rows = Array.from({ length: 501 }, (_, i) => ({ kind: "tick" as const, event_id: null, type: null, at: i, received_at: i, city: null, brand: null, fingerprint: null, body: null }));
    const seqs = await insertRows(database.db, rows, (row) => row, (values) => database.db.insertInto("log").values(values).returning("seq"));
    expect(seqs.map((r) => Number(r.seq))).toEqual(rows.map((_, i) => i + 1));
    await database.close();
  });
});

describe.skipIf(!engines.includes("postgres"))("bulk inserts on postgres, prepared", () => {
  it("sends a full chunk's statement by name, parsed once by the connection and run again with other rows", async () => {
    const database = openDatabase(await freshDatabaseUrl("postgres"));
    await migrate(database);
    const ticks = (from: number) => Array.from({ length: 500 }, (_, i) => ({ kind: "tick" as const, event_id: null, type: null, at: from + i, received_at: from + i, city: null, brand: null, fingerprint: null, body: null }));
    // One transaction holds one connection: the second run finds the statement prepared there.
    const prepared = await database.db.transaction().execute(async (trx) => {
      // A plain insert goes as COPY (below) unless asked not to.
      await insertRows(trx, ticks(0), (row) => row, (values) => trx.insertInto("log").values(values), { copy: false });
      await insertRows(trx, ticks(500), (row) => row, (values) => trx.insertInto("log").values(values), { copy: false });
      return (await sql<{ name: string; statement: string }>`select name, statement from pg_prepared_statements`.execute(trx)).rows;
    });
    expect(prepared).toHaveLength(1);
    expect(prepared[0]!.name).toMatch(/^anxin_\d+$/);
    expect(prepared[0]!.statement).toMatch(/^insert into "log"/);
    const stored = await database.db.selectFrom("log").select((eb) => [eb.fn.countAll<number>().as("n"), eb.fn.sum<number>("at").as("total")]).executeTakeFirstOrThrow();
    expect({ n: Number(stored.n), total: Number(stored.total) }).toEqual({ n: 1000, total: (999 * 1000) / 2 });
    await database.close();
  });
});

describe.skipIf(!engines.includes("postgres"))("bulk inserts on postgres, copied", () => {
  const row = (i: number, body: string | null) => ({ kind: "event" as const, event_id: `E${i}`, type: "showing.recorded", at: 1_772_000_000_000 + i, received_at: i, city: "beijing", brand: null, fingerprint: null, body });

  it("sends a plain insert as COPY, and stores every text as given: tabs, line ends, backslashes, \\N, null and empty apart", async () => {
    const database = openDatabase(await freshDatabaseUrl("postgres"));
    await migrate(database);
    const texts = ["a\tb", "line\nbreak\r\n", "back\\slash \\N \\. \\t", "\\", "", "北京 链家 🏠", '{"q":"\\"x\\""}', "\\.\n\\.", null];
    const rows = Array.from({ length: 1_200 }, (_, i) => row(i, texts[i % texts.length]!));
    await database.db.transaction().execute(async (trx) => {
      await insertRows(trx, rows, (r) => r, (values) => trx.insertInto("log").values(values));
      // As inserts, the two full chunks would have been prepared by name (above).
      expect((await sql`select name from pg_prepared_statements`.execute(trx)).rows).toEqual([]);
    });
    const stored = await database.db.selectFrom("log").select(["event_id", "at", "brand", "body"]).orderBy("seq").execute();
    expect(stored).toEqual(rows.map((r) => ({ event_id: r.event_id, at: r.at, brand: null, body: r.body })));
    await database.close();
  });

  it("fails its transaction on a constraint as an insert would, keeping none of it", async () => {
    const database = openDatabase(await freshDatabaseUrl("postgres"));
    await migrate(database);
    await database.db.insertInto("log").values(row(7, "first")).execute();
    const writing = database.db.transaction().execute(async (trx) => {
      await insertRows(trx, Array.from({ length: 10 }, (_, i) => row(i, "again")), (r) => r, (values) => trx.insertInto("log").values(values));
      await trx.selectFrom("log").select("seq").execute();
    });
    await expect(writing).rejects.toMatchObject({ code: "23505" });
    expect(await database.db.selectFrom("log").select("body").execute()).toEqual([{ body: "first" }]);
    await database.close();
  });
});
