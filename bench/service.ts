// Service benchmarks: durable ingest through the HTTP API (single and batched) next to the
// engine's raw insert rate of the same rows; check latency under load; the deadline sweep.
// Run: npm run build && node dist/bench/service.js [--quick]
import { mkdtempSync } from "node:fs";
import { cpus, totalmem, tmpdir } from "node:os";
import { join } from "node:path";
import { eventRow } from "../src/service/log-rows.js";
import { Service } from "../src/service/service.js";
import { insertRows } from "../src/store/bulk.js";
import { openDatabase, type Tables } from "../src/store/database.js";
import { migrate } from "../src/store/migrations.js";
import { loadCatalogue } from "../src/store/catalogue-files.js";
import { validateEvent } from "../src/domain/events/validate.js";
import { formatInstant } from "../src/domain/time.js";
import { dropStore, freshUrl, startCluster } from "../tools/postgres-cluster.js";
import { spawnServe } from "../tools/serve-process.js";
import { latencyAt } from "./load.js";
import { postJson } from "./post.js";
import { useScratchDir } from "../tools/scratch.js";

useScratchDir("anxin-bench-");

const quick = process.argv.includes("--quick");
const phoneKey = "bench-phone-key-0123456789abcdef";

/**
 * A Beijing history of listings and showings entered at `enteredAt`. Ingest benchmarks date them
 * now, so that their deadlines lie ahead and the figure is ingest alone; the sweep dates them in
 * the past on purpose.
 */
function events(prefix: string, count: number, enteredAt = formatInstant(Date.now())): object[] {
  const out: object[] = [];
  const listings = Math.max(1, Math.floor(count / 20));
  for (let i = 0; i < listings; i++) {
    out.push({ id: `${prefix}-L${i}`, type: "listing.published", occurredAt: enteredAt, city: "beijing", brand: "lianjia", data: { listingId: `${prefix}-L${i}`, ownerId: `O${i}`, agentId: `A${i % 500}`, communityId: `C${i % 300}`, layout: "2室1厅", areaSqm: 81.1, askingPriceFen: 598_000_000 } });
  }
  for (let i = out.length; i < count; i++) {
    out.push({ id: `${prefix}-S${i}`, type: "showing.recorded", occurredAt: enteredAt, city: "beijing", brand: "lianjia", data: { showingId: `${prefix}-S${i}`, listingId: `${prefix}-L${i % listings}`, buyerId: `B${i}`, agentId: `A${i % 500}` } });
  }
  return out;
}

type TableRows = { table: keyof Tables; rows: object[] };
/** Fresh stores of one engine, and their removal. */
type Stores = { fresh(): Promise<string>; drop(url: string): Promise<void> };

/**
 * Seconds to insert each phase's rows into one fresh store of the engine, phase after phase,
 * opened as `anxin serve` opens it, by the statements the service uses (bulk.ts), so that a
 * baseline pays no query building ingest does not; each transaction takes the next 1,000 rows of
 * every table of the phase, as one batch writes its rows. On PostgreSQL, `copy: false` inserts by
 * multi-row inserts rather than COPY.
 * The store is dropped afterwards, so that PostgreSQL does not vacuum it while the checks' latency
 * is measured (it did: autovacuum workers on these stores ran in the check's windows).
 */
async function rawInsertSeconds(stores: Stores, phases: ReadonlyArray<readonly TableRows[]>, how: { copy?: boolean } = {}): Promise<number[]> {
  const url = await stores.fresh();
  const database = openDatabase(url, { backgroundCheckpoints: true });
  await migrate(database);
  const seconds: number[] = [];
  for (const tables of phases) {
    const longest = Math.max(...tables.map((t) => t.rows.length));
    const started = performance.now();
    for (let i = 0; i < longest; i += 1000) {
      await database.db.transaction().execute(async (trx) => {
        for (const { table, rows } of tables) await insertRows(trx, rows.slice(i, i + 1000), (row) => row, (values) => trx.insertInto(table).values(values as never), how);
      });
    }
    seconds.push((performance.now() - started) / 1000);
  }
  await database.close();
  await stores.drop(url);
  return seconds;
}

