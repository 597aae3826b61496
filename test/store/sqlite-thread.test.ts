// SQLite's connection lives on a thread of its own; inserts inside a transaction are not waited for,
// yet a transaction is still all or nothing and every read sees what was sent before it.
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { builtCli } from "../../tools/serve-process.js";
import { insertRows } from "../../src/store/bulk.js";
import { openDatabase, type Database } from "../../src/store/database.js";
import { migrate } from "../../src/store/migrations.js";
import { engines, freshDatabaseUrl } from "../support/engines.js";

const logRows = (ids: string[]) => ids.map((id, i) => ({ kind: "event" as const, event_id: id, type: "showing.recorded", at: i, received_at: i, city: "beijing", brand: "lianjia", fingerprint: null, body: "{}" }));
const ids = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}${i}`);
const count = async (database: Database) => Number((await database.db.selectFrom("log").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n);

describe.each(engines)("writes on %s", (engine) => {
  it("a transaction whose insert fails keeps none of its rows, and the database goes on", async () => {
    const database = openDatabase(await freshDatabaseUrl(engine));
    await migrate(database);
    const write = database.db.transaction().execute(async (trx) => {
      await insertRows(trx, logRows(ids("A", 600)), (row) => row, (rows) => trx.insertInto("log").values(rows));
      await insertRows(trx, logRows(["A7"]), (row) => row, (rows) => trx.insertInto("log").values(rows)); // A7 again: unique
      await insertRows(trx, logRows(ids("B", 10)), (row) => row, (rows) => trx.insertInto("log").values(rows));
    });
    await expect(write).rejects.toThrow(/unique|UNIQUE/);
    expect(await count(database)).toBe(0);
    await database.db.transaction().execute((trx) => insertRows(trx, logRows(ids("A", 3)), (row) => row, (rows) => trx.insertInto("log").values(rows)));
    expect(await count(database)).toBe(3);
    await database.close();
  });

  it("a read inside a transaction sees the inserts sent before it", async () => {
    const database = openDatabase(await freshDatabaseUrl(engine));
    await migrate(database);
    const seen = await database.db.transaction().execute(async (trx) => {
      await insertRows(trx, logRows(ids("A", 1_200)), (row) => row, (rows) => trx.insertInto("log").values(rows));
      return Number((await trx.selectFrom("log").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n);
    });
    expect(seen).toBe(1_200);
    await database.close();
  });

  it("outside a transaction a failing insert fails at once", async () => {
    const database = openDatabase(await freshDatabaseUrl(engine));
    await migrate(database);
    await insertRows(database.db, logRows(["A1"]), (row) => row, (rows) => database.db.insertInto("log").values(rows));
    await expect(insertRows(database.db, logRows(["A1"]), (row) => row, (rows) => database.db.insertInto("log").values(rows))).rejects.toThrow(/unique|UNIQUE/);
    expect(await count(database)).toBe(1);
    await database.close();
  });
});

describe("SQLite's thread", () => {
  it("runs a query outside a transaction after the write in progress, and sees all of it", async () => {
    const database = openDatabase(await freshDatabaseUrl("sqlite"));
    await migrate(database);
    let wrote!: () => void;
    const written = new Promise<void>((resolve) => { wrote = resolve; });
    const write = database.db.transaction().execute(async (trx) => {
      await insertRows(trx, logRows(ids("A", 600)), (row) => row, (rows) => trx.insertInto("log").values(rows));
      wrote();
      await new Promise((resolve) => setTimeout(resolve, 50));
      await insertRows(trx, logRows(ids("B", 600)), (row) => row, (rows) => trx.insertInto("log").values(rows));
    });
    await written;
    expect(await count(database)).toBe(1_200);
    await write;
    await expect(sql`with x as (select 1) insert into log (kind, at, received_at) select 'tick', 1, 1 from x`.execute(database.db)).resolves.toBeDefined();
    expect(await count(database)).toBe(1_201);
    await database.close();
  });

  it("lets a process end once its work is done, and waits for an answer it awaits", () => {
    const path = join(mkdtempSync(join(tmpdir(), "anxin-thread-")), "anxin.db");
    const database = new URL("../dist/src/store/database.js", `file://${builtCli()}`).href;
    // Nothing but the awaited query keeps this process alive, and the database is never closed.
    const script = `const { openDatabase } = await import(${JSON.stringify(database)});
      const db = openDatabase(${JSON.stringify(`sqlite:${path}`)});
      const { rows } = await (await import("kysely")).sql\`select 41 + 1 as answer\`.execute(db.db);
      console.log(rows[0].answer);`;
    const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", cwd: join(builtCli(), "..", ".."), timeout: 20_000 });
    expect({ status: run.status, stdout: run.stdout, stderr: run.stderr }).toEqual({ status: 0, stdout: "42\n", stderr: "" });
  });
});
