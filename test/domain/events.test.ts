// The event contract: every type validated by its compiled schema; bad input answered with a
// code and the field at fault, kept, never with a phone in clear.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { eventTypes } from "../../src/domain/events/schema.js";
import { acceptorFrom } from "../../src/domain/events/accept.js";
import { checkEvent, checkSources, validateEvent } from "../../src/domain/events/validate.js";
import { envelope, eventTypesGenerated } from "../support/arbitraries.js";
import { replay, parseLines } from "../../src/engine/replay.js";
import { bundled, ev, listing, phoneKey, run } from "../support/scenario.js";

const validate = (input: unknown) => validateEvent(input, { phoneKey });
const rejection = (input: unknown) => {
  const result = validate(input);
  return result.ok ? null : result.rejection;
};

describe("the event contract", () => {
  it("accepts a valid example of every generated type", () => {
    fc.assert(fc.property(envelope, (e) => {
      expect(validate({ id: "x1", ...e }).ok).toBe(true);
    }), { numRuns: 300 });
  });

  it("covers every type of events.md", () => {
    const contract = ["listing.published", "listing.price_changed", "listing.viewed", "listing.followed", "listing.promoted", "listing.delisted", "listing.fake_confirmed",
      "listing.maintainer_changed", "owner.replacement_requested", "owner.progress_reported", "owner.message", "review.submitted", "maintenance.damage",
      "showing.recorded", "showing.feedback_sent", "consent.granted", "consent.revoked", "call.placed", "call.reported", "deal.price_proposed", "deal.signed",
      "deal.commission_paid", "deal.failed", "deal.handover_completed", "funds.deposited", "funds.released", "funds.loss_confirmed", "property_fee.arrears_found",
      "property_fee.recovered", "leak.reported", "seizure.found", "transfer.trip_wasted", "price_spread.found", "lease.signed", "complaint.filed",
      "complaint.responded", "complaint.solution_proposed", "complaint.closed"];
    expect(eventTypes).toEqual(expect.arrayContaining(contract));
    expect(eventTypesGenerated.length).toBeGreaterThan(25);
  });

  it("names what is wrong and where", () => {
    const good = listing();
    expect(rejection("a string")).toMatchObject({ code: "invalid_envelope", field: "" });
    expect(rejection({ ...good, data: { ...good.data, listingId: undefined } })).toMatchObject({ code: "missing_field", field: "data.listingId" });
    expect(rejection({ ...good, data: { ...good.data, lisitngId: "L1" } })).toMatchObject({ code: "unknown_field" });
    expect(rejection({ ...good, data: { ...good.data, askingPriceFen: 12.5 } })).toMatchObject({ code: "invalid_field", field: "data.askingPriceFen" });
    expect(rejection({ ...good, data: { ...good.data, askingPriceFen: -1 } })).toMatchObject({ code: "invalid_field", field: "data.askingPriceFen" });
    expect(rejection({ ...good, type: "listing.sold" })).toMatchObject({ code: "unknown_type", field: "type" });
    expect(rejection({ ...good, city: "Beijing" })).toMatchObject({ code: "invalid_field", field: "city" });
    // No text holds U+0000: PostgreSQL cannot store it, and no id or note needs it.
    expect(rejection({ ...good, id: "L\u0000" })).toMatchObject({ code: "invalid_field", field: "id" });
    expect(rejection({ ...good, data: { ...good.data, layout: "2室\u00001厅" } })).toMatchObject({ code: "invalid_field", field: "data.layout" });
    // Nor an unpaired surrogate, which is not text: each engine would store another id in its place.
    expect(rejection({ ...good, id: "L\ud800" })).toMatchObject({ code: "invalid_field", field: "id", message: "id holds an unpaired UTF-16 surrogate, which no text may hold" });
    expect(rejection({ ...good, data: { ...good.data, layout: "2室\udc001厅" } })).toMatchObject({ code: "invalid_field", field: "data.layout" });
    expect(rejection({ ...good, data: { ...good.data, layout: "2室1厅 🏠" } })).toBeNull();
    // A review names its listing or its deal ("listingId or dealId").
    const review = ev("review.submitted", "2026-03-10T10:00:00+08:00", { reviewId: "R1", authorId: "C5", stage: "deal", rating: 5 });
    expect(rejection(review)).toMatchObject({ code: "missing_field", field: "data.listingId" });
    expect(rejection({ ...review, data: { ...review.data, dealId: "D1" } })).toBeNull();
  });

  it("takes RFC 3339 with an offset and a real instant only", () => {
    const at = (occurredAt: string) => rejection({ ...listing(), occurredAt });
    expect(at("2026-03-02T15:20:00+08:00")).toBeNull();
    expect(at("2026-03-02T07:20:00Z")).toBeNull();
    expect(at("2026-03-02T15:20:00.123+08:00")).toBeNull();
    for (const bad of ["2026-03-02T15:20:00", "2026-03-02 15:20:00+08:00", "2026-02-30T10:00:00+08:00", "2026-03-02T24:00:00+08:00", "yesterday"]) {
      expect(at(bad)).toMatchObject({ code: "invalid_timestamp", field: "occurredAt" });
    }
  });

  it("takes real E.164 phone numbers only, and keeps none in clear", () => {
    const call = (phone: string) => ev("call.placed", "2026-03-02T10:00:00+08:00", { callId: "K1", phone, agentId: "A1", purpose: "marketing" }, { city: "wuhan" });
    expect(rejection(call("+8613800138000"))).toBeNull();
    expect(rejection(call("13800138000"))).toMatchObject({ code: "invalid_field", field: "data.phone" });
    expect(rejection(call("+86123456789"))).toMatchObject({ code: "invalid_phone", field: "data.phone" });
    const accepted = validate(call("+8613800138000"));
    expect(accepted.ok && accepted.event.data).toMatchObject({ phoneMasked: "138****8000" });
    expect(JSON.stringify(accepted)).not.toContain("13800138000");
    const s = run([call("+8613800138000"), { ...call("+8613800138000"), id: "bad", data: { callId: "K2", phone: "+8613800138000", purpose: "spam" } }, "{\"phone\":\"+8613800138000\""]);
    expect(s.rejected.map((r) => r.code).sort()).toEqual(["invalid_json", "missing_field"]);
    expect(JSON.stringify(s)).not.toContain("13800138000");
  });

  it("keeps no phone in clear in a rejected input, wherever it stands in it", () => {
    // Until 2026-11-27 only data.phone was replaced: the rest was kept, and listed, as sent.
    const lines = [
      ev("no.such.type", "2026-03-02T10:00:00+08:00", { mobile: "+8613800138001", note: "call 13800138002 after six" }),
      { ...listing(), id: "typo", data: { listingId: "L1", ownerPhone: 13800138003, phones: ["138 0013 8004"] } },
      [{ phone: "+8613800138005" }],
      "{\"phone\": +8613800138006}",
      ev("owner.message", "2026-03-02T10:00:00+08:00", { listingId: "L1", ownerId: "O1", text: "请回电 139 1234 5678", extra: "１３９１２３４５６７８" }),
      ev("13800138008", "2026-03-02T10:00:00+08:00", { "+8613800138009": 1 }),
      "{\"id\": \"x\", \"data\": {\"phone\": \"+8613800138007\"",
    ].map((line) => (typeof line === "string" ? line : JSON.stringify(line)));
    const { rejected } = replay(parseLines(lines), { catalogue: bundled, phoneKey }).state;
    expect(rejected).toHaveLength(7);
    // Not even a parser's message quoting the text around its fault (V8 quotes "+861380013").
    const kept = JSON.stringify(rejected.map(({ input, message, type, field }) => ({ input, message, type, field })));
    expect(kept).not.toMatch(/\d{7}/);
    for (const part of ["1234 5678", "１２３４"]) expect(kept).not.toContain(part);
    // What is not a phone is kept as sent.
    expect(rejected.find((r) => r.id === "typo")?.input).toEqual({ ...listing(), id: "typo", data: { listingId: "L1", ownerPhone: "[redacted]", phones: ["[redacted]"] } });
  });

  it("masks a phone in an owner's message, a complaint or a note, as it is shown, and keeps the rest of the text as sent", () => {
    const message = (text: string) => validate(ev("owner.message", "2026-03-02T10:00:00+08:00", { listingId: "L1", ownerId: "O1", text }));
    const textOf = (text: string) => {
      const result = message(text);
      return result.ok && result.event.type === "owner.message" ? result.event.data.text : null;
    };
    expect(textOf("经纪人一直不回电话，我的电话是13912345678，请尽快联系")).toBe("经纪人一直不回电话，我的电话是139****5678，请尽快联系");
    expect(textOf("请打 138 0013 8000 或 +86 139-1234-5678")).toBe("请打 138****8000 或 139****5678");
    expect(textOf("房东座机010-62123456")).toBe("房东座机106****3456");
    // Written as people write them: touching a Latin letter, in full-width digits, with full-width dashes.
    expect(textOf("加wx13912345678, tel:13800138000")).toBe("加wx139****5678, tel:138****8000");
    expect(textOf("wx139-1234-5678 或 13800138000abc")).toBe("wx139****5678 或 138****8000abc");
    expect(textOf("电话１３９１２３４５６７８")).toBe("电话139****5678");
    expect(textOf("电话139－1234－5678")).toBe("电话139****5678");
    // Not phones: prices, dates, order numbers, counts.
    for (const text of ["总价598万，降到5600000元", "预约 2026-03-02 15:20", "订单号 20260302123456789", "带看3次，反馈0次"]) expect(textOf(text)).toBe(text);
    const complaint = validate(ev("complaint.filed", "2026-03-02T10:00:00+08:00", { complaintId: "K1", consumerId: "C1", category: "服务", text: "回电18612345678" }));
    expect(complaint.ok && complaint.event.data).toMatchObject({ text: "回电186****5678" });
    // Content is compared as kept: sent again with the masked digits changed, it is a duplicate.
    const again = (text: string) => ev("owner.message", "2026-03-02T10:00:00+08:00", { listingId: "L1", ownerId: "O1", text }, { id: "m1" });
    expect(run([again("回电13912345678"), again("回电13900005678")]).counts).toMatchObject({ accepted: 1, duplicates: 1 });
  });

  it("refuses an id that is a phone number, which would be kept and shown as sent", () => {
    const followed = (consumerId: string, id = "f1") => rejection(ev("listing.followed", "2026-03-02T10:00:00+08:00", { listingId: "L1", consumerId }, { id }));
    expect(followed("13912345678")).toMatchObject({ code: "invalid_field", field: "data.consumerId" });
    expect(followed("+8613912345678")).toMatchObject({ code: "invalid_field", field: "data.consumerId" });
    expect(followed("C1", "13912345678")).toMatchObject({ code: "invalid_field", field: "id" });
    expect(followed("13912345678")?.message).not.toContain("13912345678");
    // Nor is it kept with the rejection, as its id or in its input.
    const kept = run([
      ev("listing.followed", "2026-03-02T10:00:00+08:00", { listingId: "L1", consumerId: "C1" }, { id: "+8613912345678" }),
      // An id that only holds one is kept, masked, when its event is rejected for another reason.
      ev("listing.followed", "2026-03-02T10:00:00+08:00", { listingId: "L1" }, { id: "wx13912345678" }),
    ]);
    expect(kept.rejected).toMatchObject([{ code: "invalid_field", field: "id", id: "[redacted]" }, { code: "missing_field", id: "wx139****5678" }]);
    expect(JSON.stringify(kept)).not.toContain("13912345678");
    // Numeric ids that are not mobile numbers are ids.
    for (const id of ["+86 139 1234 5678", "139-1234-5678", "１３９１２３４５６７８", "(+86) 139 1234 5678", " 13912345678"]) expect(followed(id)).toMatchObject({ field: "data.consumerId" });
    for (const id of ["101102345678", "1062123456", "2026030201", "C13912345678"]) expect(followed(id)).toBeNull();
  });

  it("the same id with the same content is a duplicate, with other content a conflict; a rejected event can be resent corrected", () => {
    const good = listing();
    // Replay orders by time, then id, then content: the conflicting version comes later in time here.
    const s = run([{ ...good, occurredAt: "bad" }, good, { ...good }, { ...good, occurredAt: "2026-03-05T10:00:00+08:00", data: { ...good.data, ownerId: "O9" } }]);
    expect(s.counts).toMatchObject({ accepted: 1, duplicates: 1, rejected: 2 });
    expect(s.rejected.map((r) => r.code).sort()).toEqual(["conflict", "invalid_timestamp"]);
  });

  it("accepts and refuses alike when its checks are rebuilt from their source, without TypeBox, as a replay's reading thread does", () => {
    const accept = acceptorFrom(checkSources(), phoneKey);
    // Given the line it was parsed from, as the thread does.
    const acceptor = (input: unknown) => accept(input, JSON.stringify(input) ?? "");
    const checked = (input: unknown) => {
      const check = checkEvent(input, { phoneKey });
      return check.ok ? check.event : null;
    };
    const spoiled = (good: Record<string, unknown>, data: Record<string, unknown>, field: string) => [
      good, { ...good, extra: 1 }, { ...good, type: "listing.sold" }, { ...good, id: "" }, { ...good, city: "Beijing" }, { ...good, data: [] },
      { ...good, occurredAt: "2026-02-30T10:00:00+08:00" }, { ...good, occurredAt: "2026-03-02 10:00:00+08:00" },
      { ...good, data: { ...data, extra: 1 } }, { ...good, data: { ...data, [field]: undefined } }, { ...good, data: { ...data, [field]: 12.5 } },
      { ...good, data: { ...data, [field]: "" } }, { ...good, data: { ...data, [field]: null } }, { ...good, data: { ...data, [field]: true } },
      { ...good, data: { ...data, phone: "+86123456789" } }, { ...good, data: { ...data, phone: "+8613800138000" } },
      { ...good, id: "x\u0000" }, { ...good, data: { ...data, [field]: "a\u0000" } },
      { ...good, data: { ...data, [field]: "13912345678" } }, { ...good, data: { ...data, [field]: "回电 139 1234 5678" } }, { ...good, id: "+8613912345678" },
      { ...good, id: "x\udbff" }, { ...good, data: { ...data, [field]: "a\ud800b" } }, { ...good, data: { ...data, [field]: "a\ud83c\udfe0" } },
    ];
    fc.assert(fc.property(envelope, fc.nat(), (e, pick) => {
      const data = e.data as Record<string, unknown>;
      const fields = Object.keys(data);
      const inputs = spoiled({ id: "x1", ...e }, data, fields[pick % fields.length] ?? "listingId");
      for (const input of inputs) expect(acceptor(input)).toEqual(checked(input));
      expect(inputs.filter((input) => acceptor(input) !== null).length).toBeGreaterThan(0);
    }), { numRuns: 300 });
    for (const input of ["a string", 5, null, [], {}]) expect(acceptor(input)).toBeNull();
    // A line that writes a pair as escapes is looked at, and the pair taken.
    const paired = { ...listing(), data: { ...listing().data, layout: "🏠" } };
    expect(accept(paired, JSON.stringify(paired).replace("🏠", "\\ud83c\\udfe0"))).toEqual(checked(paired));
    // Every type's source stands alone: none calls the helpers TypeBox passes only to its own compiled checks.
    const sources = checkSources();
    expect(Object.keys(sources).sort()).toEqual([...eventTypes].sort());
    for (const [type, source] of Object.entries(sources)) expect(source, type).not.toMatch(/\b(kind|format|hash)\(/);
  });
});
