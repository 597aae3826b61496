// funds-safety (房款安全,平台兜底): a confirmed loss of purchase funds on a deal whose funds went into
// custody is paid in full by the platform fund; outside custody it goes to review with the reason.
// Suzhou from 2024-11-01, Tianjin from 2025-09-22, Wuhan from 2025-01-01. Tiered approval.
import { describe, expect, it } from "vitest";
import { claimsOf, decide, ev, run, signedDeal } from "../support/scenario.js";

const tianjin = { city: "tianjin" };
const deposited = (at: string, custody: boolean, where = tianjin) => ev("funds.deposited", at, { dealId: "D1", amountFen: 100_000_000, custody }, where);
const loss = (at: string, where = tianjin) => ev("funds.loss_confirmed", at, { dealId: "D1", amountFen: 80_000_000, caseId: "CASE-7" }, where);

describe("funds-safety", () => {
  it("a loss on funds in custody is paid in full, no cap, once platform quality approves", () => {
    const history = [signedDeal("D1", { city: "tianjin" }), deposited("2026-03-01T10:00:00+08:00", true), loss("2026-04-01T10:00:00+08:00")];
    const pending = run(history);
    expect(claimsOf(pending, "funds-safety")).toMatchObject([{ beneficiaryId: "B1", amountFen: 80_000_000, status: "pending_approval", requiredRole: "platform_quality", review: null, fund: "platform" }]);
    const id = claimsOf(pending, "funds-safety")[0]!.id;
    const tooLow = run([...history, decide("claim.approved", id, "quality_officer", "2026-04-02T10:00:00+08:00", tianjin)]);
    expect(tooLow.rejected).toMatchObject([{ code: "insufficient_authority", field: "data.role" }]);
    const paid = run([...history, decide("claim.approved", id, "platform_quality", "2026-04-02T10:00:00+08:00", tianjin)]);
    expect(claimsOf(paid, "funds-safety")).toMatchObject([{ status: "paid", paidAt: "2026-04-02T10:00:00+08:00" }]);
  });

  it("funds that went outside the supervised account send the claim to review with that reason", () => {
    const s = run([signedDeal("D1", { city: "tianjin" }), deposited("2026-03-01T10:00:00+08:00", true), deposited("2026-03-01T11:00:00+08:00", false), loss("2026-04-01T10:00:00+08:00")]);
    const [claim] = claimsOf(s, "funds-safety");
    expect(claim).toMatchObject({ status: "pending_approval" });
    expect((claim as { review: string }).review).toContain("funds not in custody");
  });

  it("Tianjin from 2025-09-22 (the 真保障 launch): a loss the day before is not covered", () => {
    const before = run([signedDeal("D1", { city: "tianjin", at: "2025-09-01T10:00:00+08:00" }), deposited("2025-09-01T09:00:00+08:00", true), loss("2025-09-21T23:59:59+08:00")]);
    const on = run([signedDeal("D1", { city: "tianjin", at: "2025-09-01T10:00:00+08:00" }), deposited("2025-09-01T09:00:00+08:00", true), loss("2025-09-22T00:00:00+08:00")]);
    expect(claimsOf(before, "funds-safety")).toEqual([]);
    expect(claimsOf(on, "funds-safety").map((c) => c.version)).toEqual(["funds-safety@tianjin-2025-09"]);
  });

  it("Suzhou and Wuhan are covered; Beijing is not", () => {
    const city = (c: string) => [signedDeal("D1", { city: c }), deposited("2026-03-01T10:00:00+08:00", true, { city: c }), loss("2026-04-01T10:00:00+08:00", { city: c })];
    expect(claimsOf(run(city("suzhou")), "funds-safety")).toHaveLength(1);
    expect(claimsOf(run(city("wuhan")), "funds-safety")).toHaveLength(1);
    expect(claimsOf(run(city("beijing")), "funds-safety")).toEqual([]);
  });

  it("one claim per case", () => {
    const s = run([signedDeal("D1", { city: "tianjin" }), deposited("2026-03-01T10:00:00+08:00", true), loss("2026-04-01T10:00:00+08:00"), loss("2026-04-02T10:00:00+08:00")]);
    expect(claimsOf(s, "funds-safety")).toHaveLength(1);
  });
});
