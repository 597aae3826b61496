// A store an earlier release wrote is carried forward at start: its schema migrated, and what the
// new columns hold filled from the log, so that its API answers as a store written by this release.
import { afterEach, describe, expect, it } from "vitest";
import { obligationView } from "../../src/engine/snapshot.js";
import { openDatabase } from "../../src/store/database.js";
import { migrate } from "../../src/store/migrations.js";
import { obligationOfRow } from "../../src/store/projection.js";
import { engines, freshDatabaseUrl } from "../support/engines.js";
import { ev, listing } from "../support/scenario.js";
import { startApp, testClock, type Running } from "../support/service.js";

describe.each(engines)("migrations on %s", (engine) => {
  let running: Running | undefined;
  afterEach(async () => running?.close());

  it("obligations kept as JSON views before 0006 are answered from columns after it", async () => {
    const clock = testClock("2026-03-01T09:00:00+08:00");
    running = await startApp(engine, { clock });
    await running.call("POST", "/v1/events/batch", { events: [
      listing(),
      ev("showing.recorded", "2026-03-01T10:00:00+08:00", { showingId: "S1", listingId: "L1", buyerId: "C9", agentId: "A7" }),
      ev("showing.recorded", "2026-03-01T11:00:00+08:00", { showingId: "S2", listingId: "L1", buyerId: "C9", agentId: "A7" }),
      ev("showing.feedback_sent", "2026-03-02T11:00:00+08:00", { showingId: "S2", listingId: "L1", ownerId: "O1" }),
      ev("complaint.filed", "2026-03-01T09:55:00+08:00", { complaintId: "CP1", consumerId: "C9", category: "attitude" }),
      ev("complaint.responded", "2026-03-01T10:05:00+08:00", { complaintId: "CP1" }),
    ] });
    clock.set("2026-03-06T00:00:00+08:00");
    await running.service.tick();
    const operator = await running.login("operator");
    const expected = (await running.call("GET", "/v1/obligations", undefined, { token: operator })).body.obligations;
    const complaints = (await running.call("GET", "/v1/complaints", undefined, { token: operator })).body.complaints;
    expect(expected.map((o: { subjectId: string; status: string }) => `${o.subjectId} ${o.status}`).sort())
      .toEqual(["CP1 breached", "CP1 breached", "CP1 fulfilled", "S1 breached", "S2 fulfilled"]);
    const source = running.service.database.db;
    const log = await source.selectFrom("log").selectAll().orderBy("seq").execute();
    const obligations = await source.selectFrom("obligations").selectAll().execute();
    const filed = await source.selectFrom("complaints").select(["complaint_id", "city", "brand", "consumer_id", "filed_at", "closed_at"]).execute();
    await running.close();
    running = undefined;

    // The store as the release before 0006 left it: the log, and each obligation's view as JSON.
    const url = await freshDatabaseUrl(engine);
    const old = openDatabase(url);
    await migrate(old, "0005-report-projections");
    await old.db.insertInto("log").values(log).execute();
    await old.db.insertInto("obligations" as never).values(obligations.map((row) => ({
      id: row.id, commitment: row.commitment, city: row.city, brand: row.brand, subject_id: row.subject_id, responsible_id: row.responsible_id,
      beneficiary_id: row.beneficiary_id, due_at: row.due_at, status: row.status, stage: row.stage, warned_at: row.warned_at,
      body: JSON.stringify(obligationView(obligationOfRow(row))),
    })) as never).execute();
    await old.db.insertInto("complaints").values(filed).execute(); // 0005's report projection, without 0011's ratings
    await old.db.insertInto("schedules").values({ name: "report-projections", done_until: log.at(-1)!.at }).execute();
    await old.close();

    running = await startApp(engine, { databaseUrl: url, clock });
    const again = await running.login("operator");
    expect((await running.call("GET", "/v1/obligations", undefined, { token: again })).body.obligations).toEqual(expected);
    expect((await running.call("GET", "/v1/complaints", undefined, { token: again })).body.complaints).toEqual(complaints);
    const filled = await running.service.database.db.selectFrom("schedules").select("name").where("name", "=", "obligation-columns").execute();
    expect(filled).toHaveLength(1);
  });

  it("webhooks registered twice for one URL by one key, before 0009, are one after it: the oldest, with its deliveries and every kind", async () => {
    const url = await freshDatabaseUrl(engine);
    const old = openDatabase(url);
    await migrate(old, "0008-showings-counted-once");
    const hook = (id: string, key: string, at: number, kinds = ["claim.opened"]) => ({ id, key_hash: key, url: "https://crm.example/hook", kinds: JSON.stringify(kinds), secret: `s-${id}`, created_at: at });
    await old.db.insertInto("webhooks").values([hook("wh_b", "k1", 1), hook("wh_a", "k1", 2, ["claim.paid"]), hook("wh_c", "k1", 1), hook("wh_d", "k2", 5)]).execute();
    const delivery = (webhook: string) => ({ webhook_id: webhook, kind: "claim.opened", body: "{}", attempts: 0, status: "pending" as const, next_at: 0, created_at: 0, last_error: null });
    await old.db.insertInto("deliveries").values(["wh_a", "wh_b", "wh_c", "wh_d"].map(delivery)).execute();
    await migrate(old);
    expect((await old.db.selectFrom("webhooks").select(["id", "kinds"]).orderBy("id").execute()).map((h) => `${h.id} ${h.kinds}`)).toEqual(['wh_b ["claim.opened","claim.paid"]', 'wh_d ["claim.opened"]']);
    expect((await old.db.selectFrom("deliveries").select("webhook_id").orderBy("webhook_id").execute()).map((d) => d.webhook_id)).toEqual(["wh_b", "wh_d"]);
    await expect(old.db.insertInto("webhooks").values(hook("wh_e", "k1", 9)).execute()).rejects.toThrow();
    await old.close();
  });

  it("complaints closed before 0011 get their rating from the log at start: the scorecard rates them", async () => {
    const clock = testClock("2026-03-01T09:00:00+08:00");
    running = await startApp(engine, { clock });
    await running.call("POST", "/v1/events/batch", { events: [
      ev("complaint.filed", "2026-03-01T09:55:00+08:00", { complaintId: "CP1", consumerId: "C9", category: "attitude" }),
      ev("complaint.closed", "2026-03-01T12:00:00+08:00", { complaintId: "CP1", satisfaction: 4 }),
    ] });
    const scorecard = async () => (await running!.call("GET", "/v1/reports/scorecard?from=2026-03-01&to=2026-03-31", undefined, { token: await running!.login("operator") })).body.rows;
    expect(await scorecard()).toMatchObject([{ complaints: 1, rated: 1, satisfaction: 1 }]);
    // As 0011 found it: no rating kept, the backfill not yet run.
    const db = running.service.database.db;
    await db.updateTable("complaints").set({ rating: null, rated_at: null }).execute();
    await db.deleteFrom("schedules").where("name", "=", "complaint-ratings").execute();
    running = await running.restart();
    expect(await scorecard()).toMatchObject([{ complaints: 1, rated: 1, satisfaction: 1 }]);
  });
});
