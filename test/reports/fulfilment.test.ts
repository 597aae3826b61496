// The fulfilment report: count and amount by commitment and period, split by remedy kind, with
// recoveries, the fulfilment rate and the time from breach to payout; periods in Asia/Shanghai.
import { afterEach, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { dayRange } from "../../src/api/routes/reports.js";
import { commitmentRates, percentile, periodOf, periodOfDay, periodsIn } from "../../src/domain/reports/fulfilment.js";
import { engines } from "../support/engines.js";
import { at, ev, listing, signedDeal } from "../support/scenario.js";
import { startApp, type Running } from "../support/service.js";

describe("fulfilment arithmetic", () => {
  it("periods are Beijing's calendar: 2026-03-31T16:30Z is already April 1st there", () => {
    expect(periodOf(at("2026-03-31T16:30:00Z"), "month")).toBe("2026-04");
    expect(periodOf(at("2026-12-31T23:59:59+08:00"), "year")).toBe("2026");
    expect(periodOf(at("2026-12-31T16:00:00Z"), "day")).toBe("2027-01-01");
  });

  it("nearest-rank percentiles; none for no data", () => {
    expect([percentile([1, 2, 3, 4], 50), percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90), percentile([], 50)]).toEqual([2, 9, null]);
  });

  it("the rate is paid over confirmed breaches; a commitment with none confirmed has no rate", () => {
    const t = at("2026-03-01T00:00:00+08:00");
    expect(commitmentRates([{ commitment: "a", breachAt: t, paidAt: t + 3_600_000, reported: null }, { commitment: "a", breachAt: t, paidAt: null, reported: null }])).toEqual([
      { commitment: "a", confirmed: 2, paid: 1, rate: 0.5, breachToPaymentHoursMedian: 1, breachToPaymentHoursP90: 1, reported: null },
    ]);
    expect(commitmentRates([])).toEqual([]);
  });
});

