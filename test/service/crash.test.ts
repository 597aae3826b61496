// kill -9 in the middle of a batch and in the middle of payments: after a restart nothing accepted
// is lost, nothing is half-written, nothing is paid twice.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../src/store/database.js";
import { engines, freshDatabaseUrl } from "../support/engines.js";
import { get, post, spawnServe } from "../support/process.js";

const phoneKey = "crash-test-phone-key-0123456789";

function history(prefix: string, count: number) {
  // Showings entered in 2025 are long overdue: each one is a breach paid when the clock ticks.
  const events: object[] = [{ id: `${prefix}-L`, type: "listing.published", occurredAt: "2025-06-01T10:00:00+08:00", city: "beijing", brand: "lianjia", data: { listingId: `${prefix}-L`, ownerId: "O1", agentId: "A7", communityId: "C1", layout: "2室1厅", areaSqm: 80, askingPriceFen: 500_000_000 } }];
  for (let i = 0; i < count; i++) {
    events.push({ id: `${prefix}-S${i}`, type: "showing.recorded", occurredAt: "2025-06-02T10:00:00+08:00", city: "beijing", brand: "lianjia", data: { showingId: `${prefix}-S${i}`, listingId: `${prefix}-L`, buyerId: "B", agentId: "A7" } });
  }
  return events;
}

async function login(base: string, password: string): Promise<string> {
  const response = await fetch(`${base}/v1/sessions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username: "operator", password }) });
  return ((await response.json()) as { token: string }).token;
}

describe.each(engines)("crash recovery on %s", (engine) => {
  it("kill -9 during batches and payments loses nothing accepted and pays nothing twice", async () => {
    const databaseUrl = engine === "sqlite" ? `sqlite:${join(mkdtempSync(join(tmpdir(), "anxin-crash-")), "anxin.db")}` : await freshDatabaseUrl(engine);
    const env = { ANXIN_DATABASE_URL: databaseUrl, ANXIN_PHONE_KEY: phoneKey, ANXIN_LOG: "off", ANXIN_TICK_MS: "20" };
    const first = await spawnServe(env);
    const key = first.apiKey!;
    const password = first.password!;
    const batches = [0, 1, 2, 3, 4, 5].map((b) => history(`b${b}`, 400));
    // Fire the batches without waiting, and kill the process while they and the payments run.
    const inFlight = batches.map((events) => post(first.base, "/v1/events/batch", { events }, key).then((r) => r.body, () => null));
    await new Promise((r) => setTimeout(r, 250));
    await first.kill("SIGKILL");
    const answered = (await Promise.all(inFlight)).filter((body) => body !== null);

    const second = await spawnServe(env);
    try {
      // Whatever was answered as accepted is there; resending everything is safe (duplicates).
      for (const events of batches) {
        const response = await post(second.base, "/v1/events/batch", { events }, key);
        expect(response.status).toBe(200);
        expect(response.body.rejected).toBe(0);
      }
      for (const body of answered) expect(body.rejected).toBe(0);
      await new Promise((r) => setTimeout(r, 500)); // ticks pay every breach
      const token = await login(second.base, password);
      const reconciliation = await get(second.base, "/v1/ledger/reconciliation", token);
      expect(reconciliation.body).toMatchObject({ balanced: true, problems: [] });
      const database = openDatabase(databaseUrl);
      try {
        const db = database.db;
        const showings = await db.selectFrom("log").select((eb) => eb.fn.countAll<number>().as("n")).where("type", "=", "showing.recorded").executeTakeFirstOrThrow();
        expect(Number(showings.n)).toBe(6 * 400);
        const paid = await db.selectFrom("claims").select((eb) => eb.fn.countAll<number>().as("n")).where("status", "=", "paid").executeTakeFirstOrThrow();
        expect(Number(paid.n)).toBe(6 * 400);
        const payments = await db.selectFrom("entries").select((eb) => eb.fn.countAll<number>().as("n")).where("purpose", "=", "claim_paid").executeTakeFirstOrThrow();
        expect(Number(payments.n)).toBe(6 * 400);
        const twice = await db.selectFrom("entries").select("claim_id").where("purpose", "=", "claim_paid").groupBy("claim_id").having((eb) => eb.fn.countAll(), ">", 1).execute();
        expect(twice).toEqual([]);
      } finally {
        await database.close();
      }
    } finally {
      await second.kill("SIGTERM");
    }
  });
});
