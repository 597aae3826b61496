// Canonical JSON is the content a fingerprint is taken of: stored fingerprints must never change.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson, envelopeFingerprint } from "../../src/domain/events/canonical.js";

/** The definition: every object's keys sorted by code unit, undefined members left out. */
function definition(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(definition).join(",")}]`;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort().filter((key) => record[key] !== undefined);
  return `{${keys.map((key) => `${JSON.stringify(key)}:${definition(record[key])}`).join(",")}}`;
}

describe("canonical JSON", () => {
  it("spells any JSON value as its definition does, whatever the order of keys, integer-like keys included", () => {
    const key = fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom("10", "9", "0", "a", "B", "é", "data", "id"));
    const value = fc.letrec((tie) => ({
      leaf: fc.oneof(fc.string(), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null)),
      node: fc.oneof({ depthSize: "small" }, tie("leaf"), fc.array(tie("node"), { maxLength: 4 }), fc.dictionary(key, tie("node"), { maxKeys: 5 })),
    })).node;
    fc.assert(fc.property(value, (v) => {
      expect(canonicalJson(v)).toBe(definition(v));
    }), { numRuns: 2_000 });
  });

  it("keeps the fingerprint of an event as it was first stored", () => {
    const event = { id: "crm-1", type: "showing.recorded", occurredAt: "2026-03-02T15:20:00+08:00", city: "beijing", brand: "lianjia", data: { showingId: "S1", listingId: "L1", agentId: "A7", buyerId: "B1" } };
    expect(canonicalJson(event)).toBe('{"brand":"lianjia","city":"beijing","data":{"agentId":"A7","buyerId":"B1","listingId":"L1","showingId":"S1"},"id":"crm-1","occurredAt":"2026-03-02T15:20:00+08:00","type":"showing.recorded"}');
    expect(envelopeFingerprint(event)).toBe("PWuUXq4kxyk6sppN12pLWs");
    expect(envelopeFingerprint(event)).toBe(envelopeFingerprint({ data: { buyerId: "B1", showingId: "S1", agentId: "A7", listingId: "L1" }, type: "showing.recorded", id: "crm-1", occurredAt: "2026-03-02T15:20:00+08:00", brand: "lianjia", city: "beijing" }));
  });
});
