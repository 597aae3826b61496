// real-listing (真实房源,假一赔百元): a listing found fake after a consumer's report pays 100 CNY to
// each distinct reporter whose report is confirmed, from the platform fund, everywhere from 2024-11-01.
import { describe, expect, it } from "vitest";
import { accountBalance, claimsOf, ev, run } from "../support/scenario.js";

const fake = (at: string, reporterId: string, where: { city?: string; brand?: string; id?: string } = {}) => ev("listing.fake_confirmed", at, { listingId: "L1", reporterId }, where);

describe("real-listing", () => {
  it("a confirmed fake listing pays 100 CNY to the reporter at once, from the platform fund", () => {
    const s = run([fake("2026-03-02T10:00:00+08:00", "C5")]);
    expect(claimsOf(s, "real-listing")).toMatchObject([{ beneficiaryId: "C5", kind: "payout", amountFen: 10000, status: "paid", fund: "platform", version: "real-listing@2024.11" }]);
    expect(accountBalance(s, "fund:platform")).toBe(10_000_000_000 - 10000);
    expect(s.ledger.balanced).toBe(true);
  });

  it("each distinct reporter is paid once: two reporters, two payouts; the same reporter twice, one", () => {
    const s = run([fake("2026-03-02T10:00:00+08:00", "C5"), fake("2026-03-02T11:00:00+08:00", "C6"), fake("2026-03-03T10:00:00+08:00", "C5")]);
    expect(claimsOf(s, "real-listing").map((c) => c.beneficiaryId)).toEqual(["C5", "C6"]);
  });

  it("applies to every brand in every city, and to nothing before 2024-11-01", () => {
    const s = run([
      fake("2026-03-02T10:00:00+08:00", "C1", { city: "kunming", brand: "deyou" }),
      fake("2024-10-31T23:59:59+08:00", "C2"),
      fake("2024-11-01T00:00:00+08:00", "C3"),
    ]);
    expect(claimsOf(s, "real-listing").map((c) => c.beneficiaryId)).toEqual(["C3", "C1"]);
  });

  it("a resent confirmation is a duplicate; the same id for another reporter is a conflict", () => {
    const first = fake("2026-03-02T10:00:00+08:00", "C5", { id: "k-1" });
    // The conflicting copy comes later: at one instant, copies of an id are taken in an order of their content.
    const s = run([first, { ...first }, fake("2026-03-02T11:00:00+08:00", "C9", { id: "k-1" })]);
    expect(s.counts).toMatchObject({ accepted: 1, duplicates: 1, rejected: 1 });
    expect(claimsOf(s, "real-listing")).toHaveLength(1);
  });
});
