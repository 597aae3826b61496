// leak-compensation (漏水披露,损失补偿): a leak not disclosed before signing and found after handover:
// the repair loss compensated up to 10,000 CNY, from the platform fund; Suzhou, Tianjin, Wuhan.
import { describe, expect, it } from "vitest";
import { claimsOf, ev, run, signedDeal } from "../support/scenario.js";

const wuhan = { city: "wuhan" };
const handover = ev("deal.handover_completed", "2026-04-01T10:00:00+08:00", { dealId: "D1" }, wuhan);
const leak = (lossFen: number, disclosedBeforeSigning = false, at = "2026-05-01T10:00:00+08:00") => ev("leak.reported", at, { dealId: "D1", disclosedBeforeSigning, lossFen }, wuhan);
const amounts = (lossFen: number) => claimsOf(run([signedDeal("D1", wuhan), handover, leak(lossFen)]), "leak-compensation").map((c) => c.amountFen);

describe("leak-compensation", () => {
  it("the loss is compensated up to the 10,000 CNY cap: 999,999 / 1,000,000 / 1,000,001 fen", () => {
    expect([amounts(999_999), amounts(1_000_000), amounts(1_000_001)]).toEqual([[999_999], [1_000_000], [1_000_000]]);
  });

  it("a capped claim says what the loss was", () => {
    const [claim] = claimsOf(run([signedDeal("D1", wuhan), handover, leak(3_000_000)]), "leak-compensation");
    expect(claim!.reason).toContain("capped at 1000000 fen");
    expect(claim).toMatchObject({ status: "pending_approval", requiredRole: "quality_officer", fund: "platform", beneficiaryId: "B1" });
  });

  it("a leak disclosed before signing, or found before handover, is not covered", () => {
    expect(claimsOf(run([signedDeal("D1", wuhan), handover, leak(500_000, true)]), "leak-compensation")).toEqual([]);
    expect(claimsOf(run([signedDeal("D1", wuhan), leak(500_000, false, "2026-03-20T10:00:00+08:00"), handover]), "leak-compensation")).toEqual([]);
  });

  it("not in Beijing", () => {
    const s = run([signedDeal(), ev("deal.handover_completed", "2026-04-01T10:00:00+08:00", { dealId: "D1" }), ev("leak.reported", "2026-05-01T10:00:00+08:00", { dealId: "D1", disclosedBeforeSigning: false, lossFen: 1_000 })]);
    expect(claimsOf(s, "leak-compensation")).toEqual([]);
  });
});
