// Weekly owner reports: after each business week (Monday 00:00 to Monday 00:00, Asia/Shanghai),
// a report for every listing active in it, kept for its owner. Durable: weeks missed while the
// service was down are generated on the first tick after start, each once.
import type { Transaction } from "kysely";
import { businessDate, msPerDay, startOfBusinessWeek, type Instant } from "../domain/time.js";
import type { Tables } from "../store/database.js";
import { chunks } from "../store/bulk.js";
import { listingReports } from "../store/reports/listing.js";
import { listingReportView } from "../domain/reports/listing.js";

export const weeklyReportSchedule = "owner-weekly-reports";
const week = 7 * msPerDay;

/**
 * Generates the reports of every week that has ended since the last run: how many reports, and
 * when the next week ends (no run before then has anything to do).
 */
export async function runWeeklyReports(trx: Transaction<Tables>, now: Instant): Promise<{ generated: number; nextAt: Instant }> {
  const schedule = await trx.selectFrom("schedules").select("done_until").where("name", "=", weeklyReportSchedule).executeTakeFirst();
  if (schedule === undefined) {
    // The first week reported is the one running when the service first ticked.
    await trx.insertInto("schedules").values({ name: weeklyReportSchedule, done_until: startOfBusinessWeek(now) }).execute();
    return { generated: 0, nextAt: startOfBusinessWeek(now) + week };
  }
  let generated = 0;
  let from = Number(schedule.done_until);
  for (; from + week <= now; from += week) {
    const reports = await listingReports(trx, { from, to: from + week });
    for (const rows of chunks([...reports.values()])) {
      await trx.insertInto("owner_reports").values(rows.map((r) => ({
        listing_id: r.listing.listingId, week_start: businessDate(from), owner_id: r.listing.ownerId, body: JSON.stringify(listingReportView(r)),
      }))).onConflict((oc) => oc.columns(["listing_id", "week_start"]).doNothing()).execute();
    }
    generated += reports.size;
  }
  if (from !== Number(schedule.done_until)) await trx.updateTable("schedules").set({ done_until: from }).where("name", "=", weeklyReportSchedule).execute();
  return { generated, nextAt: from + week };
}
