// The idempotency index: exact on ids, compact enough for a city-year, past the 2^24 of one Map.
import { describe, expect, it } from "vitest";
import { IdIndex } from "../../src/engine/id-index.js";

describe("the accepted-id index", () => {
  it("tells a new id, a duplicate and a conflict apart, and counts each id once", () => {
    const index = new IdIndex();
    expect(index.verdict("crm-1", 1)).toBe("new");
    index.set("crm-1", 1);
    index.set("crm-1", 1);
    expect(index.verdict("crm-1", 1)).toBe("duplicate");
    expect(index.verdict("crm-1", 2)).toBe("conflict");
    expect(index.has("crm-2")).toBe(false);
    expect(index.size).toBe(1);
    // Digests are 53-bit: both of their words count.
    index.set("crm-3", 2 ** 52 + 5);
    expect(index.verdict("crm-3", 2 ** 52 + 5)).toBe("duplicate");
    expect(index.verdict("crm-3", 5)).toBe("conflict");
    expect(index.verdict("crm-3", 2 ** 51 + 5)).toBe("conflict");
  });

  it("compares ids in full, wide characters and ids whose hashes collide included", () => {
    const index = new IdIndex();
    // FNV-1a collisions are easy to find among short ids; "costarring"/"liquid" is a known 32-bit pair.
    for (const id of ["costarring", "liquid", "订单-1", "订单-2", "a", "ā", "x".repeat(128)]) index.set(id, id.length);
    for (const id of ["costarring", "liquid", "订单-1", "订单-2", "a", "ā", "x".repeat(128)]) expect(index.verdict(id, id.length)).toBe("duplicate");
    expect(index.has("订单-3")).toBe(false);
    expect(index.has("x".repeat(127))).toBe(false);
    expect(index.size).toBe(7);
  });

  it("holds more ids than one JavaScript Map can (2^24)", () => {
    const index = new IdIndex();
    const beyond = 2 ** 24 + 10;
    for (let i = 0; i < beyond; i++) index.set(`e${i}`, 7);
    expect(index.size).toBe(beyond);
    expect(index.verdict(`e${beyond - 1}`, 7)).toBe("duplicate");
    expect(index.verdict("e0", 8)).toBe("conflict");
    expect(index.has(`e${beyond}`)).toBe(false);
  });
});
