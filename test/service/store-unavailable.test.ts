// When the store cannot take a write (SQLite's disk full; PostgreSQL taking no writes, as a standby
// after a failover, its connections cut), the integrator is told to send it again: 503 with a code
// and Retry-After, nothing applied, and the same events accepted afresh once the store is back. A
// PostgreSQL that stops answering is given up within a bound, rather than holding requests.
import { readFileSync } from "node:fs";
import { sql } from "kysely";
import pg from "pg";
import type { Worker } from "node:worker_threads";
import { describe, expect, it, vi } from "vitest";
import { Thread } from "../../src/store/writer-thread.js";
import type { Running } from "../support/service.js";
import { startApp } from "../support/service.js";
import { engines } from "../support/engines.js";
import { ev, listing } from "../support/scenario.js";

const showings = Array.from({ length: 300 }, (_, i) => ev("showing.recorded", "2026-03-01T10:00:00+08:00", { showingId: `S${i}`, listingId: "L1", buyerId: `B${i}`, agentId: "A7" }, { id: `show-${i}` }));

/** Makes the store refuse writes, or take them again. */
async function refuseWrites(app: Running, engine: string, refuse: boolean): Promise<void> {
  if (engine === "sqlite") {
    // A page limit on the service's connections stands for a full disk: the event loop's, and the
    // writer thread's, which writes batches.
    const { database } = app.service;
    const pages = (await sql<{ page_count: number }>`pragma page_count`.execute(database.db)).rows[0]!.page_count;
    const limit = sql.raw(`pragma max_page_count = ${refuse ? pages : 1_073_741_823}`);
    await limit.execute(database.db);
    await database.onWriter(() => database.db.transaction().execute((trx) => limit.execute(trx)));
    return;
  }
  const admin = new pg.Client({ connectionString: app.databaseUrl });
  await admin.connect();
  await admin.query("set default_transaction_read_only = off"); // this session is the way back
  const name = (await admin.query<{ name: string }>("select current_database() as name")).rows[0]!.name;
  await admin.query(`alter database ${name} set default_transaction_read_only = ${refuse ? "on" : "off"}`);
  // The pool's connections are cut (waiting until they are gone); those it opens next have the setting.
  await admin.query("select pg_terminate_backend(pid, 5000) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()");
  await admin.end();
}

/** Refuses a batch while the store takes no writes (503, nothing kept), and takes it whole once back. */
async function refusedThenAccepted(app: Running, engine: string): Promise<void> {
  expect((await app.call("POST", "/v1/events", listing("L1"))).status).toBe(202);
  await refuseWrites(app, engine, true);
  const refused = await fetch(`${app.base}/v1/events/batch`, { method: "POST", headers: { authorization: `Bearer ${app.apiKey}`, "content-type": "application/json" }, body: JSON.stringify({ events: showings }) });
  expect(refused.status).toBe(503);
  expect(refused.headers.get("retry-after")).toBe("5");
  expect(await refused.json()).toMatchObject({ code: "store_unavailable", field: "" });
  await refuseWrites(app, engine, false);
  const again = await app.call("POST", "/v1/events/batch", { events: showings });
  expect(again.status).toBe(200);
  expect(again.body).toMatchObject({ accepted: 300, duplicates: 0, rejected: 0 });
  const logged = await app.service.database.db.selectFrom("log").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow();
  expect(Number(logged.n)).toBe(1 + 300);
}

describe.each(engines)("a store that cannot take writes, on %s", (engine) => {
  it("answers 503 store_unavailable with Retry-After, applies nothing, and takes the same batch when back", async () => {
    const app = await startApp(engine);
    try {
      await refusedThenAccepted(app, engine);
    } finally {
      await app.close();
    }
  });
});

