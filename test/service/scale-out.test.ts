// Several `anxin serve` processes on one PostgreSQL database: writers are serialised on the log
// (an advisory transaction lock, then catch-up), so no obligation, claim or payment is processed twice.
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../src/store/database.js";
import { engines, freshDatabaseUrl } from "../support/engines.js";
import { get, post, spawnServe } from "../support/process.js";

const showings = (prefix: string, count: number) => [
  { id: `${prefix}-L`, type: "listing.published", occurredAt: "2025-06-01T10:00:00+08:00", city: "beijing", brand: "lianjia", data: { listingId: `${prefix}-L`, ownerId: `${prefix}-O`, agentId: "A7", communityId: "C1", layout: "2室1厅", areaSqm: 80, askingPriceFen: 500_000_000 } },
  ...Array.from({ length: count }, (_, i) => ({ id: `${prefix}-S${i}`, type: "showing.recorded", occurredAt: "2025-06-02T10:00:00+08:00", city: "beijing", brand: "lianjia", data: { showingId: `${prefix}-S${i}`, listingId: `${prefix}-L`, buyerId: "B", agentId: "A7" } })),
];

describe.runIf(engines.includes("postgres"))("two processes on one PostgreSQL database", () => {
  it("each overdue obligation is breached once and each claim paid once, whichever process ticks", async () => {
    const databaseUrl = await freshDatabaseUrl("postgres");
    const env = { ANXIN_DATABASE_URL: databaseUrl, ANXIN_PHONE_KEY: "scale-out-phone-key-0123456789", ANXIN_LOG: "off", ANXIN_TICK_MS: "10" };
    const a = await spawnServe(env);
    const b = await spawnServe(env);
    try {
      const key = a.apiKey!;
      const sends = [];
      for (let i = 0; i < 8; i++) sends.push(post(i % 2 === 0 ? a.base : b.base, "/v1/events/batch", { events: showings(`p${i}`, 250) }, key));
      // The same batch to both at once: one accepts, the other answers duplicates.
      sends.push(post(a.base, "/v1/events/batch", { events: showings("same", 100) }, key), post(b.base, "/v1/events/batch", { events: showings("same", 100) }, key));
      const answers = await Promise.all(sends);
      for (const answer of answers) expect(answer.body.rejected).toBe(0);
      expect(answers.slice(-2).reduce((n, r) => n + r.body.accepted, 0)).toBe(101);
      await new Promise((r) => setTimeout(r, 1500));
      const expected = 8 * 250 + 100;
      const database = openDatabase(databaseUrl);
      try {
        const db = database.db;
        const count = async (query: Promise<{ n: number | string }>) => Number((await query).n);
        expect(await count(db.selectFrom("obligations").select((eb) => eb.fn.countAll<number>().as("n")).where("status", "=", "breached").executeTakeFirstOrThrow())).toBe(expected);
        expect(await count(db.selectFrom("claims").select((eb) => eb.fn.countAll<number>().as("n")).where("status", "=", "paid").executeTakeFirstOrThrow())).toBe(expected);
        expect(await count(db.selectFrom("entries").select((eb) => eb.fn.countAll<number>().as("n")).where("purpose", "=", "claim_paid").executeTakeFirstOrThrow())).toBe(expected);
        const ticks = await db.selectFrom("log").select("received_at").where("kind", "=", "tick").execute();
        expect(ticks.length).toBeGreaterThan(0);
      } finally {
        await database.close();
      }
      // Both replicas agree with the stored ledger.
      for (const serve of [a, b]) {
        const login = await fetch(`${serve.base}/v1/sessions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username: "operator", password: a.password }) });
        const token = ((await login.json()) as { token: string }).token;
        const reconciliation = await get(serve.base, "/v1/ledger/reconciliation", token);
        expect(reconciliation.body).toMatchObject({ balanced: true, paidClaims: expected, problems: [] });
      }
    } finally {
      await a.kill("SIGTERM");
      await b.kill("SIGTERM");
    }
  });
});
