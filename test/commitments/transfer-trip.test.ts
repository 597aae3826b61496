// transfer-trip (过户枉跑,补路费): a wasted trip to the registry through the brokerage's fault: the travel
// cost, capped at 200 CNY, which a front-line agent may approve on the spot. Lianjia, all cities.
import { describe, expect, it } from "vitest";
import { claimsOf, decide, ev, run, signedDeal } from "../support/scenario.js";

const trip = (costFen: number, at = "2026-03-20T10:00:00+08:00") => ev("transfer.trip_wasted", at, { dealId: "D1", partyId: "S1", costFen }, { city: "shanghai" });
const shanghai = signedDeal("D1", { city: "shanghai" });

describe("transfer-trip", () => {
  it("the travel cost is paid up to 200 CNY: 19,999 / 20,000 / 20,001 fen", () => {
    const amounts = [19_999, 20_000, 20_001].map((cost) => claimsOf(run([shanghai, trip(cost)]), "transfer-trip")[0]!.amountFen);
    expect(amounts).toEqual([19_999, 20_000, 20_000]);
  });

  it("an agent approves it on the spot and it is paid from the brand's Shanghai fund", () => {
    const history = [shanghai, trip(15_000)];
    const [claim] = claimsOf(run(history), "transfer-trip");
    expect(claim).toMatchObject({ status: "pending_approval", requiredRole: "agent", beneficiaryId: "S1" });
    const s = run([...history, decide("claim.approved", claim!.id, "agent", "2026-03-20T10:05:00+08:00", { city: "shanghai" })]);
    expect(claimsOf(s, "transfer-trip")).toMatchObject([{ status: "paid", fund: "lianjia:shanghai", paidAt: "2026-03-20T10:05:00+08:00" }]);
  });

  it("each wasted trip is its own claim", () => {
    expect(claimsOf(run([shanghai, trip(10_000), trip(12_000, "2026-03-27T10:00:00+08:00")]), "transfer-trip")).toHaveLength(2);
  });

  it("nothing before 2024-11-01", () => {
    const s = run([signedDeal("D1", { city: "shanghai", at: "2024-10-01T10:00:00+08:00" }), trip(10_000, "2024-10-31T10:00:00+08:00")]);
    expect(claimsOf(s, "transfer-trip")).toEqual([]);
  });
});
