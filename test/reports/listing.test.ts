// The owner's listing report: views, followers and showings against the average of listings of the
// same layout in the same community ("460 views, community average 15"), promotions, the weekly
// progress and 48-hour feedback standards, asking prices against the community's; and the weekly
// reports generated on schedule for every active listing, retrievable by the owner.
import { afterEach, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { feedbackTimeliness, untilNow, weeklyProgress } from "../../src/domain/reports/listing.js";
import { runWeeklyReports, type Write } from "../../src/service/owner-reports.js";
import { openDatabase } from "../../src/store/database.js";
import { engines } from "../support/engines.js";
import { at, ev, listing, signedDeal } from "../support/scenario.js";
import { expectAllAccepted, startApp, type Running } from "../support/service.js";

const viewed = (listingId: string, time: string, count: number) => ev("listing.viewed", time, { listingId, count });
const place = (listingId: string, ownerId: string, layout = "2室1厅", communityId = "C1") =>
  ev("listing.published", "2026-03-01T10:00:00+08:00", { listingId, ownerId, agentId: "A8", communityId, layout, areaSqm: 81.1, askingPriceFen: 500_000_000 });

describe("listing report arithmetic", () => {
  it("feedback on a showing entered at 15:20 is due 48 hours after the next midnight; at the due time is on time", () => {
    const recordedAt = at("2026-03-02T15:20:00+08:00");
    const now = at("2026-03-10T00:00:00+08:00");
    expect(feedbackTimeliness([{ showingId: "S", recordedAt, feedbackAt: at("2026-03-05T00:00:00+08:00") }], now)).toMatchObject({ onTime: 1, met: true });
    expect(feedbackTimeliness([{ showingId: "S", recordedAt, feedbackAt: at("2026-03-05T00:00:01+08:00") }], now)).toMatchObject({ late: 1, met: false });
    expect(feedbackTimeliness([{ showingId: "S", recordedAt, feedbackAt: null }], at("2026-03-04T00:00:00+08:00"))).toMatchObject({ pending: 1, due: 0, met: null });
  });

  it("progress: each full week of the period needs one report", () => {
    const from = at("2026-03-02T00:00:00+08:00");
    expect(weeklyProgress(from, from + 14 * 86_400_000, [{ at: from + 86_400_000, reports: 2 }])).toEqual({ weeks: 2, weeksMet: 1, met: false });
    expect(weeklyProgress(from, from + 3 * 86_400_000, [])).toEqual({ weeks: 0, weeksMet: 0, met: null });
  });

  it("progress: a report on the first day of a period starting at 15:00 (a listing published then) counts in its first week", () => {
    const published = at("2026-03-02T15:00:00+08:00");
    const dayStart = at("2026-03-02T00:00:00+08:00");
    expect(weeklyProgress(published, published + 7 * 86_400_000, [{ at: dayStart, reports: 1 }])).toEqual({ weeks: 1, weeksMet: 1, met: true });
  });

  it("a report never counts the future, from the API or the command line: a range running past now ends now", () => {
    const now = at("2026-03-10T12:00:00+08:00");
    const range = (from: string, to: string) => untilNow({ from: at(from), to: at(to) }, now);
    expect(range("2026-03-01T00:00:00+08:00", "2026-03-31T00:00:00+08:00")).toEqual({ from: at("2026-03-01T00:00:00+08:00"), to: now });
    expect(range("2026-03-01T00:00:00+08:00", "2026-03-05T00:00:00+08:00").to).toBe(at("2026-03-05T00:00:00+08:00"));
    expect(range("2026-04-01T00:00:00+08:00", "2026-04-30T00:00:00+08:00").to).toBe(at("2026-04-01T00:00:00+08:00") + 1); // wholly ahead: empty, not reversed
  });
});

describe.each(engines)("the owner's listing report on %s", (engine) => {
  let running: Running;
  afterEach(async () => running?.close());

  // 2026-03-01 is a Sunday: the service first ticks in the week of Monday 02-23.
  async function history() {
    running = await startApp(engine, { start: "2026-03-01T00:00:00+08:00" });
    const batch = await running.call("POST", "/v1/events/batch", { events: [
      listing("L1"), place("L2", "O2"), place("L3", "O3"), place("L4", "O4", "3室1厅"), place("L5", "O5", "1室1厅", "C2"),
      viewed("L1", "2026-03-03T10:00:00+08:00", 459), viewed("L1", "2026-03-08T23:59:59+08:00", 1), viewed("L1", "2026-03-09T00:00:00+08:00", 1_000),
      viewed("L2", "2026-03-04T10:00:00+08:00", 20), viewed("L3", "2026-03-04T10:00:00+08:00", 10), viewed("L4", "2026-03-04T10:00:00+08:00", 999),
      ev("listing.followed", "2026-03-03T11:00:00+08:00", { listingId: "L1", consumerId: "C1" }), ev("listing.followed", "2026-03-04T11:00:00+08:00", { listingId: "L1", consumerId: "C2" }),
      ev("showing.recorded", "2026-03-02T15:20:00+08:00", { showingId: "S1", listingId: "L1", buyerId: "C9", agentId: "A7" }),
      ev("showing.feedback_sent", "2026-03-04T23:59:00+08:00", { showingId: "S1", listingId: "L1", ownerId: "O1" }),
      ev("showing.recorded", "2026-03-05T10:00:00+08:00", { showingId: "S2", listingId: "L1", buyerId: "C8", agentId: "A7" }),
      // A neighbour's showings, one in the period and one the day after it.
      ev("showing.recorded", "2026-03-08T23:00:00+08:00", { showingId: "S3", listingId: "L2", buyerId: "C8", agentId: "A8" }),
      ev("showing.recorded", "2026-03-09T00:00:00+08:00", { showingId: "S4", listingId: "L2", buyerId: "C8", agentId: "A8" }),
      ev("listing.promoted", "2026-03-03T12:00:00+08:00", { listingId: "L1", agentId: "A7", channel: "短视频", note: "VR 看房" }),
      ev("owner.progress_reported", "2026-03-03T18:00:00+08:00", { listingId: "L1", agentId: "A7", note: "本周带看 1 次" }),
      ev("listing.price_changed", "2026-03-04T09:00:00+08:00", { listingId: "L1", askingPriceFen: 580_000_000 }),
      signedDeal("D1", { listingId: "L2", at: "2026-03-06T10:00:00+08:00", priceFen: 490_000_000 }),
    ] });
    expectAllAccepted(batch);
    running.clock.set("2026-03-09T00:00:00+08:00");
    await running.service.tick();
  }

  it("460 views against a community average of 15, with showings, promotions, standards and prices", async () => {
    await history();
    const token = await running.login("owner-o1");
    const { status, body } = await running.call("GET", "/v1/listings/L1/report?from=2026-03-02&to=2026-03-08", undefined, { token });
    expect(status).toBe(200);
    expect(body).toMatchObject({
      listing: { listingId: "L1", ownerId: "O1", communityId: "C1", layout: "2室1厅" },
      period: { from: "2026-03-02T00:00:00+08:00", to: "2026-03-09T00:00:00+08:00" },
      activity: { views: 460, follows: 2, showings: 2, community: { listings: 2, views: 15, follows: 0, showings: 0.5 } },
      promotions: 1,
      progress: { reports: 1, weeks: 1, weeksMet: 1, met: true },
      feedback: { due: 2, onTime: 1, missing: 1, late: 0, pending: 0, met: false },
      prices: {
        history: [{ at: "2026-03-01T10:00:00+08:00", priceFen: 598_000_000 }, { at: "2026-03-04T09:00:00+08:00", priceFen: 580_000_000 }],
        currentFen: 580_000_000, currentFenPerSqm: Math.round(580_000_000 / 81.1),
        community: { askingListings: 4, deals90d: 1, dealFenPerSqm: Math.round(490_000_000 / 81.1) },
      },
    });
  });

  it("only the owner, the maintainer and staff of the city see it; a listing nobody knows is not found", async () => {
    await history();
    const report = async (username: string, listingId = "L1") => (await running.call("GET", `/v1/listings/${listingId}/report`, undefined, { token: await running.login(username) })).status;
    expect([await report("owner-o1"), await report("agent-a7"), await report("operator")]).toEqual([200, 200, 200]);
    expect([await report("consumer-c5"), await report("quality-wuhan"), await report("operator", "L404")]).toEqual([404, 404, 404]);
    // A7 maintains L1; L2 is maintained by A8.
    expect(await report("agent-a7", "L2")).toBe(404);
  });

  it("a listing alone in its community has no average; bad ranges are the client's error", async () => {
    await history();
    const token = await running.login("operator");
    const alone = (await running.call("GET", "/v1/listings/L5/report?from=2026-03-02&to=2026-03-08", undefined, { token })).body;
    expect(alone.activity).toEqual({ views: 0, follows: 0, showings: 0, community: { listings: 0, views: null, follows: null, showings: null } });
    expect(await running.call("GET", "/v1/listings/L1/report?from=2026-03-02", undefined, { token })).toMatchObject({ status: 400, body: { field: "to" } });
    expect(await running.call("GET", "/v1/listings/L1/report?from=2026-02-01&to=2026-02-20", undefined, { token })).toMatchObject({ status: 404, body: { code: "not_active" } });
  });

  it("weekly reports for every active listing after each week, for the owner, generated after a restart too", async () => {
    await history();
    const owner = await running.login("owner-o1");
    const weekly = (await running.call("GET", "/v1/weekly-reports", undefined, { token: owner })).body.reports;
    expect(weekly.map((r: { listingId: string; weekStart: string }) => `${r.listingId} ${r.weekStart}`)).toEqual(["L1 2026-03-02", "L1 2026-02-23"]);
    expect(weekly[0].report.activity).toMatchObject({ views: 460, showings: 2, community: { views: 15, showings: 0.5 } });
    const operator = await running.login("operator");
    expect((await running.call("GET", "/v1/weekly-reports?limit=100", undefined, { token: operator })).body.reports).toHaveLength(10);
    // Down over the next Monday: the week of 03-09 is reported on the first tick after start.
    running.clock.set("2026-03-17T08:00:00+08:00");
    running = await running.restart();
    const after = (await running.call("GET", "/v1/weekly-reports?listingId=L1", undefined, { token: await running.login("owner-o1") })).body.reports;
    expect(after.map((r: { weekStart: string }) => r.weekStart)).toEqual(["2026-03-09", "2026-03-02", "2026-02-23"]);
    expect(after[0].report.activity.views).toBe(1_000);
    // Running on: the week of 03-16 is reported by the first tick after it ends, and only once.
    running.clock.set("2026-03-22T23:00:00+08:00");
    await running.service.tick();
    running.clock.set("2026-03-23T00:30:00+08:00");
    await running.service.tick();
    await running.service.tick();
    const later = (await running.call("GET", "/v1/weekly-reports?listingId=L1", undefined, { token: await running.login("owner-o1") })).body.reports;
    expect(later.map((r: { weekStart: string }) => r.weekStart)).toEqual(["2026-03-16", "2026-03-09", "2026-03-02", "2026-02-23"]);
  });

  it("the weekly run holds nothing up: an event sent while it runs is written before it ends", async () => {
    await history();
    running.clock.set("2026-03-16T00:30:00+08:00");
    const order: string[] = [];
    const tick = running.service.tick().then(() => order.push("weekly run"));
    const sent = running.service.submit(viewed("L1", "2026-03-16T00:10:00+08:00", 1)).then((outcome) => order.push(`event ${outcome.status}`));
    await Promise.all([tick, sent]);
    expect(order).toEqual(["event accepted", "weekly run"]);
    expect((await weekly("2026-03-09")).map((r) => r.listing_id)).toEqual(["L1", "L2", "L3", "L4", "L5"]);
  });

  it("the deadline sweep does not wait for the weekly run: one started while it runs is written before it ends", async () => {
    await history();
    running.clock.set("2026-03-16T00:30:00+08:00");
    const order: string[] = [];
    const reports = running.service.ownerReports().then(() => order.push("weekly run"));
    const sweep = running.service.sweep().then((breached) => order.push(`sweep: ${breached} breached`));
    await Promise.all([reports, sweep]);
    expect(order).toEqual(["sweep: 2 breached", "weekly run"]);
    expect(await weekly("2026-03-09")).toHaveLength(5);
  });

  it("a weekly run stopped part-way is done again by the next, each report kept once", async () => {
    await history();
    const { database } = running.service;
    const now = at("2026-03-16T00:30:00+08:00");
    let writes = 0;
    const write: Write = async (work) => {
      // The run's lease, its first part, then the store goes away.
      if (++writes === 3) throw new Error("the store went away");
      await database.db.transaction().execute(work);
    };
    await expect(runWeeklyReports(database, write, now, { reportsPerWrite: 2 })).rejects.toThrow("the store went away");
    expect(await weekly("2026-03-09")).toHaveLength(2);
    // Not marked done: the next run does the whole week again.
    expect(await runWeeklyReports(database, write, now, { reportsPerWrite: 2 })).toEqual({ generated: 5, nextAt: at("2026-03-23T00:00:00+08:00") });
    expect((await weekly("2026-03-09")).map((r) => r.listing_id)).toEqual(["L1", "L2", "L3", "L4", "L5"]);
    expect(await runWeeklyReports(database, write, now)).toEqual({ generated: 0, nextAt: at("2026-03-23T00:00:00+08:00") });
  });

  // Only PostgreSQL's store is shared by processes (SQLite has one writer a file).
  it.runIf(engine === "postgres")("processes sharing a store run a week's reports once between them", async () => {
    await history();
    const other = openDatabase(running.databaseUrl);
    try {
      const now = at("2026-03-16T00:30:00+08:00");
      const runs = await Promise.all([running.service.database, other].map((database) => runWeeklyReports(database, (work) => database.db.transaction().execute(work), now)));
      expect(runs.map((r) => r.generated).sort()).toEqual([0, 5]);
      expect(await weekly("2026-03-09")).toHaveLength(5);
    } finally {
      await other.close();
    }
  });

  const weekly = (weekStart: string) => running.service.database.db.selectFrom("owner_reports").select("listing_id").where("week_start", "=", weekStart).orderBy("listing_id").execute();

  it("anxin report listing prints the figures beside the community's", async () => {
    await history();
    const out: string[] = [];
    process.env["ANXIN_DATABASE_URL"] = running.databaseUrl;
    try {
      expect(await main(["node", "anxin", "report", "listing", "--listing", "L1", "--from", "2026-03-02", "--to", "2026-03-08", "--csv"], { out: (t: string) => void out.push(t), err: () => undefined, interactive: false })).toBe(0);
    } finally {
      delete process.env["ANXIN_DATABASE_URL"];
    }
    expect(out.join("").split("\n").slice(0, 4)).toEqual(["figure,listing,community_same_layout_average", "views,460,15", "follows,2,0", "showings,2,0.5"]);
  });
});
