// Report queries on a simulated city-year store: a Beijing year (anxin simulate, seed 7) ingested
// through the service in process, day by day with the clock following, on SQLite and PostgreSQL;
// then each report timed (median of several runs) beside reading every row of the table it summarises,
// and the service's start on the store, which replays its log, beside reading and parsing the log.
// Run: npm run build && node dist/bench/reports.js [--quick] [--scale S] [--engine sqlite|postgres] [--keep PATH | --store PATH]
import { existsSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { isAbsolute } from "node:path";
import { dataDir } from "../src/cli/simulate.js";
import { businessDate, parseInstant } from "../src/domain/time.js";
import { Service } from "../src/service/service.js";
import { runWeeklyReports, weeklyReportSchedule, type Write } from "../src/service/owner-reports.js";
import { loadCatalogue } from "../src/store/catalogue-files.js";
import { openDatabase, type Database } from "../src/store/database.js";
import { isStoreUnavailable } from "../src/store/unavailable.js";
import { fulfilmentReport } from "../src/store/reports/fulfilment.js";
import { fundsSafetyReport } from "../src/store/reports/funds-safety.js";
import { listingReports } from "../src/store/reports/listing.js";
import { overdueReport, scorecardReport } from "../src/store/reports/scorecard.js";
import { loadListings } from "../src/simulator/listings-data.js";
import { Simulation } from "../src/simulator/world.js";
import { dropStore, freshUrl, startCluster } from "../tools/postgres-cluster.js";
import { useScratchDir } from "../tools/scratch.js";

useScratchDir("anxin-bench-");

const quick = process.argv.includes("--quick");
const scaleArg = process.argv.indexOf("--scale");
const scale = scaleArg > 0 ? Number(process.argv[scaleArg + 1]) : quick ? 0.002 : 0.02;
const runs = quick ? 3 : 7;
/** `--engine sqlite|postgres`: one engine's store alone (at scale 1.0 each takes an hour or more to build). */
const engineArg = process.argv.indexOf("--engine");
const only = engineArg > 0 ? process.argv[engineArg + 1] : undefined;
if (only !== undefined && only !== "sqlite" && only !== "postgres") throw new Error("--engine is sqlite or postgres");
/** `--keep PATH`: SQLite's store is built at PATH and left there, for queries of one's own (a city-year takes hours to build). */
const keepArg = process.argv.indexOf("--keep");
const keep = keepArg > 0 ? process.argv[keepArg + 1] : undefined;
if (keep !== undefined && (only !== "sqlite" || !isAbsolute(keep) || existsSync(keep))) throw new Error("--keep takes an absolute path where no file is, with --engine sqlite");
/** `--store PATH`: a store kept by `--keep` (of the same scale) is measured again, not built. */
const storeArg = process.argv.indexOf("--store");
const kept = storeArg > 0 ? process.argv[storeArg + 1] : undefined;
if (kept !== undefined && (only !== "sqlite" || !isAbsolute(kept) || !existsSync(kept) || keep !== undefined)) throw new Error("--store takes the absolute path of a kept store, with --engine sqlite and without --keep");
/** Tables larger than this (at scale 1.0: obligations, listing_days) are not read whole as a floor. */
const floorRowsAtMost = 1_000_000;

const loaded = loadCatalogue();
if (!loaded.ok) throw new Error("the bundled catalogue does not load");
const catalogue = loaded.catalogue;

const phoneKey = "bench-phone-key-0123456789abcdef";
/** The clock at the end of the year the store holds. */
const yearEnd = parseInstant("2025-12-31T23:59:00+08:00")!;

/** Ingests a simulated Beijing year day by day; the clock stands at each day's end, then ticks. */
async function buildStore(database: Database): Promise<{ events: number; seconds: number }> {
  let now = parseInstant("2025-01-01T00:00:00+08:00")!;
  const service = new Service({ database, catalogue, phoneKey, clock: { now: () => now } });
  const started = performance.now();
  await service.start();
  const simulation = new Simulation({ city: "beijing", brand: "lianjia", days: 365, seed: 7, scale, start: "2025-01-01" }, loadListings(dataDir()));
  let events = 0;
  for (const day of simulation.days()) {
    for (const event of day) now = Math.max(now, parseInstant(event.occurredAt)!);
    for (let i = 0; i < day.length; i += 1_000) await resent(() => service.submitBatch(day.slice(i, i + 1_000)));
    await resent(() => service.tick());
    events += day.length;
  }
  return { events, seconds: (performance.now() - started) / 1000 };
}

/**
 * A write the store could not take (its writer thread ended, say) sent again, as an integrator
 * would on a 503: the events' ids make a resend safe. What went wrong is said, not hidden.
 */
async function resent<T>(write: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      if (!isStoreUnavailable(error) || attempt === 3) throw error;
      console.log(`(the store could not take a write, sent again: ${(error as Error).message})`);
    }
  }
}