describe.each(engines)("the fulfilment report on %s", (engine) => {
  let running: Running;
  afterEach(async () => running?.close());

  async function history() {
    running = await startApp(engine, { start: "2026-03-01T00:00:00+08:00" });
    await running.call("POST", "/v1/events/batch", { events: [
      listing(),
      ev("showing.recorded", "2026-03-02T15:20:00+08:00", { showingId: "S1", listingId: "L1", buyerId: "C9", agentId: "A7" }),
      signedDeal(), ev("deal.handover_completed", "2026-03-03T10:00:00+08:00", { dealId: "D1" }),
      ev("property_fee.arrears_found", "2026-03-04T10:00:00+08:00", { dealId: "D1", amountFen: 300_000 }),
      ev("owner.replacement_requested", "2026-03-05T10:00:00+08:00", { listingId: "L1", ownerId: "O1" }),
      ev("listing.maintainer_changed", "2026-03-06T10:00:00+08:00", { listingId: "L1", fromAgentId: "A7", toAgentId: "A8", requestedByOwner: true }),
    ] });
    // The clock moves: the feedback breach is found on 03-05, the fake listing paid on 04-01.
    running.clock.set("2026-03-05T00:00:00+08:00");
    await running.service.tick();
    running.clock.set("2026-04-01T00:10:00+08:00");
    await running.call("POST", "/v1/events", ev("property_fee.recovered", "2026-04-01T00:05:00+08:00", { dealId: "D1", amountFen: 100_000 }));
    // Confirmed late on March 31st, paid when received: 00:10 on April 1st in Beijing (16:10 UTC on March 31st).
    await running.call("POST", "/v1/events", ev("listing.fake_confirmed", "2026-03-31T23:30:00+08:00", { listingId: "L1", reporterId: "C5" }));
    return running.login("operator");
  }

  it("counts and sums paid claims by month and commitment, split by kind, with recoveries", async () => {
    const token = await history();
    const report = (await running.call("GET", "/v1/reports/fulfilment?from=2026-03-01&to=2026-04-30&period=month", undefined, { token })).body;
    const row = (period: string, commitment: string) => report.rows.find((r: { period: string; commitment: string }) => r.period === period && r.commitment === commitment);
    expect(row("2026-03", "showing-feedback-48h")).toMatchObject({ count: 1, amountFen: 10_000, split: { payout: { count: 1, amountFen: 10_000 } } });
    expect(row("2026-03", "property-fee-advance")).toMatchObject({ count: 1, amountFen: 300_000, split: { advance: { count: 1, amountFen: 300_000 } } });
    expect(row("2026-03", "maintainer-replacement")).toMatchObject({ count: 1, amountFen: 0, split: { remedy: { count: 1 } } });
    expect(row("2026-04", "property-fee-advance")).toMatchObject({ count: 0, split: { recovery: { count: 1, amountFen: 100_000 } } });
    expect(report.total).toEqual({ count: 4, amountFen: 320_000 });
    expect(report.rates.find((r: { commitment: string }) => r.commitment === "showing-feedback-48h")).toMatchObject({ confirmed: 1, paid: 1, rate: 1, breachToPaymentHoursMedian: 0 });
  });

  it("a claim paid in the first minutes of April belongs to April; an empty period or a city without data gives zero counts", async () => {
    const token = await history();
    const march = (await running.call("GET", "/v1/reports/fulfilment?from=2026-03-01&to=2026-03-31&period=all", undefined, { token })).body;
    expect(march.rows.map((r: { commitment: string }) => r.commitment)).not.toContain("real-listing");
    const april = (await running.call("GET", "/v1/reports/fulfilment?from=2026-04-01&to=2026-04-01&period=day", undefined, { token })).body;
    expect(april.rows).toContainEqual(expect.objectContaining({ period: "2026-04-01", commitment: "real-listing", count: 1, amountFen: 10_000 }));
    const empty = (await running.call("GET", "/v1/reports/fulfilment?from=2025-01-01&to=2025-12-31", undefined, { token })).body;
    expect(empty).toMatchObject({ rates: [], total: { count: 0, amountFen: 0 } });
    expect(empty.rows).toHaveLength(12);
    expect(empty.rows[0]).toMatchObject({ period: "2025-01", commitment: null, count: 0, amountFen: 0, split: { payout: { count: 0 }, recovery: { count: 0 } } });
    const nowhere = (await running.call("GET", "/v1/reports/fulfilment?from=2026-03-01&to=2026-04-30&city=kunming", undefined, { token })).body;
    expect(nowhere.rows).toMatchObject([{ period: "2026-03", commitment: null, count: 0 }, { period: "2026-04", commitment: null, count: 0 }]);
    // A row per period, empty ones too: by day, ten years at most (1970–2999 by day was 376,000 rows for anyone).
    expect(await running.call("GET", "/v1/reports/fulfilment?from=1970-01-01&to=2999-12-31&period=day", undefined, { token })).toMatchObject({ status: 400, body: { code: "invalid_field", field: "period" } });
    const years = (await running.call("GET", "/v1/reports/fulfilment?from=1970-01-01&to=2999-12-31&period=year", undefined, { token })).body.rows;
    expect(new Set(years.map((r: { period: string }) => r.period)).size).toBe(1030);
    // A commitment asked for has its row in every period, empty or not.
    const feedback = (await running.call("GET", "/v1/reports/fulfilment?from=2026-02-01&to=2026-04-30&commitment=showing-feedback-48h", undefined, { token })).body;
    expect(feedback.rows.map((r: { period: string; count: number }) => `${r.period} ${r.count}`)).toEqual(["2026-02 0", "2026-03 1", "2026-04 0"]);
    expect(await running.call("GET", "/v1/reports/fulfilment?from=2026-04-30&to=2026-03-01", undefined, { token })).toMatchObject({ status: 400, body: { field: "to" } });
  });

  it("telemarketing complaints fulfilled: of the calls consumers reported, the share paid; an unreported call awaiting its consumer is not a complaint", async () => {
    running = await startApp(engine, { start: "2026-03-01T00:00:00+08:00" });
    const wuhan = { city: "wuhan", brand: "lianjia" };
    const call = (callId: string, phone: string, time: string) => ev("call.placed", `2026-03-02T${time}:00+08:00`, { callId, phone, agentId: "A9", purpose: "marketing" }, wuhan);
    const batch = await running.call("POST", "/v1/events/batch", { events: [
      // K1 and K2 are reported by their consumers and paid; K3's phone is nobody's Anxin knows, unreported.
      call("K1", "+8613800138001", "10:00"), call("K2", "+8613800138002", "11:00"), call("K3", "+8613800138003", "12:00"),
      ev("call.reported", "2026-03-02T13:00:00+08:00", { reportId: "R1", phone: "+8613800138001", reporterId: "C1", callId: "K1" }, wuhan),
      ev("call.reported", "2026-03-02T14:00:00+08:00", { reportId: "R2", phone: "+8613800138002", reporterId: "C2" }, wuhan),
    ] });
    expect(batch.body.results.map((r: { status: string }) => r.status)).toEqual(Array(5).fill("accepted"));
    const token = await running.login("operator");
    const report = (await running.call("GET", "/v1/reports/fulfilment?from=2026-03-01&to=2026-03-31&commitment=no-marketing-calls", undefined, { token })).body;
    expect(report.rates).toMatchObject([{ commitment: "no-marketing-calls", confirmed: 3, paid: 2, reported: { confirmed: 2, paid: 2, rate: 1 } }]);
    expect(report.rates[0].rate).toBeCloseTo(2 / 3);
  });

  it("anxin report fulfilment prints the same figures as a table, CSV or JSON", async () => {
    await history();
    const out: string[] = [];
    const io = { out: (t: string) => void out.push(t), err: () => undefined, interactive: false };
    process.env["ANXIN_DATABASE_URL"] = running.databaseUrl;
    try {
      expect(await main(["node", "anxin", "report", "fulfilment", "--from", "2026-03-01", "--to", "2026-04-30", "--csv"], io)).toBe(0);
    } finally {
      delete process.env["ANXIN_DATABASE_URL"];
    }
    const csv = out.join("").trim().split("\n");
    expect(csv[0]).toMatch(/^period,commitment,count,amount_cny,payout_count/);
    expect(csv).toContain("2026-03,property-fee-advance,1,3000.00,0,0.00,1,3000.00,0,0.00,0,0.00,0,0.00,0,0.00");
    // Hours from breach to payment to a tenth in text and CSV (the JSON keeps them exact).
    expect(csv).toContain("showing-feedback-48h,1,1,100.00%,0.0,0.0,,,");
    expect(csv).toContain("real-listing,1,1,100.00%,0.7,0.7,,,");
  });
});

describe("the periods of a range", () => {
  it("are every month or year it touches, counted as its days walked one by one would find them (summer time of 1986–1991 too)", () => {
    const walked = (range: { from: number; to: number }, period: "month" | "year") => [...new Set(periodsIn(range, "day").map((day) => periodOfDay(day, period)))];
    for (const [from, to] of [["1985-12-30", "1992-02-01"], ["2026-01-31", "2026-03-01"], ["2026-03-05", "2026-03-05"], ["2024-12-31", "2025-01-01"]] as const) {
      const range = dayRange(from, to);
      for (const period of ["month", "year"] as const) expect(periodsIn(range, period)).toEqual(walked(range, period));
    }
  });
});
