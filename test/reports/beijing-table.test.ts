// Reproducing the published Beijing owner-side table (domain.md, "Published fulfilment figures"):
// showing feedback 12 payouts, 1,200 CNY; delisting 14 payouts, 1,400 CNY; maintainer replaced 562
// times; rental commission waived on 1,845 orders, 10,772,800 CNY. A year of Lianjia Beijing
// history written for the test, sent through the API, and read back as the fulfilment report.
import { afterEach, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { engines } from "../support/engines.js";
import { ev, type Envelope } from "../support/scenario.js";
import { expectAllAccepted, startApp, type Running } from "../support/service.js";

/** 10:00 on the day `offset` days after the i-th item's day (items spread over 300 days of 2025), Beijing time. */
function day(i: number, time = "10:00:00", offset = 0): string {
  return `${new Date(Date.UTC(2025, 0, 1) + ((i % 300) + offset) * 86_400_000).toISOString().slice(0, 10)}T${time}+08:00`;
}

const published = (listingId: string, ownerId: string, n: number) =>
  ev("listing.published", day(n, "09:00:00"), { listingId, ownerId, agentId: `A-${listingId}`, communityId: "C1", layout: "2室1厅", areaSqm: 80, askingPriceFen: 500_000_000 });

function history(): Envelope[] {
  const events: Envelope[] = [];
  // 12 showings nobody reported back on, among 300 that were answered in time.
  for (let i = 0; i < 312; i++) {
    events.push(published(`LS${i}`, `OS${i}`, i), ev("showing.recorded", day(i, "15:20:00"), { showingId: `S${i}`, listingId: `LS${i}`, buyerId: `B${i}`, agentId: `A-LS${i}` }));
    if (i >= 12) events.push(ev("showing.feedback_sent", day(i, "11:00:00", 1), { showingId: `S${i}`, listingId: `LS${i}`, ownerId: `OS${i}` }));
  }
  // 14 listings taken down without the owner's consent, among 100 taken down with it.
  for (let i = 0; i < 114; i++) events.push(published(`LD${i}`, `OD${i}`, i), ev("listing.delisted", day(i, undefined, 2), { listingId: `LD${i}`, ownerConsent: i >= 14, reason: "下架" }));
  // 562 owners asked for another maintainer and got one within the three days.
  for (let i = 0; i < 562; i++) {
    events.push(published(`LR${i}`, `OR${i}`, i), ev("owner.replacement_requested", day(i, undefined, 1), { listingId: `LR${i}`, ownerId: `OR${i}` }));
    events.push(ev("listing.maintainer_changed", day(i, undefined, 2), { listingId: `LR${i}`, fromAgentId: `A-LR${i}`, toAgentId: `A2-LR${i}`, requestedByOwner: true }));
  }
  // 1,845 sellers rented through Lianjia after their sale: 1,844 commissions of 5,838 CNY and one of 7,528.
  for (let i = 0; i < 1_845; i++) {
    events.push(ev("deal.signed", day(i), { dealId: `DW${i}`, listingId: `LW${i}`, buyerId: `BW${i}`, sellerId: `SW${i}`, priceFen: 400_000_000, commissionFen: 8_000_000 }));
    events.push(ev("lease.signed", day(i, undefined, 3), { leaseId: `LE${i}`, tenantId: `SW${i}`, use: "residential", commissionFen: i === 0 ? 752_800 : 583_800 }));
  }
  return events;
}

describe.each(engines)("the Beijing owner-side table on %s", (engine) => {
  let running: Running;
  afterEach(async () => running?.close());

  it("is reproduced exactly by the fulfilment report of Lianjia Beijing for 2025", async () => {
    running = await startApp(engine, { start: "2025-01-01T00:00:00+08:00" });
    const events = history().sort((a, b) => (a.occurredAt < b.occurredAt ? -1 : 1));
    for (let i = 0; i < events.length; i += 1_000) {
      expectAllAccepted(await running.call("POST", "/v1/events/batch", { events: events.slice(i, i + 1_000) }));
    }
    running.clock.set("2025-12-31T23:00:00+08:00");
    await running.service.tick();

    const token = await running.login("operator");
    const { body } = await running.call("GET", "/v1/reports/fulfilment?from=2025-01-01&to=2025-12-31&city=beijing&brand=lianjia&period=all", undefined, { token });
    const figures = Object.fromEntries(body.rows.map((r: { commitment: string; count: number; amountFen: number }) => [r.commitment, [r.count, r.amountFen / 100]]));
    expect(figures).toEqual({
      "showing-feedback-48h": [12, 1_200],
      "delist-consent": [14, 1_400],
      "maintainer-replacement": [562, 0],
      "post-sale-rental-waiver": [1_845, 10_772_800],
    });
    expect(body.rows.find((r: { commitment: string }) => r.commitment === "post-sale-rental-waiver").split.waiver).toEqual({ count: 1_845, amountFen: 1_077_280_000 });
    expect(body.rows.find((r: { commitment: string }) => r.commitment === "maintainer-replacement").split.remedy.count).toBe(562);

    const out: string[] = [];
    process.env["ANXIN_DATABASE_URL"] = running.databaseUrl;
    try {
      await main(["node", "anxin", "report", "fulfilment", "--from", "2025-01-01", "--to", "2025-12-31", "--city", "beijing", "--brand", "lianjia", "--period", "all"], { out: (t: string) => void out.push(t), err: () => undefined, interactive: false });
    } finally {
      delete process.env["ANXIN_DATABASE_URL"];
    }
    const lines = out.join("").split("\n").map((l) => l.replace(/\s+/g, " ").trim());
    expect(lines).toEqual(expect.arrayContaining([
      expect.stringMatching(/^all delist-consent 14 1400\.00 /), expect.stringMatching(/^all maintainer-replacement 562 0\.00 /),
      expect.stringMatching(/^all post-sale-rental-waiver 1845 10772800\.00 /), expect.stringMatching(/^all showing-feedback-48h 12 1200\.00 /),
    ]));
  });
});
