// A replay's reading thread posts accepted events taken apart (engine/event-wire.ts); the engine's thread
// must get back exactly what validating the line there would give, digest and redacted phone included.
import { describe, expect, it } from "vitest";
import { WireReader, WireWriter } from "../../src/engine/event-wire.js";
import { checkEvent, digested, validateEvent } from "../../src/domain/events/validate.js";
import { at, ev, phoneKey } from "../support/scenario.js";

const lines = [
  ev("listing.published", "2025-03-01T09:00:00+08:00", { listingId: "L1", ownerId: "O1", agentId: "A1", communityId: "C9", layout: "2室1厅", areaSqm: 88.5, askingPriceFen: 520_000_000 }),
  ev("call.placed", "2025-03-01T09:05:00+08:00", { callId: "K1", phone: "+8613800138000", agentId: "A1", purpose: "marketing" }),
  "not json {",
  ev("funds.deposited", "2025-03-01T10:00:00Z", { dealId: "D1", amountFen: 100, custody: true }, { city: "shanghai", brand: "deyou" }),
  ev("listing.delisted", "2025-03-01T10:00:00.250+08:00", { listingId: "L1", ownerConsent: false }),
  ev("owner.message", "2025-03-01T11:00:00+08:00", { listingId: "L1", ownerId: "O1", text: "带看太少，也没有反馈" }),
  ev("listing.viewed", "2025-03-01T11:00:00+08:00", { listingId: "L1" }),
].map((line) => (typeof line === "string" ? line : JSON.stringify(line)));

/** Each line as the reading thread hands it on: an accepted event, or the line itself. */
function write(writer: WireWriter, batch: string[]) {
  for (const line of batch) {
    const check = line.startsWith("{") ? checkEvent(JSON.parse(line), { phoneKey }) : null;
    if (check?.ok) writer.accepted(check.event);
    else writer.invalid(line);
  }
  const { batch: posted, transfer } = writer.take(1234);
  return structuredClone(posted, { transfer });
}

describe("an event handed from the reading thread to the engine's", () => {
  it.each([true, false])("arrives as validating its line would give it, in order, invalid lines as themselves (digests taken while reading: %s)", (digestsHere) => {
    const writer = new WireWriter(digestsHere);
    const reader = new WireReader();
    const batches = [write(writer, lines.slice(0, 4)), write(writer, lines.slice(4))];
    expect(batches.map((batch) => batch.digests)).toEqual([digestsHere, digestsHere]);
    const items = batches.flatMap((batch) => reader.read(batch));
    const expected = lines.map((line) => (line.startsWith("{") ? validateEvent(JSON.parse(line), { phoneKey }) : null));
    expect(items.map((item) => ("accepted" in item ? item.accepted : null))).toEqual(expected.map((v) => (v?.ok ? v.event : null)));
    expect(items[2]).toEqual({ invalid: { ok: false, text: "not json {", error: expect.any(String) } });
    // The same fields in the same order.
    expect(items.map((item) => ("accepted" in item ? Object.keys(item.accepted.data) : []))).toEqual(expected.map((v) => (v?.ok ? Object.keys(v.event.data) : [])));
  });

  it("arrives whole from a batch larger than the room the writer starts with", () => {
    const many = Array.from({ length: 5_000 }, (_, i) =>
      JSON.stringify(ev("listing.published", "2025-03-01T09:00:00+08:00", { listingId: `L${i}`, ownerId: "O1", agentId: "A1", communityId: "C9", layout: "2室1厅", areaSqm: i + 0.5, askingPriceFen: i + 1 }, { id: `e-${i}` })),
    );
    const items = new WireReader().read(write(new WireWriter(true), many));
    expect(items.map((item) => ("accepted" in item ? item.accepted : null))).toEqual(many.map((line) => (validateEvent(JSON.parse(line), { phoneKey }) as { event: unknown }).event));
  });

  it("carries an accepted event's phone as its hash and mask, and names each type and field once", () => {
    const writer = new WireWriter(false);
    const first = write(writer, lines);
    const again = write(writer, lines);
    expect(JSON.stringify(first)).not.toContain("13800138000");
    expect(first.names).toEqual(expect.arrayContaining(["call.placed", "phoneHash", "phoneMasked", "custody"]));
    expect(first.names).not.toContain("beijing");
    expect(again.names).toEqual([]);
    expect(again.position).toBe(1234);
    // A city or brand is sent where it changes: beijing and lianjia, shanghai and deyou, then back.
    expect(first.texts.filter((text) => ["beijing", "lianjia", "shanghai", "deyou"].includes(text))).toEqual(["beijing", "lianjia", "shanghai", "deyou", "beijing", "lianjia"]);
  });

  it("carries the log's ticks, and when each of its events was received, in the log's order", () => {
    const writer = new WireWriter(true, true);
    const events = lines.filter((line) => line.startsWith("{")).map((line) => checkEvent(JSON.parse(line), { phoneKey })).flatMap((check) => (check.ok ? [check.event] : []));
    writer.accepted(events[0]!, at("2025-03-01T09:00:05+08:00"));
    writer.tick(at("2025-03-01T09:01:00+08:00"));
    writer.accepted(events[1]!, at("2025-03-01T09:05:01+08:00"));
    const { batch, transfer } = writer.take(42);
    const seen: unknown[] = [];
    new WireReader().each(structuredClone(batch, { transfer }), {
      accepted: (event, receivedAt) => seen.push({ event, receivedAt }),
      invalid: (line) => seen.push({ line }),
      tick: (tickAt) => seen.push({ tickAt }),
    });
    expect(seen).toEqual([
      { event: digested(events[0]!), receivedAt: at("2025-03-01T09:00:05+08:00") },
      { tickAt: at("2025-03-01T09:01:00+08:00") },
      { event: digested(events[1]!), receivedAt: at("2025-03-01T09:05:01+08:00") },
    ]);
    expect(batch.position).toBe(42);
    expect(() => writer.accepted(events[0]!)).toThrow(/received/);
  });
});
