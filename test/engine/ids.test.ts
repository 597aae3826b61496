// Claim and obligation ids are built from the domain's own keys: distinct keys never share an id,
// whatever "/" and "%" they hold, so that a replay names everything as the service did.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { idOf } from "../../src/engine/ids.js";

describe("ids of claims and obligations", () => {
  it("are the same for the same keys and differ for different keys", () => {
    const part = fc.oneof(fc.string({ maxLength: 5 }), fc.constantFrom("/", "%", "%2F", "a/b", "%25"));
    fc.assert(fc.property(fc.array(part, { minLength: 1, maxLength: 4 }), fc.array(part, { minLength: 1, maxLength: 4 }), (a, b) => {
      expect(idOf(a) === idOf(b)).toBe(a.length === b.length && a.every((p, i) => p === b[i]));
    }), { numRuns: 5_000 });
    expect(idOf(["showing-feedback-48h", "S1"])).toBe("showing-feedback-48h/S1");
    expect(idOf(["c", "a/b%"])).toBe("c/a%2Fb%25");
  });
});
