// no-marketing-calls (免电话营销,扰一赔百元): a marketing call to a phone without a current
// marketing_calls consent at the call's time pays 100 CNY per call to the consumer holding that
// phone. Live in wuhan, xian, chengdu, shenzhen, hangzhou from 2024-01-01; the next wave is a draft.
import { describe, expect, it } from "vitest";
import { Engine } from "../../src/engine/engine.js";
import { at, bundled, claimsOf, ev, phoneKey, run } from "../support/scenario.js";

const wuhan = { city: "wuhan", brand: "deyou" };
const phone = "+8613800138000";
const granted = (at: string, where = wuhan) => ev("consent.granted", at, { phone, scope: "marketing_calls", consumerId: "C5", channel: "app" }, where);
const revoked = (at: string) => ev("consent.revoked", at, { phone, scope: "marketing_calls" }, wuhan);
const call = (at: string, callId = "K1", purpose = "marketing", where: { city?: string; brand?: string } = wuhan) => ev("call.placed", at, { callId, phone, agentId: "A9", purpose }, where);
const reported = (at: string, reportId = "R1", callId?: string) => ev("call.reported", at, { reportId, phone, reporterId: "C5", ...(callId ? { callId } : {}) }, wuhan);

describe("no-marketing-calls", () => {
  it("a marketing call with a current consent is fine", () => {
    expect(claimsOf(run([granted("2026-03-01T09:00:00+08:00"), call("2026-03-02T10:00:00+08:00")]), "no-marketing-calls")).toEqual([]);
  });

  it("a marketing call one second after consent was revoked is a breach worth 100 CNY to the consumer", () => {
    const s = run([granted("2026-03-01T09:00:00+08:00"), revoked("2026-03-02T10:00:00+08:00"), call("2026-03-02T10:00:01+08:00")]);
    expect(claimsOf(s, "no-marketing-calls")).toMatchObject([{ subjectId: "K1", beneficiaryId: "C5", amountFen: 10000, status: "paid", fund: "platform" }]);
  });

  it("a call one second after the grant is covered by it; one second before is not", () => {
    expect(claimsOf(run([granted("2026-03-02T10:00:00+08:00"), call("2026-03-02T10:00:01+08:00")]), "no-marketing-calls")).toEqual([]);
    expect(claimsOf(run([granted("2026-03-02T10:00:00+08:00"), call("2026-03-02T09:59:59+08:00")]), "no-marketing-calls")).toHaveLength(1);
  });

  it("a consent is given to one brand: another brand's marketing call to the phone is a breach, and its pre-call check says deny", () => {
    const lianjia = { city: "wuhan", brand: "lianjia" };
    const s = run([granted("2026-03-01T09:00:00+08:00", lianjia), call("2026-03-02T10:00:00+08:00", "K1"), call("2026-03-02T11:00:00+08:00", "K2", "marketing", lianjia)]);
    expect(claimsOf(s, "no-marketing-calls").map((c) => [c.subjectId, c.brand, c.beneficiaryId])).toEqual([["K1", "deyou", null]]);
    const engine = new Engine({ catalogue: bundled, phoneKey });
    engine.submit(granted("2026-03-01T09:00:00+08:00", lianjia), { now: at("2026-03-01T09:00:00+08:00") });
    const check = (brand: string) => engine.preCallCheck({ phone, purpose: "marketing", city: "wuhan", brand, at: at("2026-03-02T10:00:00+08:00") });
    expect([check("lianjia"), check("deyou")]).toMatchObject([{ decision: "allow" }, { decision: "deny", reason: expect.stringMatching(/^no marketing_calls consent on record/) }]);
  });

  it("service and transaction calls need no consent", () => {
    const s = run([call("2026-03-02T10:00:00+08:00", "K1", "service"), call("2026-03-02T11:00:00+08:00", "K2", "transaction")]);
    expect(claimsOf(s, "no-marketing-calls")).toEqual([]);
  });

  it("per call: three calls without consent are three payouts", () => {
    const s = run([granted("2026-02-01T09:00:00+08:00"), revoked("2026-02-02T09:00:00+08:00"), ...["K1", "K2", "K3"].map((id, i) => call(`2026-03-0${i + 2}T10:00:00+08:00`, id))]);
    expect(claimsOf(s, "no-marketing-calls").map((c) => c.amountFen)).toEqual([10000, 10000, 10000]);
  });

  it("a call to a phone whose holder is unknown waits; the consumer's report names them and they are paid", () => {
    const waiting = run([call("2026-03-02T10:00:00+08:00")]);
    expect(claimsOf(waiting, "no-marketing-calls")).toMatchObject([{ status: "open", awaiting: "beneficiary" }]);
    const paid = run([call("2026-03-02T10:00:00+08:00"), reported("2026-03-03T10:00:00+08:00")]);
    expect(claimsOf(paid, "no-marketing-calls")).toMatchObject([{ subjectId: "K1", beneficiaryId: "C5", status: "paid" }]);
  });

  it("a report without a call id names the holder of every call to that phone still waiting: each call is paid", () => {
    const s = run([call("2026-03-02T10:00:00+08:00", "K1"), call("2026-03-02T11:00:00+08:00", "K2"), reported("2026-03-02T12:00:00+08:00"), call("2026-03-02T13:00:00+08:00", "K3")]);
    expect(claimsOf(s, "no-marketing-calls")).toMatchObject(["K1", "K2", "K3"].map((subjectId) => ({ subjectId, beneficiaryId: "C5", amountFen: 10000, status: "paid" })));
  });

  it("a report naming one call names the holder of the phone's other waiting calls too", () => {
    const s = run([call("2026-03-02T10:00:00+08:00", "K1"), call("2026-03-02T11:00:00+08:00", "K2"), reported("2026-03-02T12:00:00+08:00", "R1", "K2")]);
    expect(claimsOf(s, "no-marketing-calls")).toMatchObject([{ subjectId: "K1", beneficiaryId: "C5", status: "paid" }, { subjectId: "K2", beneficiaryId: "C5", status: "paid" }]);
  });

  it("a consent naming its consumer, given after a call without consent, names them: that call is paid to them", () => {
    const s = run([call("2026-03-01T10:00:00+08:00", "K1"), granted("2026-03-01T12:00:00+08:00"), revoked("2026-03-02T12:00:00+08:00"), call("2026-03-03T10:00:00+08:00", "K2")]);
    expect(claimsOf(s, "no-marketing-calls")).toMatchObject([{ subjectId: "K1", beneficiaryId: "C5", status: "paid" }, { subjectId: "K2", beneficiaryId: "C5", status: "paid" }]);
  });

  it("however many reports of one call, one payout", () => {
    const s = run([call("2026-03-02T10:00:00+08:00"), reported("2026-03-03T10:00:00+08:00", "R1"), reported("2026-03-04T10:00:00+08:00", "R2", "K1")]);
    expect(claimsOf(s, "no-marketing-calls")).toHaveLength(1);
  });

  it("a report that matches no recorded call opens a claim for review (有理让三分)", () => {
    const s = run([reported("2026-03-03T10:00:00+08:00")]);
    const [claim] = claimsOf(s, "no-marketing-calls");
    expect(claim).toMatchObject({ status: "pending_approval", requiredRole: "agent", beneficiaryId: "C5" });
    expect((claim as { review: string }).review).toContain("matches no recorded call");
  });

  it("a report of a call that had consent is rejected with the reason", () => {
    const s = run([granted("2026-03-01T09:00:00+08:00"), call("2026-03-02T10:00:00+08:00"), reported("2026-03-03T10:00:00+08:00")]);
    expect(claimsOf(s, "no-marketing-calls")).toMatchObject([{ status: "rejected", decidedReason: "recorded call K1 had a current consent" }]);
  });

  it("a consent that arrives late but was given before the call voids the unpaid claim", () => {
    const events = [call("2026-03-02T10:00:00+08:00"), granted("2026-03-01T09:00:00+08:00")];
    // The replay orders by occurredAt; a live service would see the consent after the call.
    expect(claimsOf(run(events), "no-marketing-calls")).toEqual([]);
  });

  it("live in the five cities from 2024-01-01; not before, not in Zhengzhou (the draft next wave), not in Beijing", () => {
    const s = run([
      call("2023-12-31T23:59:59+08:00", "K0"),
      call("2024-01-01T00:00:00+08:00", "K1"),
      ...["xian", "chengdu", "shenzhen", "hangzhou"].map((city, i) => call("2026-03-02T10:00:00+08:00", `K${city}${i}`, "marketing", { city, brand: "lianjia" })),
      call("2026-03-02T10:00:00+08:00", "KZ", "marketing", { city: "zhengzhou", brand: "lianjia" }),
      call("2026-03-02T10:00:00+08:00", "KB", "marketing", { city: "beijing", brand: "lianjia" }),
    ]);
    expect(claimsOf(s, "no-marketing-calls").map((c) => c.city).sort()).toEqual(["chengdu", "hangzhou", "shenzhen", "wuhan", "xian"]);
  });

  it("never keeps the phone in clear: claims show it masked", () => {
    const s = run([call("2026-03-02T10:00:00+08:00"), reported("2026-03-03T10:00:00+08:00")]);
    const text = JSON.stringify(s);
    expect(text).not.toContain("13800138000");
    expect(claimsOf(s, "no-marketing-calls")[0]!.reason).toContain("138****8000");
  });
});
