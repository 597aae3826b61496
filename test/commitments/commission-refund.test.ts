// commission-refund (交易不成,佣金无理由退): when a deal fails, everything paid in commission is
// refunded in full to each payer, no questions; the refund is due within 5 days. National, 2024-11-01.
import { describe, expect, it } from "vitest";
import { Engine } from "../../src/engine/engine.js";
import { snapshot } from "../../src/engine/snapshot.js";
import { at, bundled, claimsOf, ev, obligationsOf, phoneKey, run, signedDeal, withSettings } from "../support/scenario.js";

const paid = (at: string, payerId: string, amountFen: number) => ev("deal.commission_paid", at, { dealId: "D1", payerId, amountFen });
const failed = (at: string) => ev("deal.failed", at, { dealId: "D1", reason: "loan_rejected" });

describe("commission-refund", () => {
  it("a failed deal refunds each payer everything they paid, at once, and the 5-day refund is kept", () => {
    const s = run([signedDeal(), paid("2026-03-02T11:00:00+08:00", "B1", 6_000_000), paid("2026-03-03T11:00:00+08:00", "B1", 4_000_000), paid("2026-03-02T12:00:00+08:00", "S1", 2_000_000), failed("2026-03-10T10:00:00+08:00")]);
    const refunds = claimsOf(s, "commission-refund");
    expect(refunds.map((c) => [c.beneficiaryId, c.amountFen, c.kind, c.status])).toEqual([["B1", 10_000_000, "refund", "paid"], ["S1", 2_000_000, "refund", "paid"]]);
    expect(obligationsOf(s, "commission-refund").map((o) => o.status)).toEqual(["fulfilled", "fulfilled"]);
    expect(obligationsOf(s, "commission-refund")[0]!.dueAt).toBe("2026-03-15T10:00:00+08:00");
  });

  it("no commission paid, nothing to refund", () => {
    expect(claimsOf(run([signedDeal(), failed("2026-03-10T10:00:00+08:00")]), "commission-refund")).toEqual([]);
  });

  it("a commission payment recorded after the failure is refunded too, without refunding the rest twice", () => {
    const s = run([signedDeal(), paid("2026-03-02T11:00:00+08:00", "B1", 6_000_000), failed("2026-03-10T10:00:00+08:00"), paid("2026-03-11T09:00:00+08:00", "B1", 1_000_000)]);
    expect(claimsOf(s, "commission-refund").map((c) => c.amountFen)).toEqual([6_000_000, 1_000_000]);
  });

  it("a failure that reaches Anxin 7 days late is due 5 days after it happened: the refund paid on receipt is late", () => {
    // The service's path: each event submitted when it is received, the clock then ticked.
    const engine = new Engine({ catalogue: bundled, phoneKey });
    const receive = (event: ReturnType<typeof ev>, receivedAt: string) => engine.submit(event, { now: at(receivedAt) });
    receive(signedDeal(), "2026-03-02T10:00:00+08:00");
    receive(paid("2026-03-02T11:00:00+08:00", "B1", 6_000_000), "2026-03-02T11:00:00+08:00");
    receive(failed("2026-03-03T10:00:00+08:00"), "2026-03-10T10:00:00+08:00");
    engine.tick(at("2026-03-10T10:00:01+08:00"));
    const s = snapshot(engine.state);
    expect(claimsOf(s, "commission-refund")).toMatchObject([{ beneficiaryId: "B1", amountFen: 6_000_000, status: "paid" }]);
    expect(obligationsOf(s, "commission-refund")).toMatchObject([{ dueAt: "2026-03-08T10:00:00+08:00", status: "breached" }]);
  });

  it("a commission paid after the failure is due 5 days after that payment", () => {
    const s = run([signedDeal(), failed("2026-03-10T10:00:00+08:00"), paid("2026-03-12T09:00:00+08:00", "B1", 1_000_000)]);
    expect(obligationsOf(s, "commission-refund")).toMatchObject([{ dueAt: "2026-03-17T09:00:00+08:00", status: "fulfilled" }]);
  });

  it("a repeated failure event does not refund twice", () => {
    const s = run([signedDeal(), paid("2026-03-02T11:00:00+08:00", "B1", 6_000_000), failed("2026-03-10T10:00:00+08:00"), failed("2026-03-10T11:00:00+08:00")]);
    expect(claimsOf(s, "commission-refund")).toHaveLength(1);
  });

  it("when the platform fund cannot pay, the refund is held, alerted, breached after 5 days, and paid after a top-up", () => {
    const catalogue = withSettings((settings) => ({ ...settings, funds: { ...settings.funds, platformOpeningFen: 1_000 } }));
    const history = [signedDeal(), paid("2026-03-02T11:00:00+08:00", "B1", 6_000_000), failed("2026-03-10T10:00:00+08:00")];
    const held = run(history, { catalogue, until: "2026-03-16T00:00:00+08:00" });
    expect(claimsOf(held, "commission-refund")).toMatchObject([{ status: "approved", hold: { reason: "fund_insufficient", availableFen: 1_000 } }]);
    expect(held.alerts.map((a) => a.kind)).toEqual(["fund.payout_held", "obligation.breached"]);
    expect(obligationsOf(held, "commission-refund")[0]!.status).toBe("breached");
    const topUp = ev("fund.topped_up", "2026-03-16T09:00:00+08:00", { fundId: "platform", amountFen: 10_000_000, actorId: "finance-1" });
    const paidLate = run([...history, topUp], { catalogue });
    expect(claimsOf(paidLate, "commission-refund")).toMatchObject([{ status: "paid", paidAt: "2026-03-16T09:00:00+08:00" }]);
    expect(paidLate.ledger.balanced).toBe(true);
  });

  it("nothing before 2024-11-01", () => {
    const s = run([signedDeal("D1", { at: "2024-10-01T10:00:00+08:00" }), paid("2024-10-01T11:00:00+08:00", "B1", 100), failed("2024-10-31T23:59:59+08:00")]);
    expect(claimsOf(s, "commission-refund")).toEqual([]);
  });
});