/** The log rows of these events, as the service writes them (log-rows.ts). */
function logRows(events: object[]): object[] {
  return events.map((e) => {
    const v = validateEvent(e, { phoneKey });
    if (!v.ok) throw new Error(JSON.stringify(v.rejection));
    return eventRow(v.event, v.event.at);
  });
}

/** Cold and steady: rates of a fresh process's first rows into a fresh store, and of as many more after them. */
type Rates = { cold: number; steady: number };

/**
 * The engine's own rate for the log rows into a fresh store, as batched ingest is measured (main):
 * `first`, then `then`, each timed. By multi-row inserts unless `copy` (PostgreSQL's COPY, which
 * the service uses for such rows).
 */
async function rawInsertRates(stores: Stores, first: object[], then: object[], copy = false): Promise<Rates> {
  const [cold, steady] = await rawInsertSeconds(stores, [[{ table: "log", rows: first }], [{ table: "log", rows: then }]], { copy });
  return { cold: first.length / cold!, steady: then.length / steady! };
}

/** The median of `times` measurements taken one after another. */
async function medianOf(times: number, measure: () => Promise<number>): Promise<number> {
  const values: number[] = [];
  for (let i = 0; i < times; i++) values.push(await measure());
  return values.sort((a, b) => a - b)[Math.floor(times / 2)]!;
}

/** Tables the ingest of this benchmark's events writes (listings and showings): the log and what the engine projects from it. */
const ingestTables = ["log", "obligations", "showings", "listing_days", "listings", "listing_prices", "daily_figures"] as const;

/**
 * Every row a batched ingest of two phases left in those tables, inserted again into a fresh store
 * as the ingest wrote them: each table's first half, then its second, timed, as the steady phase
 * is (main). The raw cost of storing all that the events wrote, without the API and the engine.
 * The second half's rows and seconds.
 */
async function rawRateOfAllRows(from: string, stores: Stores): Promise<{ rows: number; seconds: number }> {
  const source = openDatabase(from);
  // In the order written: the log by its numbers, the rest as stored (SQLite's rowid, PostgreSQL's heap of a fresh table).
  const dumped: TableRows[] = await Promise.all(ingestTables.map(async (table) => ({
    table, rows: await (table === "log" ? source.db.selectFrom("log").selectAll().orderBy("seq") : source.db.selectFrom(table).selectAll()).execute() as object[],
  })));
  await source.close();
  const half = (which: 0 | 1) => dumped.map(({ table, rows }) => ({ table, rows: which === 0 ? rows.slice(0, rows.length / 2) : rows.slice(rows.length / 2) }));
  const [, seconds] = await rawInsertSeconds(stores, [half(0), half(1)]);
  return { rows: half(1).reduce((sum, d) => sum + d.rows.length, 0), seconds: seconds! };
}

async function serve(url: string): Promise<{ base: string; key: string; stop(): Promise<void> }> {
  const server = await spawnServe({ ANXIN_DATABASE_URL: url, ANXIN_PHONE_KEY: phoneKey, ANXIN_LOG: "off" });
  return { base: server.base, key: server.apiKey!, stop: () => server.kill("SIGTERM") };
}

/**
 * Posts bodies serialised beforehand (the figure is the server's, not the client's
 * JSON.stringify) from `senders` concurrent clients, as an integrator's senders would; seconds taken.
 */
async function postAll(base: string, path: string, key: string, bodies: readonly string[], senders: number): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: senders }, async () => {
    while (next < bodies.length) await postJson(base, path, key, bodies[next++]!);
  }));
  return (performance.now() - started) / 1000;
}

const singleSenders = 16;
const batchSenders = 2;
/** Raw insert and batched ingest are measured in turn this many times; the median pair is reported. */
const pairs = quick ? 1 : 3;

async function ingestSingle(base: string, key: string, rows: object[]): Promise<number> {
  return rows.length / (await postAll(base, "/v1/events", key, rows.map((row) => JSON.stringify(row)), singleSenders));
}

