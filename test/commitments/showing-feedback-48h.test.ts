// showing-feedback-48h (带看反馈超时赔百): after a showing is entered, the agent reports back to
// the owner within 48 hours counted from 00:00 of the next day (Asia/Shanghai), or 100 CNY to the owner.
import { describe, expect, it } from "vitest";
import { claimsOf, ev, listing, obligationsOf, run } from "../support/scenario.js";

const showing = (at: string, showingId = "S1", where: { city?: string; brand?: string; id?: string; listingId?: string } = {}) =>
  ev("showing.recorded", at, { showingId, listingId: where.listingId ?? "L1", buyerId: "C9", agentId: "A7" }, where);
const feedback = (at: string, showingId = "S1", where: { city?: string; brand?: string; id?: string } = {}) =>
  ev("showing.feedback_sent", at, { showingId, listingId: "L1", ownerId: "O1", text: "买家觉得价格偏高" }, where);

describe("showing-feedback-48h", () => {
  it("a showing entered at 15:20 is due at 00:00 two days after the next day", () => {
    const s = run([listing(), showing("2026-03-02T15:20:00+08:00")], { until: "2026-03-04T00:00:00+08:00" });
    expect(obligationsOf(s, "showing-feedback-48h")).toMatchObject([{ subjectId: "S1", dueAt: "2026-03-05T00:00:00+08:00", status: "open", responsibleId: "A7" }]);
  });

  it("feedback exactly at the due time fulfils the obligation", () => {
    const s = run([listing(), showing("2026-03-02T15:20:00+08:00"), feedback("2026-03-05T00:00:00+08:00")], { until: "2026-03-10T00:00:00+08:00" });
    expect(obligationsOf(s, "showing-feedback-48h")[0]).toMatchObject({ status: "fulfilled", fulfilledAt: "2026-03-05T00:00:00+08:00" });
    expect(claimsOf(s, "showing-feedback-48h")).toEqual([]);
  });

  it("feedback one second after the due time is a breach worth 100 CNY to the owner", () => {
    const s = run([listing(), showing("2026-03-02T15:20:00+08:00"), feedback("2026-03-05T00:00:01+08:00")], { until: "2026-03-10T00:00:00+08:00" });
    expect(obligationsOf(s, "showing-feedback-48h")[0]).toMatchObject({ status: "breached", breachedAt: "2026-03-05T00:00:00+08:00" });
    expect(claimsOf(s, "showing-feedback-48h")).toMatchObject([
      { beneficiaryId: "O1", kind: "payout", amountFen: 10000, status: "paid", version: "showing-feedback-48h@beijing-2025", fund: "lianjia:beijing" },
    ]);
    expect(s.ledger.balanced).toBe(true);
  });

  it("no feedback at all: the breach is found when the clock passes the due time and paid at once", () => {
    const s = run([listing(), showing("2026-03-02T15:20:00+08:00")], { until: "2026-03-05T00:00:00+08:00" });
    expect(claimsOf(s, "showing-feedback-48h")).toMatchObject([{ status: "paid", openedAt: "2026-03-05T00:00:00+08:00", paidAt: "2026-03-05T00:00:00+08:00" }]);
  });

  it("a showing entered at 23:59 and one at 00:00 the next day are due a day apart", () => {
    const s = run([listing(), showing("2026-03-02T23:59:00+08:00", "S1"), showing("2026-03-03T00:00:00+08:00", "S2")], { until: "2026-03-03T01:00:00+08:00" });
    const due = Object.fromEntries(obligationsOf(s, "showing-feedback-48h").map((o) => [o.subjectId, o.dueAt]));
    expect(due).toEqual({ S1: "2026-03-05T00:00:00+08:00", S2: "2026-03-06T00:00:00+08:00" });
  });

  it("the day boundary is Beijing's, whatever offset the sender writes", () => {
    // 2026-03-02T16:30Z is 00:30 on 03-03 in Shanghai: the window opens on 03-04.
    const s = run([listing(), showing("2026-03-02T16:30:00Z")], { until: "2026-03-03T01:00:00+08:00" });
    expect(obligationsOf(s, "showing-feedback-48h")[0]!.dueAt).toBe("2026-03-06T00:00:00+08:00");
  });

  it("month, year and leap-year ends roll over: Feb 27 → Mar 2, Dec 30 → Jan 2, Feb 28 2028 → Mar 2", () => {
    const s = run([listing(), showing("2026-02-27T10:00:00+08:00", "S1"), showing("2026-12-30T10:00:00+08:00", "S2"), showing("2028-02-28T10:00:00+08:00", "S3")], { until: "2028-02-28T11:00:00+08:00" });
    const due = Object.fromEntries(obligationsOf(s, "showing-feedback-48h").map((o) => [o.subjectId, o.dueAt]));
    expect(due).toEqual({ S1: "2026-03-02T00:00:00+08:00", S2: "2027-01-02T00:00:00+08:00", S3: "2028-03-02T00:00:00+08:00" });
  });

  it("in Changsha the version of 2024 applies; in Shanghai, for another brand, or before 2025 in Beijing nothing is promised", () => {
    // Each on a listing of its own place: a listing is its city's and brand's record (ownership.ts).
    const s = run([
      listing(), listing("LCS", { city: "changsha" }), listing("LSH", { city: "shanghai" }), listing("LDY", { brand: "deyou" }),
      showing("2026-03-02T15:20:00+08:00", "CS1", { city: "changsha", listingId: "LCS" }),
      showing("2026-03-02T15:20:00+08:00", "SH1", { city: "shanghai", listingId: "LSH" }),
      showing("2026-03-02T15:20:00+08:00", "DY1", { brand: "deyou", listingId: "LDY" }),
      showing("2024-12-31T15:20:00+08:00", "BJ0"),
    ], { until: "2026-03-10T00:00:00+08:00" });
    expect(s.rejected).toEqual([]);
    expect(obligationsOf(s, "showing-feedback-48h").map((o) => [o.subjectId, o.version])).toEqual([["CS1", "showing-feedback-48h@changsha-2024"]]);
  });

  it("one payout per showing: a duplicate showing event changes nothing", () => {
    const first = showing("2026-03-02T15:20:00+08:00", "S1", { id: "crm-1" });
    const s = run([listing(), first, { ...first }], { until: "2026-03-10T00:00:00+08:00" });
    expect(s.counts.duplicates).toBe(1);
    expect(claimsOf(s, "showing-feedback-48h")).toHaveLength(1);
  });

  it("the same id with other content is rejected as a conflict and kept", () => {
    const first = showing("2026-03-02T15:20:00+08:00", "S1", { id: "crm-1" });
    const other = { ...first, data: { ...first.data, showingId: "S2" } };
    const s = run([listing(), first, other], { until: "2026-03-03T00:00:00+08:00" });
    expect(s.rejected).toMatchObject([{ id: "crm-1", code: "conflict", field: "id" }]);
    expect(obligationsOf(s, "showing-feedback-48h")).toHaveLength(1);
  });

  it("a showing whose listing arrives only after the breach: the claim waits, then pays the owner the listing names", () => {
    const s = run([showing("2026-03-02T15:20:00+08:00"), listing("L1", { at: "2026-03-06T10:00:00+08:00" })], { until: "2026-03-07T00:00:00+08:00" });
    expect(claimsOf(s, "showing-feedback-48h")).toMatchObject([{ beneficiaryId: "O1", status: "paid", openedAt: "2026-03-05T00:00:00+08:00", paidAt: "2026-03-06T10:00:00+08:00" }]);
  });

  it("feedback that arrives before its showing (out of order) still fulfils it", () => {
    const s = run([feedback("2026-03-03T09:00:00+08:00"), listing(), showing("2026-03-02T15:20:00+08:00")], { until: "2026-03-10T00:00:00+08:00" });
    expect(obligationsOf(s, "showing-feedback-48h")[0]!.status).toBe("fulfilled");
  });
});
