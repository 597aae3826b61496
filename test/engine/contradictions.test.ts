// Events whose fields are each valid but whose story does not hold together: the contract judges an
// event by its occurredAt and names subjects by opaque ids, so each is taken as it comes and the
// rules read it as written (docs/engine.md, "Inputs that contradict each other"). Pinned here so
// that a change to any of them is a decision, not an accident.
import { describe, expect, it } from "vitest";
import { claimsOf, ev, listing, obligationsOf, run, signedDeal } from "../support/scenario.js";

const until = "2026-03-20T00:00:00+08:00";
const showing = (at: string, listingId = "L1") => ev("showing.recorded", at, { showingId: "S1", listingId, buyerId: "C9", agentId: "A7" });
const feedback = (at: string, listingId = "L1") => ev("showing.feedback_sent", at, { showingId: "S1", listingId, ownerId: "O1" });
const paid = (at: string, amountFen: number) => ev("deal.commission_paid", at, { dealId: "D1", payerId: "B1", amountFen });
const failed = (at: string) => ev("deal.failed", at, { dealId: "D1", reason: "loan_rejected" });

describe("events that contradict each other", () => {
  it("feedback is matched to its showing by the showing's id: sent before the showing was entered, or naming another listing, it fulfils", () => {
    const early = run([listing(), feedback("2026-03-02T09:00:00+08:00"), showing("2026-03-02T10:00:00+08:00")], { until });
    expect(obligationsOf(early, "showing-feedback-48h").map((o) => o.status)).toEqual(["fulfilled"]);
    const elsewhere = run([listing(), listing("L2"), showing("2026-03-02T10:00:00+08:00"), feedback("2026-03-02T11:00:00+08:00", "L2")], { until });
    expect(obligationsOf(elsewhere, "showing-feedback-48h").map((o) => o.status)).toEqual(["fulfilled"]);
  });

  it("a showing id recorded again under another event id opens nothing more: the first showing stands", () => {
    const s = run([listing(), listing("L2", { ownerId: "O2" }), showing("2026-03-02T10:00:00+08:00"), showing("2026-03-02T11:00:00+08:00", "L2")], { until });
    expect(claimsOf(s, "showing-feedback-48h").map((c) => [c.beneficiaryId, c.amountFen, c.status])).toEqual([["O1", 10_000, "paid"]]);
  });

  it("a commission refund follows what was paid: on a deal never signed, or failed before its signing, or above the deal's commission", () => {
    const unsigned = run([paid("2026-03-02T11:00:00+08:00", 6_000_000), failed("2026-03-10T10:00:00+08:00")], { until });
    expect(claimsOf(unsigned, "commission-refund").map((c) => [c.beneficiaryId, c.amountFen, c.status])).toEqual([["B1", 6_000_000, "paid"]]);
    const failedFirst = run([listing(), paid("2026-03-01T11:00:00+08:00", 6_000_000), failed("2026-03-01T12:00:00+08:00"), signedDeal()], { until });
    expect(claimsOf(failedFirst, "commission-refund").map((c) => c.amountFen)).toEqual([6_000_000]);
    const above = run([listing(), signedDeal(), paid("2026-03-02T11:00:00+08:00", 50_000_000), failed("2026-03-10T10:00:00+08:00")], { until });
    expect(claimsOf(above, "commission-refund").map((c) => c.amountFen)).toEqual([50_000_000]);
  });

  it("arrears found after a handover dated before the signing are advanced: the handover's date is taken as written", () => {
    const s = run([listing(), ev("deal.handover_completed", "2026-03-01T11:00:00+08:00", { dealId: "D1" }), signedDeal(), ev("property_fee.arrears_found", "2026-03-05T11:00:00+08:00", { dealId: "D1", amountFen: 100_000 })], { until });
    expect(claimsOf(s, "property-fee-advance").map((c) => [c.kind, c.amountFen, c.status])).toEqual([["advance", 100_000, "paid"]]);
  });

  it("a recovery beyond what was advanced reduces the receivable to nothing and alerts the rest", () => {
    const s = run([listing(), signedDeal(), ev("deal.handover_completed", "2026-03-04T11:00:00+08:00", { dealId: "D1" }), ev("property_fee.arrears_found", "2026-03-05T11:00:00+08:00", { dealId: "D1", amountFen: 100_000 }), ev("property_fee.recovered", "2026-03-06T11:00:00+08:00", { dealId: "D1", amountFen: 900_000 })], { until });
    expect(claimsOf(s, "property-fee-advance")[0]!.receivable).toMatchObject({ advancedFen: 100_000, recoveredFen: 100_000, outstandingFen: 0 });
    expect(s.alerts.filter((a) => a.kind === "recovery.excess").map((a) => a.message)).toEqual(["800000 fen recovered on deal D1 beyond any outstanding advance"]);
    expect(s.ledger.balanced).toBe(true);
  });

  it("a complaint closed at a time before it was filed has every 30124 stage met", () => {
    const s = run([ev("complaint.closed", "2026-03-01T11:00:00+08:00", { complaintId: "K1" }), ev("complaint.filed", "2026-03-02T11:00:00+08:00", { complaintId: "K1", consumerId: "C1", category: "service", text: "太慢" })], { until });
    expect(obligationsOf(s, "complaints-30124").map((o) => o.status)).toEqual(["fulfilled", "fulfilled", "fulfilled"]);
  });
});