/** The events as batches of 1,000, serialised. */
function batchBodies(rows: object[]): { events: number; bodies: string[] } {
  const bodies: string[] = [];
  for (let i = 0; i < rows.length; i += 1000) bodies.push(JSON.stringify({ events: rows.slice(i, i + 1000) }));
  return { events: rows.length, bodies };
}

async function ingestBatched(base: string, key: string, batches: { events: number; bodies: readonly string[] }): Promise<number> {
  return batches.events / (await postAll(base, "/v1/events/batch", key, batches.bodies, batchSenders));
}

/** 100,000 deadlines falling due at once, processed by one tick on SQLite. */
async function deadlineSweep(count: number): Promise<{ count: number; seconds: number }> {
  const loaded = loadCatalogue();
  if (!loaded.ok) throw new Error("catalogue");
  let now = Date.parse("2026-03-03T00:00:00+08:00");
  const database = openDatabase(`sqlite:${join(mkdtempSync(join(tmpdir(), "anxin-sweep-")), "anxin.db")}`, { backgroundCheckpoints: true });
  const service = new Service({ database, catalogue: loaded.catalogue, phoneKey, clock: { now: () => now } });
  await service.start();
  const rows = events("sweep", count + Math.floor(count / 19), "2026-03-02T15:20:00+08:00");
  for (let i = 0; i < rows.length; i += 1000) await service.submitBatch(rows.slice(i, i + 1000));
  now = Date.parse("2026-03-05T00:00:00+08:00");
  const started = performance.now();
  const processed = await service.tick();
  const seconds = (performance.now() - started) / 1000;
  await database.close();
  return { count: processed, seconds };
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

async function main(): Promise<void> {
  console.log(`machine: ${cpus()[0]?.model ?? "?"} × ${cpus().length}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}`);
  const cluster = await startCluster();
  try {
    const n = quick ? 10_000 : 50_000;
    const single = quick ? 1_000 : 4_000;
    const seconds = quick ? 3 : 10;
    console.log("\nengine     raw insert rows/s   HTTP batched ev/s  ratio   HTTP single ev/s  ratio   pre-call p50/p99 ms @500/s   pre-signing p50/p99 ms @500/s");
    for (const engine of ["sqlite", "postgres"] as const) {
      if (engine === "postgres" && cluster === null) { console.log("postgres   (PostgreSQL binaries not found: skipped)"); continue; }
      const stores: Stores = { fresh: () => freshUrl(engine, cluster?.url ?? null), drop: (url) => dropStore(url, cluster?.url ?? null) };
      // Raw insert and batched ingest in turn, `pairs` times, each into a fresh store: the ratio is
      // taken pair by pair, as replay's is, so that it holds when the shared machine's speed drifts
      // (one insert of 50,000 rows can land in a spell twice as fast as the next); the median pair
      // is reported. Each side is timed twice: its first n rows or events into its fresh store (the
      // service, in a fresh process, compiling its hot code meanwhile), and the next n, in steady
      // state, as a service that runs for days ingests. The last pair's server goes on to the
      // single events and the checks.
      const [rawFirst, rawThen] = [logRows(events("raw", n)), logRows(events("raw-then", n))];
      const rawCopy = engine === "postgres" ? await medianOf(3, async () => (await rawInsertRates(stores, rawFirst, rawThen, true)).steady) : null;
      const measured: Array<{ raw: Rates; batched: Rates }> = [];
      let served: { url: string; server: Awaited<ReturnType<typeof serve>> } | null = null;
      try {
        for (let i = 0; i < pairs; i++) {
          if (served !== null) {
            await served.server.stop();
            await stores.drop(served.url);
          }
          const raw = await rawInsertRates(stores, rawFirst, rawThen);
          const url = await stores.fresh();
          served = { url, server: await serve(url) };
          // Both phases' bodies made first, so that the server does not idle between them, as the raw inserts do not.
          const [first, then] = [batchBodies(events("batch", n)), batchBodies(events("batch-then", n))];
          const cold = await ingestBatched(served.server.base, served.server.key, first);
          measured.push({ raw, batched: { cold, steady: await ingestBatched(served.server.base, served.server.key, then) } });
        }
        const ratio = (m: (typeof measured)[number], when: keyof Rates) => m.batched[when] / m.raw[when];
        const median = (when: keyof Rates) => [...measured].sort((x, y) => ratio(x, when) - ratio(y, when))[Math.floor(pairs / 2)]!;
        const ratios = (when: keyof Rates) => measured.map((m) => `${(ratio(m, when) * 100).toFixed(0)}%`).join(", ");
        const steady = median("steady");
        const [raw, batched] = [steady.raw.steady, steady.batched.steady];
        const cold = median("cold");
        const { url, server } = served!;
        const everything = await rawRateOfAllRows(url, stores);
        const one = await ingestSingle(server.base, server.key, events("single", single));
        await postJson(server.base, "/v1/events", server.key, JSON.stringify({ id: "consent-1", type: "consent.granted", occurredAt: "2026-03-01T09:00:00+08:00", city: "wuhan", brand: "lianjia", data: { phone: "+8613800138000", scope: "marketing_calls", consumerId: "C5", channel: "app" } }));
        const call = await latencyAt(`${server.base}/v1/checks/pre-call`, server.key, { agentId: "A7", phone: "+8613800138000", purpose: "marketing", city: "wuhan" }, 500, seconds);
        const signing = await latencyAt(`${server.base}/v1/checks/pre-signing`, server.key, { dealId: "D1", city: "suzhou" }, 500, seconds);
        const ms = (l: typeof call) => `${l.p50.toFixed(1)} / ${l.p99.toFixed(1)}`;
        console.log(`${engine.padEnd(10)} ${fmt(raw).padStart(17)}   ${fmt(batched).padStart(17)}  ${(batched / raw * 100).toFixed(0).padStart(4)}%   ${fmt(one).padStart(16)}  ${(one / raw * 100).toFixed(1).padStart(5)}%   ${ms(call).padStart(26)}   ${ms(signing).padStart(29)}`);
        console.log(`  raw insert and batched ingest measured in turn, ${pairs} pair(s), each into a fresh store, in steady state (${fmt(n)} rows or events after the first ${fmt(n)}): ${ratios("steady")}; the median pair above`);
        console.log(`  the first ${fmt(n)} of each into its fresh store (the service in a fresh process, the raw inserts here): raw ${fmt(cold.raw.cold)} rows/s, batched ingest ${fmt(cold.batched.cold)} events/s, ${(ratio(cold, "cold") * 100).toFixed(0)}% (pairs ${ratios("cold")})`);
        if (rawCopy !== null) console.log(`  the same log rows by COPY, as the service writes them (median of three): ${fmt(rawCopy)} rows/s; batched ingest at ${(batched / rawCopy * 100).toFixed(0)}% of that`);
        const rawEvents = n / everything.seconds;
        console.log(`  every row the batched ingest wrote (log and projections), inserted raw into a fresh store, its first half and then, timed, its second (${fmt(everything.rows)} rows, ${(everything.rows / n).toFixed(1)} an event)${engine === "postgres" ? " by COPY" : ""}: ${fmt(everything.rows / everything.seconds)} rows/s = ${fmt(rawEvents)} events/s; batched ingest at ${(batched / rawEvents * 100).toFixed(0)}% of that`);
        console.log(`  (ingest: batches of 1,000 from ${batchSenders} senders, single events from ${singleSenders}; checks: load from ${call.generator}, ${fmt(call.requestsPerSecond)} and ${fmt(signing.requestsPerSecond)} requests/s reached${call.failures + signing.failures > 0 ? `, ${call.failures + signing.failures} failed` : ""})`);
      } finally {
        await served?.server.stop();
      }
    }
    const sweep = await deadlineSweep(quick ? 10_000 : 100_000);
    console.log(`\ndeadline sweep (SQLite): ${fmt(sweep.count)} deadlines falling due at once processed in ${sweep.seconds.toFixed(2)} s (${fmt(sweep.count / sweep.seconds)} /s; target: 100,000 in under 10 s)`);
  } finally {
    cluster?.stop();
  }
}

await main();
