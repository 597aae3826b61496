// Deadlines come up soonest first, and at one time in the order of their ids, however they were
// pushed: while a time is being swept too.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DeadlineQueue, type Due } from "../../src/engine/deadline-queue.js";

function inOrder(a: Due, b: Due): number {
  return a.dueAt - b.dueAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

describe("the deadline queue", () => {
  it("gives deadlines back by due time, then id, as pushes and pops interleave", () => {
    const due = fc.record({ dueAt: fc.integer({ min: 0, max: 6 }), id: fc.constantFrom("obl:a", "obl:b", "obl:b2", "obl:c", "看房", "A", "") });
    const step = fc.oneof(due.map((d) => ({ push: d })), fc.constant({ pop: true as const }));
    fc.assert(fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
      const queue = new DeadlineQueue();
      const pending: Due[] = [];
      for (const s of steps) {
        if ("push" in s) {
          queue.push(s.push);
          pending.push(s.push);
        } else {
          pending.sort(inOrder);
          expect(queue.peek()).toEqual(pending[0]);
          expect(queue.pop()).toEqual(pending.shift());
        }
        expect(queue.size).toBe(pending.length);
      }
      pending.sort(inOrder);
      const rest: Due[] = [];
      for (let d = queue.pop(); d !== undefined; d = queue.pop()) rest.push(d);
      expect(rest).toEqual(pending);
      expect(queue.peek()).toBeUndefined();
    }), { numRuns: 2_000 });
  });
});
