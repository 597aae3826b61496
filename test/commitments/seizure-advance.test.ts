// seizure-advance (签前查封,先垫付): a court seizure that existed before signing: the buyer's loss is
// advanced from the brand's fund and a receivable against the seller booked. Lianjia, all cities, 2024-11-01.
import { describe, expect, it } from "vitest";
import { accountBalance, claimsOf, ev, run, signedDeal } from "../support/scenario.js";

const seizure = (at: string, seizedOn: string, where: { city?: string; brand?: string } = {}) => ev("seizure.found", at, { dealId: "D1", seizedOn, lossFen: 2_000_000 }, where);

describe("seizure-advance", () => {
  it("a seizure dated before the signing advances the buyer's loss and books the seller's debt", () => {
    const s = run([signedDeal("D1", { at: "2026-03-02T10:00:00+08:00" }), seizure("2026-03-20T10:00:00+08:00", "2026-02-15")]);
    expect(claimsOf(s, "seizure-advance")).toMatchObject([{ beneficiaryId: "B1", kind: "advance", amountFen: 2_000_000, status: "paid", fund: "lianjia:beijing", receivable: { debtorId: "S1" } }]);
    expect(accountBalance(s, "receivable:lianjia:beijing")).toBe(2_000_000);
  });

  it("a seizure dated the day before signing is advanced; the signing day itself goes to review; the day after is not covered", () => {
    expect(claimsOf(run([signedDeal(), seizure("2026-03-20T10:00:00+08:00", "2026-03-01")]), "seizure-advance")).toMatchObject([{ status: "paid" }]);
    const sameDay = claimsOf(run([signedDeal(), seizure("2026-03-20T10:00:00+08:00", "2026-03-02")]), "seizure-advance");
    expect(sameDay).toMatchObject([{ status: "pending_approval", requiredRole: "quality_officer" }]); // 20,000 CNY: the city quality officer's tier
    expect((sameDay[0] as { review: string }).review).toContain("signing day");
    expect(claimsOf(run([signedDeal(), seizure("2026-03-20T10:00:00+08:00", "2026-03-03")]), "seizure-advance")).toEqual([]);
  });

  it("two seizures found on one deal at the same instant are each judged by their own date: only the one before the signing is advanced", () => {
    const found = "2026-03-20T10:00:00+08:00";
    const s = run([
      signedDeal(),
      ev("seizure.found", found, { dealId: "D1", seizedOn: "2026-02-15", lossFen: 2_000_000 }, { id: "Z1" }),
      ev("seizure.found", found, { dealId: "D1", seizedOn: "2026-03-10", lossFen: 3_000_000 }, { id: "Z2" }),
    ]);
    expect(claimsOf(s, "seizure-advance")).toMatchObject([{ amountFen: 2_000_000, status: "paid", causedBy: ["Z1"] }]);
    expect(accountBalance(s, "receivable:lianjia:beijing")).toBe(2_000_000);
  });

  it("a seizure date no calendar has, or one outside 1970–2999, is rejected, naming data.seizedOn", () => {
    const found = (id: string, seizedOn: string) => ev("seizure.found", "2026-03-20T10:00:00+08:00", { dealId: "D1", seizedOn, lossFen: 2_000_000 }, { id });
    const s = run([signedDeal(), found("Z1", "2026-02-30"), found("Z2", "1969-12-31")]);
    expect(s.rejected.map((r) => [r.id, r.code, r.field]).sort()).toEqual([["Z1", "invalid_field", "data.seizedOn"], ["Z2", "invalid_field", "data.seizedOn"]]);
    expect(claimsOf(s, "seizure-advance")).toEqual([]);
  });

  it("seizure.recovered reduces the receivable", () => {
    const s = run([signedDeal(), seizure("2026-03-20T10:00:00+08:00", "2026-02-15"), ev("seizure.recovered", "2026-05-01T10:00:00+08:00", { dealId: "D1", amountFen: 500_000 })]);
    expect(claimsOf(s, "seizure-advance")[0]).toMatchObject({ receivable: { recoveredFen: 500_000, outstandingFen: 1_500_000 } });
    expect(accountBalance(s, "receivable:lianjia:beijing")).toBe(1_500_000);
  });

  it("lianjia only, from 2024-11-01", () => {
    const s = run([
      signedDeal("D1", { brand: "deyou" }), seizure("2026-03-20T10:00:00+08:00", "2026-02-15", { brand: "deyou" }),
      signedDeal("D0", { at: "2024-10-01T10:00:00+08:00" }), ev("seizure.found", "2024-10-20T10:00:00+08:00", { dealId: "D0", seizedOn: "2024-09-01", lossFen: 1 }),
    ]);
    expect(claimsOf(s, "seizure-advance")).toEqual([]);
  });
});
