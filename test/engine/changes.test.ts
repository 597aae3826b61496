// The live engine keeps what changed for its store to write; a replay, which writes nothing, keeps nothing.
import { describe, expect, it } from "vitest";
import { Engine } from "../../src/engine/engine.js";
import { parseLines, replay } from "../../src/engine/replay.js";
import { forgetChanges } from "../../src/store/projection.js";
import { at, bundled, ev, phoneKey } from "../support/scenario.js";

const history = [
  ev("listing.published", "2026-03-02T09:00:00+08:00", { listingId: "L1", ownerId: "O1", agentId: "A1", communityId: "C1", layout: "2室1厅", areaSqm: 80, askingPriceFen: 500_000_000 }),
  ev("showing.recorded", "2026-03-02T15:20:00+08:00", { showingId: "S1", listingId: "L1", buyerId: "B1", agentId: "A1" }),
];

describe("changes", () => {
  it("are kept by a live engine: the showing's obligation is there to be written", () => {
    const engine = new Engine({ catalogue: bundled, phoneKey });
    for (const event of history) expect(engine.submit(event, { now: at(event.occurredAt) }).status).toBe("accepted");
    expect([...engine.state.changes.obligations.keys()]).toEqual(engine.state.obligations.values().map((o) => o.id));
    expect(engine.state.obligations.size).toBe(1);
  });

  it("tell an obligation opened since the last write, which no row holds yet, from one that changed after it", () => {
    const engine = new Engine({ catalogue: bundled, phoneKey });
    for (const event of history) engine.submit(event, { now: at(event.occurredAt) });
    const [obligation] = engine.state.obligations.values();
    expect([...engine.state.changes.opened]).toEqual([obligation!.id]);
    forgetChanges(engine);
    const feedback = ev("showing.feedback_sent", "2026-03-03T10:00:00+08:00", { showingId: "S1", listingId: "L1", ownerId: "O1" });
    expect(engine.submit(feedback, { now: at(feedback.occurredAt) }).status).toBe("accepted");
    expect([...engine.state.changes.obligations.keys()]).toEqual([obligation!.id]);
    expect(engine.state.changes.opened.size).toBe(0);
  });

  it("are not kept by a replay", () => {
    const engine = replay(parseLines(history.map((e) => JSON.stringify(e))), { catalogue: bundled, phoneKey });
    expect(engine.state.obligations.size).toBe(1);
    expect(engine.state.changes.obligations.size).toBe(0);
  });
});