const turn = () => new Promise((resolve) => setTimeout(resolve, 10));

/** A run that times itself, leaving out what it does around the query (the weekly run's turns of the loop). */
type Timed = { ms: number };

/** The median time of `run`, each run after `before` (untimed). */
async function median(run: () => Promise<unknown>, before?: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    await before?.();
    const started = performance.now();
    const result = await run();
    times.push(typeof result === "object" && result !== null && "ms" in result ? (result as Timed).ms : performance.now() - started);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
}

const year = { from: parseInstant("2025-01-01T00:00:00+08:00")!, to: parseInstant("2026-01-01T00:00:00+08:00")! };
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

/**
 * A restart of the service on the store: its start replays the whole log, read and parsed on a
 * thread while the engine applies (service/log-reader.ts; the service does so from 100,000 rows,
 * here at any size), then in its first write, as a short log is. Beside them, the floor: every log
 * row read and its event parsed, here.
 */
async function restarts(url: string): Promise<void> {
  for (const [how, readLogOnThreadFrom] of [["log read on a thread", 1], ["log read in its first write", Number.POSITIVE_INFINITY]] as const) {
    const database = openDatabase(url);
    try {
      const service = new Service({ database, catalogue, phoneKey, clock: { now: () => yearEnd }, readLogOnThreadFrom });
      const started = performance.now();
      const { replayed } = await service.start();
      const seconds = (performance.now() - started) / 1000;
      console.log(`start, ${how}: ${fmt(replayed)} log rows replayed in ${seconds.toFixed(1)} s, ${fmt(replayed / seconds)} rows/s (RSS ${(process.memoryUsage().rss / 2 ** 30).toFixed(2)} GiB)`);
    } finally {
      await database.close();
    }
  }
  const database = openDatabase(url);
  try {
    const started = performance.now();
    let rows = 0;
    for (let after = 0; ;) {
      const page = await database.db.selectFrom("log").select(["seq", "kind", "at", "received_at", "body"]).where("seq", ">", after).orderBy("seq").limit(5_000).execute();
      if (page.length === 0) break;
      for (const row of page) if (row.body !== null) JSON.parse(row.body);
      rows += page.length;
      after = Number(page.at(-1)!.seq);
    }
    const seconds = (performance.now() - started) / 1000;
    console.log(`floor, the log read and parsed here: ${fmt(rows)} rows in ${seconds.toFixed(1)} s, ${fmt(rows / seconds)} rows/s`);
  } finally {
    await database.close();
  }
}

