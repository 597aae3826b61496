// Deadlines come up soonest first, and at one time in the order of their ids, however they were
// pushed: while a time is being swept too, and with ids settled meanwhile dropped on the way.

/** Every deadline still in the queue, popping past times with no live id left. */
function drain(queue: DeadlineQueue, live: (id: string) => boolean): Due[] {
  const rest: Due[] = [];
  while (queue.firstDueAt() !== undefined) {
    const d = queue.pop(live);
    if (d !== undefined) rest.push(d);
  }
  return rest;
}

const always = () => true;
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DeadlineQueue, type Due } from "../../src/engine/deadline-queue.js";

function inOrder(a: Due, b: Due): number {
  return a.dueAt - b.dueAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

const due = fc.record({ dueAt: fc.integer({ min: 0, max: 6 }), id: fc.constantFrom("obl:a", "obl:b", "obl:b2", "obl:c", "看房", "A", "") });

describe("the deadline queue", () => {
  it("gives deadlines back by due time, then id, as pushes and pops interleave", () => {
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
          expect(queue.firstDueAt()).toBe(pending[0]?.dueAt);
          expect(queue.pop(always)).toEqual(pending.shift());
        }
        expect(queue.size).toBe(pending.length);
      }
      pending.sort(inOrder);
      expect(drain(queue, always)).toEqual(pending);
      expect(queue.firstDueAt()).toBeUndefined();
    }), { numRuns: 2_000 });
  });

  it("finds the earliest time with a live id, and the live ids still come back in order", () => {
    // Ids settle (stop being live) between steps; looking and popping drop settled ones.
    const step = fc.oneof(due.map((d) => ({ push: d })), fc.constant({ pop: true as const }), fc.constant({ look: true as const }), fc.constantFrom("obl:a", "obl:b", "看房", "").map((id) => ({ settle: id })));
    fc.assert(fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
      const queue = new DeadlineQueue();
      const settled = new Set<string>();
      const live = (id: string) => !settled.has(id);
      const pending: Due[] = [];
      for (const s of steps) {
        if ("push" in s) {
          queue.push(s.push);
          pending.push(s.push);
        } else if ("settle" in s) {
          settled.add(s.settle);
        } else if ("look" in s) {
          expect(queue.firstLiveDueAt(live)).toBe(pending.filter((d) => live(d.id)).sort(inOrder)[0]?.dueAt);
        } else {
          pending.sort(inOrder);
          const earliest = pending[0]?.dueAt;
          const popped = queue.pop(live);
          if (popped === undefined) {
            // The earliest time had no live id left, and is gone.
            expect(pending.some((d) => d.dueAt === earliest && live(d.id))).toBe(false);
            while (pending.length > 0 && pending[0]!.dueAt === earliest) pending.shift();
            continue;
          }
          // What was dropped was not live: the next live deadline is the same.
          while (pending.length > 0 && !live(pending[0]!.id) && inOrder(pending[0]!, popped) < 0) pending.shift();
          expect(popped).toEqual(pending.shift());
        }
        expect(queue.size).toBeLessThanOrEqual(pending.length);
        expect(queue.size).toBeGreaterThanOrEqual(pending.filter((d) => live(d.id)).length);
      }
      expect(drain(queue, live)).toEqual(pending.filter((d) => live(d.id)).sort(inOrder));
    }), { numRuns: 2_000 });
  });
});
