// A brand's records are its own: an event of another brand or city that names one of its listings,
// showings, deals, calls or complaints is refused, naming the field, and changes nothing of it.
import { describe, expect, it } from "vitest";
import { replayLog, type LogEntry } from "../../src/engine/replay.js";
import { snapshot } from "../../src/engine/snapshot.js";
import { bundled, claimsOf, ev, listing, obligationsOf, phoneKey, run, signedDeal } from "../support/scenario.js";

const deyou = { city: "beijing", brand: "deyou" };

describe("records of another brand or city", () => {
  it("another brand's feedback on a lianjia showing neither fulfils its obligation nor voids its claim", () => {
    const s = run([
      listing(),
      ev("showing.recorded", "2026-03-02T15:20:00+08:00", { showingId: "S1", listingId: "L1", buyerId: "C9", agentId: "A7" }),
      ev("showing.feedback_sent", "2026-03-03T10:00:00+08:00", { showingId: "S1", listingId: "DL9", ownerId: "DO9" }, { ...deyou, id: "x-2" }),
      ev("showing.feedback_sent", "2026-03-03T11:00:00+08:00", { showingId: "S9", listingId: "L1", ownerId: "O1" }, { city: "changsha", brand: "lianjia", id: "x-3" }),
      // Its own showing under lianjia's id, on its own listing: taken for lianjia's, it was dropped as a repeat.
      listing("DL9", { ...deyou }),
      ev("showing.recorded", "2026-03-03T12:00:00+08:00", { showingId: "S1", listingId: "DL9", buyerId: "DC1", agentId: "DA1" }, { ...deyou, id: "x-4" }),
    ], { until: "2026-03-06T00:00:00+08:00" });
    expect(s.rejected.map((r) => [r.id, r.code, r.field])).toEqual([["x-2", "out_of_scope", "data.showingId"], ["x-3", "out_of_scope", "data.listingId"], ["x-4", "out_of_scope", "data.showingId"]]);
    expect(obligationsOf(s, "showing-feedback-48h").map((o) => o.status)).toEqual(["breached"]);
    expect(claimsOf(s, "showing-feedback-48h").map((c) => c.status)).toEqual(["paid"]);
  });

  it("another brand's deal.failed refunds nothing of a lianjia deal; its commission payment is not added to it", () => {
    const s = run([
      signedDeal("D1"),
      ev("deal.commission_paid", "2026-03-02T11:00:00+08:00", { dealId: "D1", payerId: "B1", amountFen: 6_000_000 }, { ...deyou, id: "x-7" }),
      ev("deal.failed", "2026-03-03T10:00:00+08:00", { dealId: "D1", reason: "loan_rejected" }, { ...deyou, id: "x-8" }),
    ]);
    expect(s.rejected.map((r) => [r.id, r.field])).toEqual([["x-7", "data.dealId"], ["x-8", "data.dealId"]]);
    expect(claimsOf(s, "commission-refund")).toEqual([]);
  });

  it("another brand's call and complaint under ids lianjia used first are refused, not taken for lianjia's", () => {
    const wuhan = { city: "wuhan", brand: "lianjia" };
    const call = (brand: string, id: string) => ev("call.placed", brand === "lianjia" ? "2026-03-02T10:00:00+08:00" : "2026-03-02T10:05:00+08:00", { callId: "K1", phone: "+8613800138000", agentId: "A7", purpose: "marketing" }, { city: "wuhan", brand, id });
    const s = run([
      call("lianjia", "k-lianjia"), call("deyou", "k-deyou"),
      ev("complaint.filed", "2026-03-02T09:00:00+08:00", { complaintId: "CP1", consumerId: "C9", category: "attitude" }, wuhan),
      ev("complaint.responded", "2026-03-02T09:10:00+08:00", { complaintId: "CP1" }, { city: "wuhan", brand: "deyou", id: "x-cp" }),
    ]);
    expect(s.rejected.map((r) => [r.id, r.field])).toEqual([["x-cp", "data.complaintId"], ["k-deyou", "data.callId"]]);
    expect(claimsOf(s, "no-marketing-calls").map((c) => c.brand)).toEqual(["lianjia"]);
  });

  it("a log written before this rule rebuilds as it was applied: an event it logged is not asked again", () => {
    const events = [
      listing(),
      ev("showing.recorded", "2026-03-02T15:20:00+08:00", { showingId: "S1", listingId: "L1", buyerId: "C9", agentId: "A7" }),
      ev("showing.feedback_sent", "2026-03-03T10:00:00+08:00", { showingId: "S1", listingId: "DL9", ownerId: "DO9" }, { ...deyou, id: "x-2" }),
    ];
    const log: LogEntry[] = events.map((event, i) => ({ seq: i + 1, kind: "event", receivedAt: event.occurredAt, fingerprint: "", event: { ...event } }));
    const rebuilt = snapshot(replayLog(log, { catalogue: bundled, phoneKey }).state);
    expect(rebuilt.rejected).toEqual([]);
    expect(obligationsOf(rebuilt, "showing-feedback-48h").map((o) => o.status)).toEqual(["fulfilled"]);
  });
});
