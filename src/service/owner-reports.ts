// Weekly owner reports: after each business week (Monday 00:00 to Monday 00:00, Asia/Shanghai),
// a report for every listing active in it, kept for its owner. Durable: weeks missed while the
// service was down are generated on the first tick after start, each once.
//
// A city's week (113,403 reports at scale 1.0) takes seconds to read and build. That is done on a
// thread of its own, from a connection of its own (owner-reports-worker.ts), from what is
// committed: the week is over. The service inserts the reports a part per write, so that neither
// its event loop nor its other writes wait for the whole run.
import { on, once } from "node:events";
import { Worker } from "node:worker_threads";
import type { Kysely, Transaction } from "kysely";
import { businessDate, msPerDay, startOfBusinessWeek, type Instant } from "../domain/time.js";
import { openableOnThread, type Database, type Tables } from "../store/database.js";
import { chunks } from "../store/bulk.js";
import { listingReports } from "../store/reports/listing.js";
import { workerModule } from "../store/worker-module.js";
import { listingReportView } from "../domain/reports/listing.js";

export const weeklyReportSchedule = "owner-weekly-reports";
const week = 7 * msPerDay;

/** Runs `work` as one of the service's writes, in its transaction (Replica.write). */
export type Write = (work: (trx: Transaction<Tables>) => Promise<void>) => Promise<void>;

/** A week's reports as rows of owner_reports. */
export type ReportRow = { listing_id: string; week_start: string; owner_id: string; body: string };

/** What the thread is asked: the weeks starting at `weeks`, read at `url`, posted `perPart` reports at a time. */
export interface WeeksTask { url: string; weeks: Instant[]; perPart: number }
/** What it posts, in order: each week's parts, then that the week is whole. */
export type WeeksMessage = { week: Instant; rows: ReportRow[] } | { week: Instant; whole: true };

/**
 * Generates the reports of every week that has ended since the last run: how many reports, and
 * when the next week ends (no run before then has anything to do). A week is marked done once
 * all its reports are in; a run stopped part-way does it again, each report kept once.
 */
export async function runWeeklyReports(database: Database, write: Write, now: Instant, options: { reportsPerWrite?: number } = {}): Promise<{ generated: number; nextAt: Instant }> {
  const due = await dueWeeks(database.db, now);
  if (due === null) {
    // The first week reported is the one running when the service first ticked.
    const first = startOfBusinessWeek(now);
    await write(async (trx) => {
      await trx.insertInto("schedules").values({ name: weeklyReportSchedule, done_until: first }).onConflict((oc) => oc.column("name").doNothing()).execute();
    });
    return { generated: 0, nextAt: first + week };
  }
  if (due.weeks.length === 0) return { generated: 0, nextAt: due.doneUntil + week };
  const lease = await leased(write, now);
  if (lease === null) return { generated: 0, nextAt: now + leaseMs };
  try {
    // Read again under the lease: another process may have done them since.
    const { weeks, doneUntil } = (await dueWeeks(database.db, now))!;
    return { generated: await generate(database, write, weeks, options.reportsPerWrite ?? 1_000), nextAt: doneUntil + week };
  } finally {
    await write(async (trx) => {
      await trx.deleteFrom("schedules").where("name", "=", runSchedule).where("done_until", "=", lease).execute();
    });
  }
}

/** The weeks ended and not yet done, and until when they will be done; null before the first run. */
async function dueWeeks(db: Kysely<Tables>, now: Instant): Promise<{ weeks: Instant[]; doneUntil: Instant } | null> {
  const schedule = await db.selectFrom("schedules").select("done_until").where("name", "=", weeklyReportSchedule).executeTakeFirst();
  if (schedule === undefined) return null;
  const weeks: Instant[] = [];
  let from = Number(schedule.done_until);
  for (; from + week <= now; from += week) weeks.push(from);
  return { weeks, doneUntil: from };
}