async function benchEngine(engine: "sqlite" | "postgres", adminUrl: string | null): Promise<void> {
  const url = keep !== undefined ? `sqlite:${keep}` : kept !== undefined ? `sqlite:${kept}` : await freshUrl(engine, adminUrl);
  const database = openDatabase(url);
  try {
    const built = kept === undefined ? await buildStore(database) : null;
    const db = database.db;
    type Table = "claims" | "daily_figures" | "obligations" | "postings" | "listing_days" | "listings";
    const count = async (table: Table) => Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow()).n);
    // The floor a report is measured against: reading every row of the table it summarises.
    const readAll = (table: Table) => () => db.selectFrom(table).selectAll().execute();
    const sizes = { claims: await count("claims"), obligations: await count("obligations"), listings: await count("listings"), listing_days: await count("listing_days"), postings: await count("postings"), daily_figures: await count("daily_figures") };
    console.log(`${engine}: ${built === null ? `the store at ${kept}` : `${fmt(built.events)} events ingested in ${built.seconds.toFixed(0)} s`}; ${Object.entries(sizes).map(([t, n]) => `${t} ${fmt(n)}`).join(", ")}`);
    const month = { from: year.to - 30 * 86_400_000, to: year.to };
    // A listing on the market over the last 30 days, with the most same-layout neighbours.
    const sample = (await db.selectFrom("listings as l").innerJoin("listings as n", (j) => j.onRef("n.community_id", "=", "l.community_id").onRef("n.layout", "=", "l.layout"))
      .select("l.listing_id").where("l.delisted_at", "is", null).where("n.delisted_at", "is", null)
      .groupBy("l.listing_id").orderBy((eb) => eb.fn.countAll(), "desc").orderBy("l.listing_id").limit(1).executeTakeFirstOrThrow()).listing_id;
    const week = { from: parseInstant("2025-06-02T00:00:00+08:00")!, to: parseInstant("2025-06-09T00:00:00+08:00")! };
    const doneUntil = (await db.selectFrom("schedules").select("done_until").where("name", "=", weeklyReportSchedule).executeTakeFirstOrThrow()).done_until;
    const weekly = { generated: 0, writes: 0, longestWriteMs: 0, heldMs: 0 };
    /** The weekly run's writes, each timed: how long it holds every other write. */
    const write: Write = async (work) => {
      const started = performance.now();
      await db.transaction().execute(work);
      weekly.writes++;
      weekly.longestWriteMs = Math.max(weekly.longestWriteMs, performance.now() - started);
    };
    const floor = (table: Table) => [`read all ${table}`, readAll(table), sizes[table]] as const;
    const queries: Array<[string, () => Promise<unknown>, ...ReturnType<typeof floor>, (() => Promise<unknown>)?]> = [
      ["fulfilment, year by month", () => fulfilmentReport(db, year, "month"), ...floor("claims")],
      ["scorecard, year by month", () => scorecardReport(db, year, "month"), ...floor("obligations")],
      ["funds safety, year", () => fundsSafetyReport(db, year), ...floor("postings")],
      ["overdue complaints, live", () => overdueReport(db, year.to, { scope: { brands: ["*"], cities: ["*"] } }, 100), ...floor("daily_figures")],
      ["listing report, 30 days", () => listingReports(db, { listingIds: [sample], ...month }), ...floor("listings")],
      ["weekly reports, all listings", async (): Promise<Timed> => {
        weekly.writes = 0;
        const held = monitorEventLoopDelay({ resolution: 5 });
        held.enable();
        await turn(); // its timer starts on a turn of the loop, and sees a hold once the loop turns after it
        const started = performance.now();
        weekly.generated = (await runWeeklyReports(database, write, week.to)).generated;
        const ms = performance.now() - started;
        await turn();
        held.disable();
        weekly.heldMs = Math.max(weekly.heldMs, held.max / 1e6);
        return { ms };
      }, ...floor("listing_days"), async () => {
        // Every run does the whole week again.
        await db.transaction().execute(async (trx) => {
          await trx.deleteFrom("owner_reports").where("week_start", "=", businessDate(week.from)).execute();
          await trx.updateTable("schedules").set({ done_until: week.from }).where("name", "=", weeklyReportSchedule).execute();
        });
      }],
    ];
    console.log("report                              median ms   baseline                 ms    ratio");
    for (const [name, query, baseline, base, rows, before] of queries) {
      const ms = await median(query, before);
      // A table of millions of rows read whole into memory seven times is a test of the heap, not a floor.
      if (rows > floorRowsAtMost) {
        console.log(`${name.padEnd(34)} ${ms.toFixed(1).padStart(10)}   ${`(${fmt(rows)} rows: not read)`.padEnd(36)}`);
        continue;
      }
      const baseMs = await median(base);
      console.log(`${name.padEnd(34)} ${ms.toFixed(1).padStart(10)}   ${baseline.padEnd(22)} ${baseMs.toFixed(1).padStart(6)}  ${(ms / baseMs).toFixed(1).padStart(6)}×`);
    }
    await db.updateTable("schedules").set({ done_until: doneUntil }).where("name", "=", weeklyReportSchedule).execute();
    console.log(`(the weekly run wrote ${fmt(weekly.generated)} reports for the week from 2025-06-02 in ${weekly.writes} writes; over the runs the longest write took ${weekly.longestWriteMs.toFixed(1)} ms and the event loop was held at most ${weekly.heldMs.toFixed(1)} ms; the listing report is ${sample}'s)`);
    await restarts(url);
  } finally {
    await database.close();
    // At scale 1.0 a store takes tens of gigabytes: the next engine's needs the room.
    if (keep === undefined && kept === undefined) await dropStore(url, adminUrl);
    else console.log(`(the store is kept at ${keep ?? kept})`);
  }
}

console.log(`machine: ${cpus()[0]?.model ?? "?"} × ${cpus().length}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}`);
console.log(`report queries on a simulated Beijing year at scale ${scale}, median of ${runs} runs, beside reading every row of the table each summarises`);
const cluster = only === "sqlite" ? null : await startCluster();
try {
  if (only !== "postgres") await benchEngine("sqlite", null);
  if (only !== "sqlite") {
    if (cluster === null) console.log("postgres: PostgreSQL binaries not found, skipped");
    else await benchEngine("postgres", cluster.url);
  }
} finally {
  cluster?.stop();
}
