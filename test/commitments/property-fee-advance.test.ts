// property-fee-advance (物业欠费,损失先行垫付): property-fee arrears left by the seller and found after
// handover are advanced to the buyer at once from the platform fund; a receivable against the
// seller is booked and reduced by recoveries. National from 2024-11-01.
import { describe, expect, it } from "vitest";
import { accountBalance, claimsOf, ev, run, signedDeal } from "../support/scenario.js";

const handover = (at: string) => ev("deal.handover_completed", at, { dealId: "D1" });
const arrears = (at: string, amountFen: number) => ev("property_fee.arrears_found", at, { dealId: "D1", amountFen });
const recovered = (at: string, amountFen: number) => ev("property_fee.recovered", at, { dealId: "D1", amountFen });

describe("property-fee-advance", () => {
  it("arrears found after handover are advanced to the buyer at once; the seller owes the fund", () => {
    const s = run([signedDeal(), handover("2026-04-01T10:00:00+08:00"), arrears("2026-04-10T10:00:00+08:00", 350_000)]);
    expect(claimsOf(s, "property-fee-advance")).toMatchObject([{ beneficiaryId: "B1", kind: "advance", amountFen: 350_000, status: "paid", receivable: { debtorId: "S1", advancedFen: 350_000, recoveredFen: 0, outstandingFen: 350_000 } }]);
    expect(accountBalance(s, "receivable:platform")).toBe(350_000);
    expect(s.ledger.balanced).toBe(true);
  });

  it("recoveries reduce the receivable, partly then fully; money comes back into the fund", () => {
    const s = run([signedDeal(), handover("2026-04-01T10:00:00+08:00"), arrears("2026-04-10T10:00:00+08:00", 350_000), recovered("2026-05-01T10:00:00+08:00", 100_000), recovered("2026-06-01T10:00:00+08:00", 250_000)]);
    expect(claimsOf(s, "property-fee-advance")[0]).toMatchObject({ receivable: { recoveredFen: 350_000, outstandingFen: 0 } });
    expect(accountBalance(s, "receivable:platform")).toBe(0);
    expect(accountBalance(s, "fund:platform")).toBe(10_000_000_000);
  });

  it("a recovery beyond what was advanced is never booked below zero: the excess is alerted", () => {
    const s = run([signedDeal(), handover("2026-04-01T10:00:00+08:00"), arrears("2026-04-10T10:00:00+08:00", 350_000), recovered("2026-05-01T10:00:00+08:00", 400_000)]);
    expect(accountBalance(s, "receivable:platform")).toBe(0);
    expect(s.alerts).toMatchObject([{ kind: "recovery.excess", dealId: "D1" }]);
    expect(s.alerts[0]!.message).toContain("50000 fen");
  });

  it("arrears found before handover are the seller's to settle: no advance", () => {
    const s = run([signedDeal(), arrears("2026-03-20T10:00:00+08:00", 350_000), handover("2026-04-01T10:00:00+08:00")]);
    expect(claimsOf(s, "property-fee-advance")).toEqual([]);
  });

  it("arrears found at the very instant of handover count as after it", () => {
    const s = run([signedDeal(), handover("2026-04-01T10:00:00+08:00"), arrears("2026-04-01T10:00:00+08:00", 1)]);
    expect(claimsOf(s, "property-fee-advance")).toHaveLength(1);
  });

  it("every brand, every city, from 2024-11-01", () => {
    const s = run([
      signedDeal("D1", { city: "dalian", brand: "deyou" }), ev("deal.handover_completed", "2026-04-01T10:00:00+08:00", { dealId: "D1" }, { city: "dalian", brand: "deyou" }),
      ev("property_fee.arrears_found", "2026-04-10T10:00:00+08:00", { dealId: "D1", amountFen: 100 }, { city: "dalian", brand: "deyou" }),
      signedDeal("D0", { at: "2024-09-01T10:00:00+08:00" }), ev("deal.handover_completed", "2024-10-01T10:00:00+08:00", { dealId: "D0" }),
      ev("property_fee.arrears_found", "2024-10-31T10:00:00+08:00", { dealId: "D0", amountFen: 100 }),
    ]);
    expect(claimsOf(s, "property-fee-advance").map((c) => c.city)).toEqual(["dalian"]);
  });
});
