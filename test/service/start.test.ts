// A start on a long log, or the write after a failed one, rebuilds the engine from the log read on a
// thread before the write (service/log-reader.ts): the engine must be the one the write's own
// catch-up would have rebuilt, and what is appended while the thread reads must be caught up by it.
import { afterEach, describe, expect, it } from "vitest";
import { snapshot } from "../../src/engine/snapshot.js";
import { EngineRebuilding } from "../../src/service/replica.js";
import { Service } from "../../src/service/service.js";
import { openDatabase, type Database } from "../../src/store/database.js";
import { engines } from "../support/engines.js";
import { bundled, ev, listing, phoneKey } from "../support/scenario.js";
import { startApp, testClock, type Running } from "../support/service.js";

const showings = (from: number, count: number, occurredAt: string) =>
  Array.from({ length: count }, (_, i) => ev("showing.recorded", occurredAt, { showingId: `S${from + i}`, listingId: "L1", buyerId: `B${i % 7}`, agentId: "A7" }));

describe.each(engines)("rebuilding the engine from the log on %s", (engine) => {
  let running: Running | undefined;
  const opened: Database[] = [];
  afterEach(async () => {
    await running?.close();
    running = undefined;
    for (const database of opened.splice(0)) await database.close();
  });

  /** A service on the store, not yet started, reading the log on a thread from `fromRows` rows behind. */
  function serviceOn(url: string, fromRows: number): Service {
    const database = openDatabase(url);
    opened.push(database);
    return new Service({ database, catalogue: bundled, phoneKey, clock: testClock("2026-03-10T09:00:00+08:00"), readLogOnThreadFrom: fromRows });
  }

  it("a start reading the log on a thread rebuilds the engine its first write would: claims, obligations, ledger", async () => {
    running = await startApp(engine);
    // Showings left without feedback breach when the clock passes their 48 hours: ticks, claims, payments.
    await running.call("POST", "/v1/events/batch", { events: [listing(), ...showings(0, 40, "2026-03-01T10:00:00+08:00")] });
    await running.call("POST", "/v1/events", ev("showing.feedback_sent", "2026-03-02T10:00:00+08:00", { showingId: "S3", listingId: "L1", ownerId: "O1" }));
    running.clock.set("2026-03-04T09:00:00+08:00");
    await running.service.tick();
    await running.call("POST", "/v1/events/batch", { events: [...showings(40, 10, "2026-03-04T08:00:00+08:00"), ev("call.placed", "2026-03-04T08:30:00+08:00", { callId: "K1", phone: "+8613800138000", agentId: "A9", purpose: "marketing" })] });
    running.clock.set("2026-03-07T09:00:00+08:00");
    await running.service.tick();
    const live = snapshot(running.service.engine.state);
    expect(live.claims.filter((c) => c.status === "paid").length).toBeGreaterThanOrEqual(49);
    const url = running.databaseUrl;
    await running.close();
    running = undefined;

    const onThread = serviceOn(url, 1);
    const inWrite = serviceOn(url, Number.POSITIVE_INFINITY);
    const [a, b] = [await onThread.start(), await inWrite.start()];
    expect(a.replayed).toBe(b.replayed);
    expect(snapshot(onThread.engine.state)).toEqual(live);
    expect(snapshot(inWrite.engine.state)).toEqual(live);
  });

  it("a start catches up in its first write with what was appended while the thread read", async () => {
    running = await startApp(engine);
    await running.call("POST", "/v1/events/batch", { events: [listing(), ...showings(0, 30, "2026-03-01T10:00:00+08:00")] });
    const starting = serviceOn(running.databaseUrl, 1);
    expect(await starting.replica.rebuildAhead()).toBe(31);
    // Another process appends meanwhile: more showings, and the tick that breaches the first ones.
    await running.call("POST", "/v1/events/batch", { events: showings(30, 5, "2026-03-02T10:00:00+08:00") });
    running.clock.set("2026-03-04T09:00:00+08:00");
    await running.service.tick();
    expect(await starting.replica.write(() => [])).toBe(6);
    expect(snapshot(starting.engine.state)).toEqual(snapshot(running.service.engine.state));
  });

  it("a start reads a short log in its first write, as before", async () => {
    running = await startApp(engine);
    await running.call("POST", "/v1/events/batch", { events: [listing(), ...showings(0, 3, "2026-03-01T10:00:00+08:00")] });
    expect(await serviceOn(running.databaseUrl, 100).replica.rebuildAhead()).toBe(0);
  });

  it.each([
    { fromRows: 1, how: "on a thread, ahead of the next write", inTheWrite: "none" },
    { fromRows: Number.POSITIVE_INFINITY, how: "in the next write (a short log)", inTheWrite: "all" },
  ])("after a failed write, rebuilds the engine from the log read $how", async ({ fromRows, inTheWrite }) => {
    running = await startApp(engine);
    await running.call("POST", "/v1/events/batch", { events: [listing(), ...showings(0, 30, "2026-03-01T10:00:00+08:00")] });
    const service = serviceOn(running.databaseUrl, fromRows);
    await service.start(); // its clock is days on: the start's sweep breaches the showings, a tick logged
    const before = service.engine;
    const expected = snapshot(before.state);
    await expect(service.replica.write(() => { throw new Error("the store went away"); })).rejects.toThrow("the store went away");
    expect(() => service.engine).toThrow(EngineRebuilding); // checks answer 503 until the engine is rebuilt
    const logRows = Number((await service.database.db.selectFrom("log").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n);
    expect(await service.replica.write(() => [])).toBe(inTheWrite === "all" ? logRows : 0);
    expect(service.engine).not.toBe(before);
    expect(snapshot(service.engine.state)).toEqual(expected);
  });
});
