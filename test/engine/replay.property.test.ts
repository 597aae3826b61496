// Replay is deterministic, does not depend on the order of lines, and never crashes on or loses a
// malformed event.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { run } from "../support/scenario.js";
import { history } from "../support/arbitraries.js";

const json = (events: readonly (object | string)[]) => JSON.stringify(run(events));

describe("replay", () => {
  it("is deterministic: the same input gives the same JSON", () => {
    fc.assert(fc.property(history(80), (events) => {
      expect(json(events)).toBe(json(events));
    }), { numRuns: 60 });
  });

  it("does not depend on the order of lines, duplicates and conflicting ids included", () => {
    const withRepeats = history(80).chain((events) =>
      fc.tuple(fc.nat(), fc.nat()).map(([dup, clash]) => [...events, events[dup % events.length]!, { ...events[clash % events.length]!, city: "hangzhou" }]));
    const shuffledPair = withRepeats.chain((lines) => fc.tuple(fc.constant(lines), fc.shuffledSubarray(lines, { minLength: lines.length })));
    fc.assert(fc.property(shuffledPair, ([lines, shuffled]) => {
      expect(json(shuffled)).toBe(json(lines));
    }), { numRuns: 80 });
  });

  const mutation = fc.oneof(
    fc.constant((e: Record<string, unknown>) => { const { occurredAt: _, ...rest } = e; return rest; }),
    fc.constant((e: Record<string, unknown>) => ({ ...e, occurredAt: "2026-02-30T10:00:00+08:00" })),
    fc.constant((e: Record<string, unknown>) => ({ ...e, occurredAt: "2026-03-02 10:00" })),
    fc.constant((e: Record<string, unknown>) => ({ ...e, type: "no.such.type" })),
    fc.constant((e: Record<string, unknown>) => ({ ...e, extra: 1 })),
    fc.constant((e: Record<string, unknown>) => ({ ...e, data: { ...(e["data"] as object), amountFen: -5 } })),
    fc.constant((e: Record<string, unknown>) => ({ ...e, data: "garbage" })),
    fc.constant((e: Record<string, unknown>) => ({ ...e, city: "Bei Jing" })),
    fc.constant(() => [1, 2, 3]),
    fc.constant(() => null),
    fc.constant(() => "not json {"),
  );

  it("never crashes on a malformed event, and loses none: accepted + duplicates + rejected = lines", () => {
    fc.assert(
      fc.property(history(60), fc.array(fc.tuple(fc.nat(), mutation), { minLength: 1, maxLength: 20 }), fc.string(), (events, mutations, garbage) => {
        const broken = mutations.map(([i, mutate]) => {
          const out = mutate(events[i % events.length] as unknown as Record<string, unknown>);
          return typeof out === "string" ? out : out;
        });
        const lines: Array<object | string> = [...events, ...broken.map((b) => (typeof b === "string" ? b : (b as object))), `${garbage}{`];
        const s = run(lines.map((l) => (l === null ? "null" : l)));
        expect(s.counts.accepted + s.counts.duplicates + s.counts.rejected).toBe(lines.length);
        for (const r of s.rejected) {
          expect(typeof r.code).toBe("string");
          expect(typeof r.message).toBe("string");
        }
      }),
      { numRuns: 120 },
    );
  });
});
