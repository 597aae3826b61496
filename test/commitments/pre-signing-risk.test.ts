// pre-signing-risk: where funds safety is live, in the 48 hours before signing a price more than 20%
// from the asking price halts the deal; so do funds outside custody and a known seizure ("checks of
// the same shape", domain.md; until 2026-11-27 the catalogue had funds outside custody only warn).
import { describe, expect, it } from "vitest";
import { Engine } from "../../src/engine/engine.js";
import { snapshot } from "../../src/engine/snapshot.js";
import { at, bundled, ev, listing, phoneKey, run, signedDeal } from "../support/scenario.js";

const suzhou = { city: "suzhou" };
const asking = listing("L1", { city: "suzhou", askingPriceFen: 300_000_000, at: "2026-02-01T10:00:00+08:00" });
const proposed = (time: string, priceFen: number, where = suzhou) => ev("deal.price_proposed", time, { dealId: "D1", listingId: "L1", priceFen }, where);

describe("pre-signing-risk", () => {
  it("exactly 20% from the asking price passes; 20.01% halts, with the reason", () => {
    expect(run([asking, proposed("2026-03-01T10:00:00+08:00", 360_000_000)]).risks).toEqual([]);
    const s = run([asking, proposed("2026-03-01T10:00:00+08:00", 360_030_000)]);
    expect(s.risks).toMatchObject([{ dealId: "D1", rule: "price-deviation-48h", decision: "halt", signedDespiteHalt: false }]);
    expect(s.risks[0]!.reason).toContain("20%");
    expect(s.alerts).toMatchObject([{ kind: "risk.halted", dealId: "D1" }]);
  });

  it("a deal signed over a halt is recorded as such", () => {
    const s = run([asking, proposed("2026-03-01T10:00:00+08:00", 200_000_000), signedDeal("D1", { city: "suzhou", at: "2026-03-02T09:00:00+08:00", priceFen: 300_000_000 })]);
    expect(s.risks).toMatchObject([{ rule: "price-deviation-48h", decision: "halt", signedDespiteHalt: true }]);
  });

  it("a halt whose proposal left the 48 hours before the signing had lapsed: the deal is signed, not over the halt, and not stopped", () => {
    const history = [asking, proposed("2026-03-01T10:00:00+08:00", 400_000_000)];
    const engine = new Engine({ catalogue: bundled, phoneKey });
    for (const e of history) engine.submit(e, { now: at(e.occurredAt) });
    expect(engine.preSigningCheck({ dealId: "D1", city: "suzhou", brand: "lianjia", at: at("2026-03-05T10:00:00+08:00"), priceFen: 300_000_000 }).decision).toBe("pass");
    const s = run([...history, signedDeal("D1", { city: "suzhou", at: "2026-03-05T10:00:00+08:00", priceFen: 300_000_000 })]);
    expect(s.risks).toMatchObject([{ rule: "price-deviation-48h", decision: "halt", signedDespiteHalt: false, signedAt: "2026-03-05T10:00:00+08:00" }]);
    // The reason says what was measured: the proposal, at its time.
    expect(s.risks[0]!.reason).toBe("price 400000000 fen proposed at 2026-03-01T10:00:00+08:00 is 33% from the asking price 300000000 fen (limit 20%)");
  });

  it("a halting proposal that arrives after the signing, dated within 48 hours before it, records the signing as over the halt", () => {
    const engine = new Engine({ catalogue: bundled, phoneKey });
    engine.submit(asking, { now: at(asking.occurredAt) });
    engine.submit(signedDeal("D1", { city: "suzhou", at: "2026-03-02T09:00:00+08:00", priceFen: 300_000_000 }), { now: at("2026-03-02T09:00:00+08:00") });
    engine.submit(proposed("2026-03-01T10:00:00+08:00", 400_000_000), { now: at("2026-03-03T10:00:00+08:00") });
    expect(snapshot(engine.state).risks).toMatchObject([{ rule: "price-deviation-48h", decision: "halt", signedDespiteHalt: true, signedAt: "2026-03-02T09:00:00+08:00" }]);
  });

  it("a signing price far from the asking price halts the signing itself, and is recorded as signed over it", () => {
    const s = run([asking, signedDeal("D1", { city: "suzhou", at: "2026-03-02T09:00:00+08:00", priceFen: 200_000_000 })]);
    expect(s.risks).toMatchObject([{ rule: "price-deviation-48h", decision: "halt", signedDespiteHalt: true, reason: "signing price 200000000 fen is 33% from the asking price 300000000 fen (limit 20%)" }]);
  });

  it("funds deposited outside custody halt, as a known seizure does", () => {
    const s = run([asking, ev("funds.deposited", "2026-03-01T10:00:00+08:00", { dealId: "D1", amountFen: 1_000, custody: false }, suzhou), ev("seizure.found", "2026-03-01T11:00:00+08:00", { dealId: "D1", seizedOn: "2026-02-20", lossFen: 1 }, suzhou)]);
    expect(s.risks.map((r) => [r.rule, r.decision])).toEqual([["funds-not-in-custody", "halt"], ["known-seizure", "halt"]]);
  });

  it("only where funds safety is live and from the same dates: nothing in Beijing, nothing in Tianjin before 2025-09-22", () => {
    expect(run([listing("L1", { askingPriceFen: 300_000_000 }), proposed("2026-03-01T10:00:00+08:00", 100_000_000, { city: "beijing" })]).risks).toEqual([]);
    const tianjin = { city: "tianjin" };
    const before = run([listing("L1", { city: "tianjin", askingPriceFen: 300_000_000, at: "2025-09-01T10:00:00+08:00" }), proposed("2025-09-21T10:00:00+08:00", 100_000_000, tianjin)]);
    expect(before.risks).toEqual([]);
  });

  it("the pre-signing check answers halt, warn or pass for a deal, with every reason", () => {
    const engine = new Engine({ catalogue: bundled, phoneKey });
    for (const e of [asking, proposed("2026-03-01T10:00:00+08:00", 400_000_000)]) engine.submit(e, { now: at(e.occurredAt) });
    const now = at("2026-03-01T12:00:00+08:00");
    expect(engine.preSigningCheck({ dealId: "D1", city: "suzhou", brand: "lianjia", at: now })).toMatchObject({ decision: "halt", findings: [{ rule: "price-deviation-48h" }] });
    // 49 hours later the proposal has left the 48-hour window.
    expect(engine.preSigningCheck({ dealId: "D1", city: "suzhou", brand: "lianjia", at: now + 49 * 3_600_000 }).decision).toBe("pass");
    expect(engine.preSigningCheck({ dealId: "D9", city: "suzhou", brand: "lianjia", at: now })).toMatchObject({ decision: "pass", reason: "no events known for deal D9" });
    expect(engine.preSigningCheck({ dealId: "D1", city: "beijing", brand: "lianjia", at: now })).toMatchObject({ decision: "pass", reason: "no pre-signing risk rules are live here" });
  });

  it("the pre-call check allows a consented marketing call and denies one without consent, with the reason", () => {
    const engine = new Engine({ catalogue: bundled, phoneKey });
    const grant = ev("consent.granted", "2026-03-01T09:00:00+08:00", { phone: "+8613800138000", scope: "marketing_calls", consumerId: "C5", channel: "app" }, { city: "wuhan" });
    engine.submit(grant, { now: at(grant.occurredAt) });
    const ask = (phone: string, purpose: "marketing" | "service") => engine.preCallCheck({ phone, purpose, city: "wuhan", brand: "lianjia", at: at("2026-03-02T10:00:00+08:00") });
    expect(ask("+8613800138000", "marketing")).toMatchObject({ decision: "allow", phoneMasked: "138****8000" });
    expect(ask("+8613900139000", "marketing")).toMatchObject({ decision: "deny" });
    expect(ask("+8613900139000", "service")).toMatchObject({ decision: "allow" });
    expect(ask("+86123", "marketing")).toMatchObject({ code: "invalid_phone", field: "phone" });
  });
});
