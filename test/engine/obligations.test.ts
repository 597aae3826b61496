// The obligations register: a subject's obligations settle into columns once all are fulfilled,
// and read back exactly as they were; a subject lists its obligations in the order they were opened.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ShowingFacts } from "../../src/domain/facts.js";
import { breach, fulfil, type Obligation } from "../../src/domain/obligations.js";
import { IdIndex } from "../../src/engine/id-index.js";
import { obligationIdOf, partsOf } from "../../src/engine/ids.js";
import { Obligations } from "../../src/engine/obligations.js";
import { ShowingColumns } from "../../src/engine/showings.js";
import { StringTable } from "../../src/engine/string-table.js";

function obligation(commitment: string, subjectId: string, stage: string | null, causedBy: string[]): Obligation {
  return {
    id: obligationIdOf(commitment, subjectId, stage), commitment, versionKey: `${commitment}@1`, city: "beijing", brand: "lianjia", subjectId, stage,
    beneficiaryId: "O1", responsibleId: stage === null ? "A7" : null, openedAt: 1_000, dueAt: 5_000, causedBy, progress: { status: "open" },
  };
}

function register(ids: string[]) {
  const events = new IdIndex();
  for (const id of ids) events.set(id, 1);
  return new Obligations(events);
}

describe("the obligations register", () => {
  it("settles a fulfilled obligation and reads it back equal, frozen, by id, by keys and by subject", () => {
    const obligations = register(["e1", "e2"]);
    const showing = obligation("showing-feedback-48h", "S1", null, ["e1"]);
    obligations.add(showing);
    obligations.fulfil(showing, { at: 2_000, eventId: "e2" });
    const copy = structuredClone(showing);
    showing.progress = { status: "open" }; // the register no longer holds this object
    expect(obligations.get("showing-feedback-48h/S1")).toEqual(copy);
    expect(obligations.find("showing-feedback-48h", "S1", null)).toEqual(copy);
    expect(obligations.ofSubject("S1")).toEqual([copy]);
    expect(Object.isFrozen(obligations.get("showing-feedback-48h/S1")!.progress)).toBe(true);
    expect(obligations.open("showing-feedback-48h/S1")).toBeUndefined();
    expect(obligations.get("showing-feedback-48h/S2")).toBeUndefined();
    expect(obligations.find("other", "S1", null)).toBeUndefined();
    expect(obligations.size).toBe(1);
  });

  it("keeps a subject live until its last obligation is fulfilled; a whole state lists by opening time, due time, then id", () => {
    const obligations = register(["f1", "r1", "c1"]);
    const stages = ["respond", "solution", "close"].map((stage, i) => ({ ...obligation("complaints-30124", "K1", stage, ["f1"]), dueAt: 5_000 + i }));
    const other = { ...obligation("showing-feedback-48h", "S9", null, ["f1"]), openedAt: 900 };
    obligations.add(stages[0]!);
    obligations.add(other);
    obligations.add(stages[1]!);
    obligations.add(stages[2]!);
    obligations.fulfil(stages[0]!, { at: 1_500, eventId: "r1" });
    expect(obligations.ofSubject("K1")).toEqual(stages); // still the live objects
    expect(obligations.ofSubject("K1")[0]).toBe(stages[0]);
    obligations.fulfil(stages[2]!, { at: 1_600, eventId: "c1" });
    obligations.fulfil(stages[1]!, { at: 1_600, eventId: "c1" });
    expect(obligations.ofSubject("K1")).toEqual(structuredClone(stages));
    expect(obligations.ofSubject("K1")[0]).not.toBe(stages[0]);
    expect(obligations.values().map((o) => o.id)).toEqual([other.id, stages[0]!.id, stages[1]!.id, stages[2]!.id]);
    expect(obligations.open(other.id)).toBe(other);
    expect(obligations.countByStatus()).toEqual(new Map([["fulfilled", 3], ["open", 1]]));
  });

  it("reads back what the columns do not hold as such: several causes, ids the index never saw, escaped keys, wide text", () => {
    const obligations = register(["e1"]);
    const odd = obligation("c/1%", "订单/2%2F", "第一", ["e1", "e2"]);
    const unknown = obligation("c1", "S1", null, ["never-accepted"]);
    for (const o of [odd, unknown]) {
      obligations.add(o);
      obligations.fulfil(o, { at: 5_000, eventId: "cmd/k%1" });
    }
    expect(partsOf(odd.id)).toEqual(["c/1%", "订单/2%2F", "第一"]);
    expect(obligations.get(odd.id)).toEqual(structuredClone(odd));
    expect(obligations.get(unknown.id)).toEqual(structuredClone(unknown));
    expect(obligations.get(`${odd.id}/extra`)).toBeUndefined();
  });
});

