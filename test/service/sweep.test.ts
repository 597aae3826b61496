// A sweep of more deadlines than it breaches at a time writes part by part in one transaction:
// every breach has its claim and its payment, and a restart replays it to the same state.
import { afterEach, describe, expect, it } from "vitest";
import { engines } from "../support/engines.js";
import { ev, listing } from "../support/scenario.js";
import { startApp, type Running } from "../support/service.js";

const showings = 1_201;
const sweepPart = 500;

describe.each(engines)("a large sweep on %s", (engine) => {
  let running: Running;
  afterEach(async () => running?.close());

  it("breaches 1,201 feedback deadlines at once, 500 at a time, pays each 100 yuan, and a restart finds nothing left to do", async () => {
    running = await startApp(engine, { sweepPart });
    const events = [listing(), ...Array.from({ length: showings }, (_, i) =>
      ev("showing.recorded", "2026-03-01T10:00:00+08:00", { showingId: `S${i}`, listingId: "L1", buyerId: `C${i}`, agentId: "A7" }))];
    for (let i = 0; i < events.length; i += 1_000) {
      expect((await running.call("POST", "/v1/events/batch", { events: events.slice(i, i + 1_000) })).status).toBe(200);
    }
    running.clock.set("2026-03-04T00:00:00+08:00");
    expect(await running.service.tick()).toBe(showings);

    const db = running.service.database.db;
    const claims = await db.selectFrom("claims").select(["status", "amount_fen"]).where("commitment", "=", "showing-feedback-48h").execute();
    expect(claims).toHaveLength(showings);
    expect(claims.every((c) => c.status === "paid" && Number(c.amount_fen) === 10_000)).toBe(true);
    const breached = await db.selectFrom("obligations").select((eb) => eb.fn.countAll().as("n")).where("status", "=", "breached").executeTakeFirstOrThrow();
    expect(Number(breached.n)).toBe(showings);
    const finance = await running.login("finance");
    const reconciliation = (await running.call("GET", "/v1/ledger/reconciliation", undefined, { token: finance })).body;
    expect(reconciliation).toMatchObject({ balanced: true, problems: [] });

    running = await running.restart();
    expect(await running.service.tick()).toBe(0);
    expect(running.service.engine.state.claims.size).toBe(showings);
    expect((await running.call("GET", "/v1/ledger/reconciliation", undefined, { token: await running.login("finance") })).body).toEqual(reconciliation);
  });
});
