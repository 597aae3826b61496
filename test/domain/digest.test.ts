// The content digest tells a duplicate from a conflict in memory: equal content, in any order of
// keys, has one digest; content that canonical JSON tells apart has another.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson } from "../../src/domain/events/canonical.js";
import { contentDigest, envelopeDigest } from "../../src/domain/events/digest.js";

const key = fc.oneof(fc.string({ maxLength: 4 }), fc.constantFrom("10", "9", "a", "b", "data", "id"));
const json = fc.letrec((tie) => ({
  leaf: fc.oneof(fc.string({ maxLength: 4 }), fc.integer({ min: -3, max: 3 }), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null)),
  node: fc.oneof({ depthSize: "small" }, tie("leaf"), fc.array(tie("node"), { maxLength: 3 }), fc.dictionary(key, tie("node"), { maxKeys: 4 })),
})).node;

/** The same value with every object's keys in reverse order. */
function reordered(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(reordered);
  const record = value as Record<string, unknown>;
  return Object.fromEntries(Object.keys(record).reverse().map((k) => [k, reordered(record[k])]));
}

describe("the content digest", () => {
  it("is the same whatever the order of keys", () => {
    fc.assert(fc.property(json, (v) => {
      expect(contentDigest(reordered(v))).toBe(contentDigest(v));
    }), { numRuns: 2_000 });
  });

  it("differs exactly where canonical JSON differs", () => {
    fc.assert(fc.property(json, json, (a, b) => {
      expect(contentDigest(a) === contentDigest(b)).toBe(canonicalJson(a) === canonicalJson(b));
    }), { numRuns: 5_000 });
  });

  it("tells apart the near misses of an event: types, containers, paths and boundaries", () => {
    const alike = [
      { a: "1" }, { a: 1 }, { a: true }, { a: null }, { a: [] }, { a: {} }, {},
      { a: { b: 1 } }, { b: { a: 1 } }, { ab: "c" }, { a: "bc" }, { a: ["x", "y"] }, { a: ["y", "x"] },
      { a: 1, b: 2 }, { a: 2, b: 1 }, { a: [[]] }, { a: [{}] },
    ];
    expect(new Set(alike.map(contentDigest)).size).toBe(alike.length);
    expect(contentDigest({ a: -0 })).toBe(contentDigest({ a: 0 }));
    expect(contentDigest({ a: undefined, b: 1 })).toBe(contentDigest({ b: 1 }));
  });

  it("of an envelope is the digest of the same object", () => {
    const text = fc.string({ maxLength: 12 });
    fc.assert(fc.property(text, text, fc.dictionary(key, json, { maxKeys: 5 }), text, text, text, (brand, city, data, id, occurredAt, type) => {
      const envelope = { brand, city, data, id, occurredAt, type };
      expect(envelopeDigest(envelope)).toBe(contentDigest(envelope));
      expect(envelopeDigest(envelope)).toBe(contentDigest(reordered(envelope)));
    }), { numRuns: 2_000 });
  });

  it("is an integer below 2^53, and stable from run to run", () => {
    const event = { id: "crm-1", type: "showing.recorded", occurredAt: "2026-03-02T15:20:00+08:00", city: "beijing", brand: "lianjia", data: { showingId: "S1", listingId: "L1", agentId: "A7", buyerId: "B1" } };
    const digest = contentDigest(event);
    expect(Number.isSafeInteger(digest) && digest >= 0).toBe(true);
    expect(digest).toMatchInlineSnapshot(`6606560576626967`);
  });
});
