// The 30124 scorecard: of the complaints filed in a period, the shares answered within 30 minutes,
// with a solution within 12 hours and closed within 24 hours; complaint rate per deal; handling
// satisfaction; NPS from reviews; and the live queue of overdue complaints.
import { afterEach, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { engines } from "../support/engines.js";
import { ev, signedDeal } from "../support/scenario.js";
import { startApp, type Running } from "../support/service.js";

const filed = (id: string, at: string, consumerId = "C5") => ev("complaint.filed", at, { complaintId: id, consumerId, category: "attitude", text: "经纪人态度不好" });
const step = (type: string, id: string, at: string, data: Record<string, unknown> = {}) => ev(type, at, { complaintId: id, ...data });
const review = (id: string, rating: number) => ev("review.submitted", "2026-03-10T10:00:00+08:00", { reviewId: id, authorId: "C5", stage: "deal", rating, dealId: "D1" });

describe.each(engines)("the 30124 scorecard on %s", (engine) => {
  let running: Running;
  afterEach(async () => running?.close());

  async function history() {
    running = await startApp(engine, { start: "2026-03-01T00:00:00+08:00" });
    const batch = await running.call("POST", "/v1/events/batch", { events: [
      ...["D1", "D2", "D3", "D4"].map((d, i) => signedDeal(d, { at: `2026-03-0${i + 2}T10:00:00+08:00` })),
      // K1 keeps every deadline; K2 answers after 45 minutes and closes after 28 hours.
      filed("K1", "2026-03-02T10:00:00+08:00"), step("complaint.responded", "K1", "2026-03-02T10:20:00+08:00"),
      step("complaint.solution_proposed", "K1", "2026-03-02T14:00:00+08:00", { text: "换经纪人" }), step("complaint.closed", "K1", "2026-03-03T09:00:00+08:00", { satisfaction: 5 }),
      filed("K2", "2026-03-02T11:00:00+08:00", "O1"), step("complaint.responded", "K2", "2026-03-02T11:45:00+08:00"),
      step("complaint.solution_proposed", "K2", "2026-03-02T20:00:00+08:00", { text: "道歉" }), step("complaint.closed", "K2", "2026-03-03T15:00:00+08:00", { satisfaction: 3 }),
      // K3 is filed ten minutes before April, answered in time, then left without a solution.
      filed("K3", "2026-03-31T23:50:00+08:00"), step("complaint.responded", "K3", "2026-04-01T00:10:00+08:00"),
      review("R1", 5), review("R2", 5), review("R3", 2),
    ] });
    expect(batch.status).toBe(200);
    running.clock.set("2026-04-02T00:00:00+08:00");
    await running.service.tick();
    return running.login("operator");
  }

  it("shares of deadlines met, complaint rate, satisfaction and NPS for a month", async () => {
    const token = await history();
    const { body } = await running.call("GET", "/v1/reports/scorecard?from=2026-03-01&to=2026-04-30&period=month", undefined, { token });
    expect(body.rows.map((r: { period: string }) => r.period)).toEqual(["2026-03", "2026-04"]);
    const march = body.rows[0];
    expect(march).toMatchObject({
      period: "2026-03", complaints: 3, dealsSigned: 4, complaintRate: 0.75, rated: 2, satisfaction: 0.5, reviews: 3,
      respond: { met: 2, missed: 1, pending: 0 }, solution: { met: 2, missed: 1 }, close: { met: 1, missed: 2 },
    });
    expect(march.respond.share).toBeCloseTo(2 / 3);
    expect(march.close.share).toBeCloseTo(1 / 3);
    expect(march.nps).toBeCloseTo(100 / 3);
  });

  it("a complaint filed at 23:50 on March 31st belongs to that day; a city without data and an empty period give zero counts and null rates", async () => {
    const token = await history();
    const days = (await running.call("GET", "/v1/reports/scorecard?from=2026-03-31&to=2026-04-01&period=day", undefined, { token })).body;
    expect(days.rows).toMatchObject([
      { period: "2026-03-31", complaints: 1, respond: { met: 1 }, solution: { missed: 1 } },
      { period: "2026-04-01", complaints: 0, respond: { met: 0, missed: 0, pending: 0, share: null } },
    ]);
    const empty = { complaints: 0, dealsSigned: 0, complaintRate: null, rated: 0, satisfaction: null, reviews: 0, nps: null };
    expect((await running.call("GET", "/v1/reports/scorecard?from=2026-03-01&to=2026-04-30&city=wuhan", undefined, { token })).body.rows)
      .toMatchObject([{ period: "2026-03", ...empty }, { period: "2026-04", ...empty }]);
    expect((await running.call("GET", "/v1/reports/scorecard?from=2025-01-01&to=2025-01-31", undefined, { token })).body.rows).toMatchObject([{ period: "2025-01", ...empty }]);
  });

  it("a row counts only the complaints the 30124 standard covers, rated once each in the period they were filed, over deals counted once", async () => {
    const token = await history();
    const more = await running.call("POST", "/v1/events/batch", { events: [
      // Another brand's complaint has no 30124 stages: not in a row whose stages exclude it.
      ev("complaint.filed", "2026-03-05T10:00:00+08:00", { complaintId: "X1", consumerId: "C9", category: "attitude", text: "态度差" }, { brand: "deyou" }),
      ev("complaint.closed", "2026-03-05T11:00:00+08:00", { complaintId: "X1", satisfaction: 1 }, { brand: "deyou" }),
      // K3, filed in March, is closed in April twice: the later rating (2) counts, in March.
      step("complaint.closed", "K3", "2026-04-01T09:00:00+08:00", { satisfaction: 5 }), step("complaint.closed", "K3", "2026-04-01T10:00:00+08:00", { satisfaction: 2 }),
      // D1 signed again under a new event id is still one deal.
      signedDeal("D1", { at: "2026-03-20T10:00:00+08:00" }),
    ] });
    expect(more.status).toBe(200);
    const { body } = await running.call("GET", "/v1/reports/scorecard?from=2026-03-01&to=2026-04-30&period=month", undefined, { token });
    expect(body.rows[0]).toMatchObject({ period: "2026-03", complaints: 3, dealsSigned: 4, complaintRate: 0.75, rated: 3 });
    expect(body.rows[0].satisfaction).toBeCloseTo(1 / 3);
    expect(body.rows[1]).toMatchObject({ period: "2026-04", complaints: 0, rated: 0, satisfaction: null });
    const deyou = (await running.call("GET", "/v1/reports/scorecard?from=2026-03-01&to=2026-03-31&brand=deyou", undefined, { token })).body;
    expect(deyou.rows).toMatchObject([{ period: "2026-03", complaints: 0, rated: 0, satisfaction: null }]);
    const funds = (await running.call("GET", "/v1/reports/funds-safety?from=2026-03-01&to=2026-03-31", undefined, { token })).body;
    expect(funds.dealsSigned).toBe(4);
  });

  it("lists complaints overdue now; a consumer sees only their own, staff only their cities", async () => {
    const token = await history();
    const all = (await running.call("GET", "/v1/complaints/overdue", undefined, { token })).body;
    expect(all.complaints).toEqual([{
      complaintId: "K3", city: "beijing", brand: "lianjia", consumerId: "C5", filedAt: "2026-03-31T23:50:00+08:00",
      missed: [{ stage: "solution", dueAt: "2026-04-01T11:50:00+08:00" }, { stage: "close", dueAt: "2026-04-01T23:50:00+08:00" }],
    }]);
    const mine = (await running.call("GET", "/v1/complaints/overdue", undefined, { token: await running.login("consumer-c5") })).body;
    expect(mine.complaints.map((c: { complaintId: string }) => c.complaintId)).toEqual(["K3"]);
    expect((await running.call("GET", "/v1/complaints/overdue", undefined, { token: await running.login("owner-o1") })).body.complaints).toEqual([]);
    expect((await running.call("GET", "/v1/complaints/overdue", undefined, { token: await running.login("quality-wuhan") })).body.complaints).toEqual([]);
  });

  it("anxin report scorecard prints the shares", async () => {
    await history();
    const out: string[] = [];
    process.env["ANXIN_DATABASE_URL"] = running.databaseUrl;
    try {
      expect(await main(["node", "anxin", "report", "scorecard", "--from", "2026-03-01", "--to", "2026-03-31", "--csv"], { out: (t: string) => void out.push(t), err: () => undefined, interactive: false })).toBe(0);
    } finally {
      delete process.env["ANXIN_DATABASE_URL"];
    }
    expect(out.join("").trim().split("\n")).toEqual([
      "period,complaints,answered_30min,solution_12h,closed_24h,deals,complaint_rate,satisfaction,nps,reviews",
      "2026-03,3,66.67%,66.67%,33.33%,4,75.00%,50.00%,33.3,3",
    ]);
  });
});