describe("the obligations register, for any sequence of openings, fulfilments and breaches", () => {
  // The model: every obligation an object in a Map, as the engine held them before columns.
  const step = fc.record({ op: fc.constantFrom("open", "open", "fulfil", "fulfil", "breach", "late", "showing"), commitment: fc.constantFrom("c1", "c/2"), subject: fc.constantFrom("S1", "S2", "看房%3"), stage: fc.constantFrom(null, "a", "b"), pick: fc.nat() });

  it("answers every question as a Map of obligation objects would", () => {
    // With no room made up front, or room for more than will come (a replay sizes its columns from
    // its file); subjects numbered in one table with showings, as the engine does.
    fc.assert(fc.property(fc.array(step, { maxLength: 60 }), fc.constantFrom(0, 5_000), (steps, capacity) => {
      const events = ["e0", "e1", "e2"];
      const subjects = new StringTable(capacity);
      const showings = new ShowingColumns(subjects, capacity);
      const register = (() => {
        const index = new IdIndex(capacity);
        for (const id of events) index.set(id, 1);
        return new Obligations(index, subjects, capacity);
      })();
      const model = new Map<string, Obligation>();
      const showingModel = new Map<string, ShowingFacts>();
      steps.forEach(({ op, commitment, subject, stage, pick }, i) => {
        if (op === "showing") {
          const showing = { showingId: subject, listingId: `L${pick % 3}`, agentId: `A${i}`, recordedAt: i };
          showings.set(subject, showing);
          showingModel.set(subject, showing);
          return;
        }
        const id = obligationIdOf(commitment, subject, stage);
        if (op === "open") {
          if (model.has(id)) return;
          const opened = { ...obligation(commitment, subject, stage, i % 4 === 0 ? ["e0", "e1"] : [events[i % 3]!]), openedAt: i, dueAt: 100 + i };
          model.set(id, structuredClone(opened));
          register.add(opened);
          return;
        }
        const candidates = [...model.values()].filter((o) => (op === "late" ? o.progress.status === "breached" : o.progress.status === "open"));
        const chosen = candidates[pick % Math.max(1, candidates.length)];
        if (chosen === undefined) return;
        const live = register.get(chosen.id)!;
        if (op === "breach") {
          breach(chosen, { at: chosen.dueAt });
          breach(live, { at: live.dueAt });
        } else {
          const evidence = { at: chosen.dueAt - 1, eventId: pick % 5 === 0 ? `cmd/${i}` : events[pick % 3]! };
          fulfil(chosen, evidence);
          register.fulfil(live, evidence);
        }
      });
      expect(register.size).toBe(model.size);
      for (const o of model.values()) {
        expect(register.get(o.id)).toEqual(o);
        expect(register.find(o.commitment, o.subjectId, o.stage)).toEqual(o);
        expect(register.open(o.id)?.id).toBe(o.progress.status === "open" ? o.id : undefined);
      }
      for (const subject of ["S1", "S2", "看房%3", "S9"]) {
        expect(register.ofSubject(subject)).toEqual([...model.values()].filter((o) => o.subjectId === subject));
        expect(showings.get(subject)).toEqual(showingModel.get(subject));
      }
      expect(showings.size).toBe(showingModel.size);
      expect(register.values().map((o) => o.id).sort()).toEqual([...model.keys()].sort());
      const counts = new Map<string, number>();
      for (const o of model.values()) counts.set(o.progress.status, (counts.get(o.progress.status) ?? 0) + 1);
      expect(Object.fromEntries(register.countByStatus())).toEqual(Object.fromEntries(counts));
    }), { numRuns: 300 });
  });
});