describe.each(engines)("checks after a write the store refused, on %s", (engine) => {
  it("are answered 503 rebuilding, not from what the refused write applied, until the engine is rebuilt from the log", async () => {
    const app = await startApp(engine);
    const consent = ev("consent.granted", "2026-03-01T08:00:00+08:00", { phone: "+8613800138000", scope: "marketing_calls", consumerId: "C5", channel: "app" }, { city: "wuhan" });
    const check = async () => {
      const answer = await fetch(`${app.base}/v1/checks/pre-call`, { method: "POST", headers: { authorization: `Bearer ${app.apiKey}`, "content-type": "application/json" }, body: JSON.stringify({ agentId: "A7", phone: "+8613800138000", purpose: "marketing", city: "wuhan" }) });
      return { status: answer.status, retryAfter: answer.headers.get("retry-after"), body: await answer.json() };
    };
    try {
      expect((await app.call("POST", "/v1/events", listing("L1"))).status).toBe(202);
      await refuseWrites(app, engine, true);
      // The engine applied the consent before the store refused the batch: the log has no consent.
      expect((await app.call("POST", "/v1/events/batch", { events: [consent, ...showings] })).body).toMatchObject({ code: "store_unavailable" });
      expect(await check()).toMatchObject({ status: 503, retryAfter: "5", body: { code: "rebuilding", field: "" } });
      await refuseWrites(app, engine, false);
      await app.service.sweep(); // the next write rebuilds the engine from the log
      expect((await check()).body).toMatchObject({ decision: "deny" });
      expect((await app.call("POST", "/v1/events/batch", { events: [consent, ...showings] })).body).toMatchObject({ accepted: 301 });
      expect((await check()).body).toMatchObject({ decision: "allow" });
    } finally {
      await app.close();
    }
  });
});

describe.each(engines)("a writer thread that ended, on %s", (engine) => {
  it("is replaced by the next batch, which is accepted whole", async () => {
    const app = await startApp(engine);
    const begun = vi.spyOn(Thread.prototype, "begin");
    try {
      expect((await app.call("POST", "/v1/events", listing("L1"))).status).toBe(202);
      expect((await app.call("POST", "/v1/events/batch", { events: showings.slice(0, 100) })).status).toBe(200);
      // As a crash would end it; a batch's statements are then sent to a new thread.
      await (begun.mock.contexts.at(-1) as unknown as { worker: Worker }).worker.terminate();
      const again = await app.call("POST", "/v1/events/batch", { events: showings });
      expect(again).toMatchObject({ status: 200, body: { accepted: 200, duplicates: 100, rejected: 0 } });
      expect(new Set(begun.mock.contexts).size).toBe(2);
      const logged = await app.service.database.db.selectFrom("log").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow();
      expect(Number(logged.n)).toBe(1 + 300);
    } finally {
      begun.mockRestore();
      await app.close();
    }
  });
});

describe.skipIf(!engines.includes("postgres"))("a PostgreSQL connection cut while in use", () => {
  it("fails the statement it was running, and the process and the service go on", async () => {
    const app = await startApp("postgres");
    try {
      // The connection of this transaction is the one cut: the server ends its own backend.
      const cut = app.service.database.db.transaction().execute((trx) => sql`select pg_terminate_backend(pg_backend_pid())`.execute(trx));
      await expect(cut).rejects.toThrow();
      expect((await app.call("POST", "/v1/events", listing("L1"))).status).toBe(202);
    } finally {
      await app.close();
    }
  });
});

describe.skipIf(!engines.includes("postgres"))("a PostgreSQL server that stops answering", () => {
  it("has a read answered 503 within the bound, not held, and the next read answered once it is back", async (context) => {
    const answerWithinMs = 1_000;
    const app = await startApp("postgres", { answerWithinMs });
    const admin = new pg.Client({ connectionString: app.databaseUrl });
    await admin.connect();
    let stopped: number[] = [];
    try {
      expect((await app.call("GET", "/v1/events/rejected")).status).toBe(200);
      // Every backend of the service's (its pool's idle connections among them); not the server,
      // which would open a new connection: the read is given one that stopped answering.
      stopped = (await admin.query<{ pid: number }>("select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()")).rows.map((r) => r.pid);
      if (stopped.length === 0 || !readFileSync(`/proc/${stopped[0]}/cmdline`, "utf8").startsWith("postgres")) return context.skip();
      for (const pid of stopped) process.kill(pid, "SIGSTOP");
      const asked = performance.now();
      const read = await app.call("GET", "/v1/events/rejected");
      const waited = performance.now() - asked;
      expect(read).toMatchObject({ status: 503, body: { code: "store_unavailable" } });
      expect(waited).toBeGreaterThanOrEqual(answerWithinMs * 0.9);
      expect(waited).toBeLessThan(answerWithinMs + 5_000);
      for (const pid of stopped.splice(0)) process.kill(pid, "SIGCONT");
      expect((await app.call("GET", "/v1/events/rejected")).status).toBe(200);
      expect((await app.call("POST", "/v1/events", listing("L1"))).status).toBe(202);
    } finally {
      for (const pid of stopped) process.kill(pid, "SIGCONT");
      await admin.end();
      await app.close();
    }
  }, 60_000);
});
