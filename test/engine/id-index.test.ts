// The idempotency index holds more ids than one JavaScript Map can (2^24).
import { describe, expect, it } from "vitest";
import { IdIndex } from "../../src/engine/id-index.js";

describe("the accepted-id index", () => {
  it("remembers each id's fingerprint, counts ids once, and holds more than 2^24 of them", () => {
    const index = new IdIndex();
    index.set("crm-1", "f1");
    index.set("crm-1", "f1");
    expect(index.get("crm-1")).toBe("f1");
    expect(index.has("crm-2")).toBe(false);
    expect(index.size).toBe(1);
    const beyond = 2 ** 24 + 10;
    for (let i = 0; i < beyond; i++) index.set(String(i), "f");
    expect(index.size).toBe(beyond + 1);
    expect(index.get(String(beyond - 1))).toBe("f");
  });
});