/** While a run is under way, its lease's end (business time): processes sharing a store run each week once, not each. */
const runSchedule = `${weeklyReportSchedule}/run`;
/**
 * Far longer than a city's week takes (seconds), and short, for a process stopped in a run holds
 * it till then. A run longer (months of weeks missed) may be joined by another: each report is still kept once.
 */
const leaseMs = 10 * 60_000;

/** The run's lease if no other process holds one; the upsert takes it in one statement, so that two never both do. */
async function leased(write: Write, now: Instant): Promise<Instant | null> {
  const until = now + leaseMs;
  let taken = false;
  await write(async (trx) => {
    const result = await trx.insertInto("schedules").values({ name: runSchedule, done_until: until })
      .onConflict((oc) => oc.column("name").doUpdateSet({ done_until: until }).where("schedules.done_until", "<=", now)).executeTakeFirst();
    taken = Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  });
  return taken ? until : null;
}

/** Inserts the weeks' reports, a part per write, and marks each week done once all of it is in. */
async function generate(database: Database, write: Write, weeks: Instant[], perPart: number): Promise<number> {
  let generated = 0;
  // A part's write takes about as long as a batch of 1,000 events' (on SQLite it holds the event loop).
  for await (const message of weeksBuilt(database, weeks, perPart)) {
    if ("rows" in message) {
      await write(async (trx) => {
        for (const rows of chunks(message.rows)) {
          await trx.insertInto("owner_reports").values(rows).onConflict((oc) => oc.columns(["listing_id", "week_start"]).doNothing()).execute();
        }
      });
      generated += message.rows.length;
      continue;
    }
    // Never back: another process may have done later weeks meanwhile.
    const to = message.week + week;
    await write(async (trx) => {
      await trx.updateTable("schedules").set({ done_until: to }).where("name", "=", weeklyReportSchedule).where("done_until", "<", to).execute();
    });
  }
  return generated;
}

/** Reads and builds the weeks' reports, a week at a time: its parts, then that it is whole. */
export async function* weekParts(db: Kysely<Tables>, weeks: readonly Instant[], perPart: number): AsyncGenerator<WeeksMessage> {
  for (const from of weeks) {
    const reports = [...(await listingReports(db, { from, to: from + week })).values()];
    const rows = reports.map((r) => ({
      listing_id: r.listing.listingId, week_start: businessDate(from), owner_id: r.listing.ownerId, body: JSON.stringify(listingReportView(r)),
    }));
    for (let i = 0; i < rows.length; i += perPart) yield { week: from, rows: rows.slice(i, i + perPart) };
    yield { week: from, whole: true };
  }
}

/** The weeks' reports, a part at a time, built on a thread of their own; here if the store lives only on this connection. */
async function* weeksBuilt(database: Database, weeks: Instant[], perPart: number): AsyncGenerator<WeeksMessage> {
  if (weeks.length === 0) return;
  if (!openableOnThread(database)) {
    yield* weekParts(database.db, weeks, perPart);
    return;
  }
  const task: WeeksTask = { url: database.url, weeks, perPart };
  const worker = new Worker(workerModule(import.meta.url, "owner-reports-worker"), { workerData: task, execArgv: [] });
  // An error on the thread ends the iteration with it. Its exit comes after every message it
  // posted: said as one more, it ends an iteration still waiting for the rest.
  worker.once("exit", (code) => worker.emit("message", { exited: code }));
  let whole = 0;
  try {
    for await (const [message] of on(worker, "message") as AsyncIterableIterator<[WeeksMessage | { exited: number }]>) {
      if ("exited" in message) throw new Error(`the owners' reports thread ended (code ${message.exited}) before it was done`);
      yield message;
      worker.postMessage("taken");
      if ("whole" in message && ++whole === weeks.length) break;
    }
  } finally {
    // Done, it closes its connection and ends (it waits for the last "taken": its exit is still to come); given up, it is ended here.
    if (whole === weeks.length) await once(worker, "exit");
    else await worker.terminate();
  }
}
