// post-sale-rental-waiver (置换租房佣金全免 / 售后租房佣金全免): a seller whose sale the brand brokered
// rents a home through it, residential use, between signing the sale and 30 days after handover:
// the rental commission is waived (a benefit, counted at its amount). Beijing 2025, Changsha 2024.
import { describe, expect, it } from "vitest";
import { accountBalance, claimsOf, ev, run, signedDeal } from "../support/scenario.js";

const handover = ev("deal.handover_completed", "2026-04-01T10:00:00+08:00", { dealId: "D1" });
const lease = (at: string, options: { use?: string; tenantId?: string; brand?: string; city?: string } = {}) =>
  ev("lease.signed", at, { leaseId: `LS-${at}`, tenantId: options.tenantId ?? "S1", use: options.use ?? "residential", commissionFen: 583_900 }, { brand: options.brand, city: options.city });
const waived = (events: ReturnType<typeof ev>[]) => claimsOf(run(events), "post-sale-rental-waiver");

describe("post-sale-rental-waiver", () => {
  it("the seller's lease between signing and handover is waived: counted, no money leaves a fund", () => {
    const s = run([signedDeal(), lease("2026-03-10T10:00:00+08:00")]);
    expect(claimsOf(s, "post-sale-rental-waiver")).toMatchObject([{ kind: "waiver", beneficiaryId: "S1", amountFen: 583_900, status: "paid" }]);
    expect(accountBalance(s, "expense:post-sale-rental-waiver")).toBe(583_900);
    expect(accountBalance(s, "waived:lianjia:beijing")).toBe(-583_900);
    expect(s.ledger.accounts.some((a) => a.name.startsWith("fund:"))).toBe(false);
  });

  it("exactly 30 days after handover is covered; one second later is not", () => {
    expect(waived([signedDeal(), handover, lease("2026-05-01T10:00:00+08:00")])).toHaveLength(1);
    expect(waived([signedDeal(), handover, lease("2026-05-01T10:00:01+08:00")])).toEqual([]);
  });

  it("a lease before the sale was signed, a commercial lease, another tenant or another brand is not covered", () => {
    expect(waived([lease("2026-03-01T10:00:00+08:00"), signedDeal()])).toEqual([]);
    expect(waived([signedDeal(), lease("2026-03-10T10:00:00+08:00", { use: "commercial" })])).toEqual([]);
    expect(waived([signedDeal(), lease("2026-03-10T10:00:00+08:00", { tenantId: "T9" })])).toEqual([]);
    expect(waived([signedDeal(), lease("2026-03-10T10:00:00+08:00", { brand: "deyou" })])).toEqual([]);
  });

  it("a sale that failed before the lease brokered nothing", () => {
    expect(waived([signedDeal(), ev("deal.failed", "2026-03-05T10:00:00+08:00", { dealId: "D1", reason: "loan_rejected" }), lease("2026-03-10T10:00:00+08:00")])).toEqual([]);
  });

  it("Changsha from 2024-01-01 and Beijing from 2025-01-01", () => {
    expect(waived([signedDeal("D1", { city: "changsha", at: "2024-06-01T10:00:00+08:00" }), lease("2024-06-10T10:00:00+08:00", { city: "changsha" })]).map((c) => c.version)).toEqual(["post-sale-rental-waiver@changsha-2024"]);
    expect(waived([signedDeal("D1", { at: "2024-12-01T10:00:00+08:00" }), lease("2024-12-31T10:00:00+08:00")])).toEqual([]);
  });
});
