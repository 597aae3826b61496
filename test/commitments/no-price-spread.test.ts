// no-price-spread (不吃差价,有必返): a spread kept between the buyer's and the seller's price is
// refunded in full to the party, from the brand's fund, after tiered approval. Lianjia, all cities.
import { describe, expect, it } from "vitest";
import { claimsOf, decide, ev, run, signedDeal } from "../support/scenario.js";

const spread = (amountFen: number, partyId = "B1", where: { city?: string; brand?: string } = {}) => ev("price_spread.found", "2026-04-01T10:00:00+08:00", { dealId: "D1", partyId, amountFen }, where);

describe("no-price-spread", () => {
  it("the spread is refunded in full, no cap, once someone within tier approves", () => {
    const history = [signedDeal(), spread(5_000_000)];
    const [claim] = claimsOf(run(history), "no-price-spread");
    expect(claim).toMatchObject({ kind: "refund", amountFen: 5_000_000, status: "pending_approval", requiredRole: "platform_quality", fund: "lianjia:beijing" });
    const s = run([...history, decide("claim.approved", claim!.id, "platform_quality", "2026-04-02T10:00:00+08:00")]);
    expect(claimsOf(s, "no-price-spread")).toMatchObject([{ status: "paid" }]);
  });

  it("a rejected claim pays nothing and records who and why", () => {
    const history = [signedDeal(), spread(50_000)];
    const id = claimsOf(run(history), "no-price-spread")[0]!.id;
    const s = run([...history, decide("claim.rejected", id, "store_manager", "2026-04-02T10:00:00+08:00")]);
    const [claim] = claimsOf(s, "no-price-spread");
    expect(claim).toMatchObject({ status: "rejected", decidedReason: "checked the evidence" });
    expect(claim!.decisions.at(-1)).toMatchObject({ action: "rejected", actorId: "store_manager-1", role: "store_manager" });
    expect(s.ledger.entries).toBe(0);
  });

  it("each spread found is refunded: a second spread on the same deal and party is a second refund", () => {
    const s = run([signedDeal(), spread(10_000), ev("price_spread.found", "2026-05-05T10:00:00+08:00", { dealId: "D1", partyId: "B1", amountFen: 500_000 }), spread(70_000, "S1")]);
    const refunds = claimsOf(s, "no-price-spread").map((c) => [c.beneficiaryId, c.amountFen]);
    expect(refunds.sort((a, b) => Number(a[1]) - Number(b[1]))).toEqual([["B1", 10_000], ["S1", 70_000], ["B1", 500_000]]);
  });

  it("the same finding sent twice (one event id) is one refund", () => {
    const found = spread(50_000);
    const s = run([signedDeal(), found, { ...found }]);
    expect(claimsOf(s, "no-price-spread")).toMatchObject([{ beneficiaryId: "B1", amountFen: 50_000, causedBy: [found.id] }]);
  });

  it("lianjia only", () => {
    expect(claimsOf(run([signedDeal("D1", { brand: "deyou" }), spread(50_000, "B1", { brand: "deyou" })]), "no-price-spread")).toEqual([]);
  });
});
