// A transaction runs on the event loop, or begun inside onWriter, on SQLite's writer thread,
// whose inserts are not waited for: either way it is all or nothing, and a read sees what was sent before it.
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import SQLite from "better-sqlite3";
import { sql, type Transaction } from "kysely";
import { Worker } from "node:worker_threads";
import { describe, expect, it, vi } from "vitest";
import { builtCli } from "../../tools/serve-process.js";
import { openDatabase, type Database, type EngineName, type Tables } from "../../src/store/database.js";
import { migrate } from "../../src/store/migrations.js";
import { Thread } from "../../src/store/writer-thread.js";
import { writerStoppedCode } from "../../src/store/writer-protocol.js";
import { engines, freshDatabaseUrl } from "../support/engines.js";
import { eventIds, ids, insertLog } from "../support/log-rows.js";

const count = async (database: Database) => Number((await database.db.selectFrom("log").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n);

const places = [["on the event loop", false], ["from the writer thread", true]] as const;

/** A transaction on the event loop, or (`aside`) begun inside onWriter. */
function transactionOf(aside: boolean) {
  return <T>(database: Database, work: (trx: Transaction<Tables>) => Promise<T>): Promise<T> => {
    const run = () => database.db.transaction().execute(work);
    return aside ? database.onWriter(run) : run();
  };
}

describe.each(engines.flatMap((engine) => places.map(([where, aside]) => [engine, where, aside] as const)))("writes on %s %s", (engine, _where, aside) => {
  const transaction = transactionOf(aside);

  it("a transaction whose insert fails keeps none of its rows, and the database goes on", async () => {
    const database = openDatabase(await freshDatabaseUrl(engine));
    await migrate(database);
    const write = transaction(database, async (trx) => {
      await insertLog(trx, ids("A", 600));
      await insertLog(trx, ["A7"]); // A7 again: unique
      await insertLog(trx, ids("B", 10));
    });
    await expect(write).rejects.toThrow(/unique|UNIQUE/);
    expect(await count(database)).toBe(0);
    await transaction(database, (trx) => insertLog(trx, ids("A", 3)));
    expect(await count(database)).toBe(3);
    await database.close();
  });

  it("a read inside a transaction sees the inserts sent before it", async () => {
    const database = openDatabase(await freshDatabaseUrl(engine));
    await migrate(database);
    const seen = await transaction(database, async (trx) => {
      await insertLog(trx, ids("A", 1_200));
      return Number((await trx.selectFrom("log").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n);
    });
    expect(seen).toBe(1_200);
    await database.close();
  });
});

describe.each(engines)("writes on %s", (engine) => {
  it("outside a transaction a failing insert fails at once", async () => {
    const database = openDatabase(await freshDatabaseUrl(engine));
    await migrate(database);
    await insertLog(database.db, ["A1"]);
    await expect(insertLog(database.db, ["A1"])).rejects.toThrow(/unique|UNIQUE/);
    expect(await count(database)).toBe(1);
    await database.close();
  });
});

/** A fresh store and its writer thread's worker (the last begun), reached as a crash or a bug would reach it. */
async function withWriterThread(engine: EngineName, test: (database: Database, worker: () => Worker, signal: () => Int32Array) => Promise<void>): Promise<void> {
  const database = openDatabase(await freshDatabaseUrl(engine));
  await migrate(database);
  const begun = vi.spyOn(Thread.prototype, "begin");
  const thread = () => begun.mock.contexts.at(-1) as unknown as { worker: Worker; signal: Int32Array };
  try {
    await test(database, () => thread().worker, () => thread().signal);
  } finally {
    begun.mockRestore();
    await database.close();
  }
}

describe.each(engines)("the writer thread on %s", (engine) => {
  it("is replaced when it ends, during a transaction or between two: that transaction fails whole, and the writes after it go on", () => withWriterThread(engine, async (database, worker) => {
    const crash = async () => void (await worker().terminate()); // as a crash would end it
    const write = (prefix: string, count: number, meanwhile = async () => {}) => database.onWriter(() => database.db.transaction().execute(async (trx) => {
      await insertLog(trx, ids(prefix, count));
      await meanwhile();
      await insertLog(trx, ids(`${prefix}-more`, count));
    }));
    await write("A", 3);
    await crash();
    await write("B", 2);
    await expect(write("C", 600, crash)).rejects.toThrow(/writer thread has stopped/);
    await write("D", 1);
    expect(await eventIds(database)).toEqual(["A0", "A1", "A2", "A-more0", "A-more1", "A-more2", "B0", "B1", "B-more0", "B-more1", "D0", "D-more0"]);
  }));

  it("ended by an error of its own, fails the transaction it was in as the store being unavailable, not the process; the next write goes on", () => withWriterThread(engine, async (database, worker) => {
    // A request no worker expects makes its handler throw, as a bug in the worker would.
    const fault = async () => worker().postMessage(null);
    // The read is a call asleep on the thread when it dies.
    const write = (prefix: string, meanwhile = async () => {}) => database.onWriter(() => database.db.transaction().execute(async (trx) => {
      await insertLog(trx, ids(prefix, 2));
      await meanwhile();
      await sql`select count(*) from log`.execute(trx);
    }));
    const warned = vi.spyOn(process, "emitWarning").mockImplementation(() => {});
    try {
      await write("A");
      await expect(write("B", fault)).rejects.toMatchObject({ code: writerStoppedCode });
      await write("C");
      expect(await eventIds(database)).toEqual(["A0", "A1", "C0", "C1"]);
      // The call failed before the thread's error reached the event loop: the error is said when it does.
      expect(warned).toHaveBeenCalledWith(expect.stringMatching(/^the writer thread has stopped: ./), expect.objectContaining({ code: writerStoppedCode }));
    } finally {
      warned.mockRestore();
    }
  }));
});

describe.each(engines)("a transaction on %s whose writer thread ended", (engine) => {
  it("fails with its own error, not its rollback's", () => withWriterThread(engine, async (database, worker) => {
    const failed = database.onWriter(() => database.db.transaction().execute(async (trx) => {
      await insertLog(trx, ids("A", 2));
      await worker().terminate();
      throw new Error("the transaction's own cause");
    }));
    await expect(failed).rejects.toThrow("the transaction's own cause");
    await database.onWriter(() => database.db.transaction().execute((trx) => insertLog(trx, ids("B", 1))));
    expect(await eventIds(database)).toEqual(["B0"]);
  }));
});

describe.each(engines)("a call to the writer thread on %s", (engine) => {
  it("that cannot be sent fails with its own cause, not as the thread stopping, and the thread goes on", () => withWriterThread(engine, async (database) => {
    const write = (prefix: string, meanwhile = async (_trx: Transaction<Tables>) => {}) => database.onWriter(() => database.db.transaction().execute(async (trx) => {
      await insertLog(trx, ids(prefix, 2));
      await meanwhile(trx);
    }));
    await write("A");
    // A WeakMap cannot cross to a thread: postMessage throws before anything is sent.
    await expect(write("B", (trx) => sql`select ${sql.val(new WeakMap())}`.execute(trx).then(() => {}))).rejects.toThrow(/could not be cloned/);
    await write("C");
    expect(await eventIds(database)).toEqual(["A0", "A1", "C0", "C1"]);
  }));

  it("woken before its answer is there waits on for it: a wake is not an answer", () => withWriterThread(engine, async (database, _worker, signal) => {
    // The thread stores its answer's signal, then wakes the caller. Preempted between the two, its
    // wake for one call falls in the next, before that call's answer: so a bench's store build ended.
    // A thread of the test's own wakes the caller every millisecond while a slow statement runs.
    const slow = engine === "postgres" ? sql`select pg_sleep(0.3)` : sql`with recursive n(i) as (select 1 union all select i + 1 from n where i < 2000000) select count(*) from n`;
    const write = (prefix: string, meanwhile = async () => {}) => database.onWriter(() => database.db.transaction().execute(async (trx) => {
      await insertLog(trx, ids(prefix, 2));
      await meanwhile();
      await slow.execute(trx);
    }));
    await write("A");
    const waker = new Worker("const { workerData } = require('node:worker_threads'); setInterval(() => Atomics.notify(workerData, 0), 1);", { eval: true, workerData: signal() });
    try {
      await write("B");
    } finally {
      await waker.terminate();
    }
    await write("C");
    expect(await eventIds(database)).toEqual(["A0", "A1", "B0", "B1", "C0", "C1"]);
  }));
});

describe("SQLite's writer thread", () => {
  it("runs a transaction begun inside onWriter on a connection of its own", async () => {
    const database = openDatabase(await freshDatabaseUrl("sqlite"));
    const onThread = <T>(work: (trx: Transaction<Tables>) => Promise<T>) => database.onWriter(() => database.db.transaction().execute(work));
    // A temporary table exists only for the connection that made it.
    await onThread((trx) => sql`create temp table only_there (x integer)`.execute(trx));
    await expect(sql`select * from only_there`.execute(database.db)).rejects.toThrow(/no such table/);
    await expect(onThread((trx) => sql`select count(*) as n from only_there`.execute(trx))).resolves.toMatchObject({ rows: [{ n: 0 }] });
    await database.close();
  });

  it("runs a query on the event loop after the thread's write in progress, and it sees all of it", async () => {
    const database = openDatabase(await freshDatabaseUrl("sqlite"));
    await migrate(database);
    let wrote!: () => void;
    const written = new Promise<void>((resolve) => { wrote = resolve; });
    const write = database.onWriter(() => database.db.transaction().execute(async (trx) => {
      await insertLog(trx, ids("A", 600));
      wrote();
      await new Promise((resolve) => setTimeout(resolve, 50));
      await insertLog(trx, ids("B", 600));
    }));
    await written;
    expect(await count(database)).toBe(1_200);
    await write;
    await database.close();
  });

  it("begins a transaction while the one before commits, and returns each once its own commit is durable", async () => {
    const url = await freshDatabaseUrl("sqlite");
    const database = openDatabase(url);
    await migrate(database);
    const onThread = <T>(work: (trx: Transaction<Tables>) => Promise<T>) => database.onWriter(() => database.db.transaction().execute(work));
    const first = onThread((trx) => insertLog(trx, ids("A", 600)));
    const second = onThread((trx) => insertLog(trx, ids("B", 600)));
    await first;
    // Another connection, which waits for nothing, sees the first whole.
    const other = new SQLite(url.slice("sqlite:".length), { readonly: true });
    expect((other.prepare("select count(*) as n from log where event_id like 'A%'").get() as { n: number }).n).toBe(600);
    other.close();
    await second;
    expect(await count(database)).toBe(1_200);
    await database.close();
  });

  it("fails the transactions sent after a failed commit, keeps none of their rows, and goes on", async () => {
    const database = openDatabase(await freshDatabaseUrl("sqlite"));
    await migrate(database);
    const onThread = <T>(work: (trx: Transaction<Tables>) => Promise<T>) => database.onWriter(() => database.db.transaction().execute(work));
    // Neither waits for the thread, so the second is sent before the first's outcome is back.
    const first = onThread((trx) => insertLog(trx, [...ids("A", 600), "A7"])); // A7 again: unique
    const second = onThread((trx) => insertLog(trx, ids("B", 10)));
    await expect(first).rejects.toThrow(/UNIQUE/);
    await expect(second).rejects.toThrow(/UNIQUE/);
    expect(await count(database)).toBe(0);
    await onThread((trx) => insertLog(trx, ids("C", 3)));
    expect(await count(database)).toBe(3);
    await database.close();
  });

  it.each(places)("fails a transaction that SQLite ended itself (the disk is full) with SQLite's error, %s, and goes on", async (_where, aside) => {
    const database = openDatabase(await freshDatabaseUrl("sqlite"));
    await migrate(database);
    const transaction = transactionOf(aside);
    // A page limit on the connection running the transaction stands for a full disk.
    const write = transaction(database, async (trx) => {
      const pages = (await sql<{ page_count: number }>`pragma page_count`.execute(trx)).rows[0]!.page_count;
      await sql.raw(`pragma max_page_count = ${pages + 2}`).execute(trx);
      // One row a statement: SQLite then rolls back the whole transaction, not the statement alone.
      for (const id of ids("A", 2_000)) await insertLog(trx, [id]);
      await sql`select 1`.execute(trx); // the deferred inserts' failure arrives by now
    });
    await expect(write).rejects.toMatchObject({ code: "SQLITE_FULL" });
    expect(await count(database)).toBe(0);
    await transaction(database, async (trx) => {
      await sql`pragma max_page_count = 1073741823`.execute(trx);
      await insertLog(trx, ids("A", 3));
    });
    expect(await count(database)).toBe(3);
    await database.close();
  });

  it("lets a process end once its work is done, closed or not", () => {
    const path = join(mkdtempSync(join(tmpdir(), "anxin-thread-")), "anxin.db");
    const database = new URL("../dist/src/store/database.js", `file://${builtCli()}`).href;
    // The thread has answered, and the database is never closed.
    const script = `const { openDatabase } = await import(${JSON.stringify(database)});
      const { sql } = await import("kysely");
      const db = openDatabase(${JSON.stringify(`sqlite:${path}`)});
      const { rows } = await db.onWriter(() => db.db.transaction().execute((trx) => sql\`select 41 + 1 as answer\`.execute(trx)));
      console.log(rows[0].answer);`;
    const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", cwd: join(builtCli(), "..", ".."), timeout: 20_000 });
    expect({ status: run.status, stdout: run.stdout, stderr: run.stderr }).toEqual({ status: 0, stdout: "42\n", stderr: "" });
  });
});
