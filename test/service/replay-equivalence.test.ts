// Replaying the service's own exported log reproduces its claims, obligations and ledger exactly.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { exportLogCommand } from "../../src/cli/admin.js";
import { main } from "../../src/cli/main.js";
import { obligationView } from "../../src/engine/snapshot.js";
import { obligationOfRow } from "../../src/store/projection.js";
import { engines } from "../support/engines.js";
import { ev, listing } from "../support/scenario.js";
import { startApp, type Running } from "../support/service.js";

function bufferIo() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t), interactive: false }, out, err };
}

const byId = <T extends { id: string }>(rows: T[]) => [...rows].sort((a, b) => (a.id < b.id ? -1 : 1));

describe.each(engines)("replay equivalence on %s", (engine) => {
  let running: Running;
  afterEach(async () => running?.close());

  it("anxin replay --log of the exported log gives the service's claims, obligations and ledger", async () => {
    running = await startApp(engine);
    const wuhan = { city: "wuhan" };
    await running.call("POST", "/v1/events/batch", { events: [
      listing(), listing("L2", { ownerId: "O2" }),
      ev("showing.recorded", "2026-03-01T10:00:00+08:00", { showingId: "S1", listingId: "L1", buyerId: "C9", agentId: "A7" }),
      ev("showing.recorded", "2026-03-01T11:00:00+08:00", { showingId: "S2", listingId: "L2", buyerId: "C9", agentId: "A7" }),
      ev("showing.feedback_sent", "2026-03-02T11:00:00+08:00", { showingId: "S2", listingId: "L2", ownerId: "O2" }),
      ev("call.placed", "2026-03-01T09:30:00+08:00", { callId: "K1", phone: "+8613800138000", agentId: "A9", purpose: "marketing" }, wuhan),
      ev("deal.signed", "2026-03-01T09:40:00+08:00", { dealId: "D1", listingId: "L1", buyerId: "B1", sellerId: "O1", priceFen: 500_000_000, commissionFen: 10_000_000 }),
      ev("deal.commission_paid", "2026-03-01T09:41:00+08:00", { dealId: "D1", payerId: "B1", amountFen: 10_000_000 }),
      ev("price_spread.found", "2026-03-01T09:50:00+08:00", { dealId: "D1", partyId: "B1", amountFen: 300_000 }),
      ev("complaint.filed", "2026-03-01T09:55:00+08:00", { complaintId: "CP1", consumerId: "C9", category: "attitude" }),
    ] });
    running.clock.set("2026-03-01T12:00:00+08:00");
    await running.call("POST", "/v1/events", ev("call.reported", "2026-03-01T11:30:00+08:00", { reportId: "R1", phone: "+8613800138000", reporterId: "C5" }, wuhan));
    await running.call("POST", "/v1/events", ev("deal.failed", "2026-03-01T11:45:00+08:00", { dealId: "D1", reason: "loan_rejected" }));
    await running.service.tick();
    const quality = await running.login("quality");
    const pending = (await running.call("GET", "/v1/claims?status=pending_approval", undefined, { token: quality })).body.claims;
    await running.call("POST", `/v1/claims/${encodeURIComponent(pending[0].id)}/approve`, { reason: "spread confirmed" }, { token: quality, headers: { "idempotency-key": "a1" } });
    running.clock.set("2026-03-06T00:00:00+08:00");
    await running.service.tick();
    // Evidence from within S1's window, received after its breach was recorded.
    await running.call("POST", "/v1/events", ev("showing.feedback_sent", "2026-03-02T09:00:00+08:00", { showingId: "S1", listingId: "L1", ownerId: "O1" }));

    const file = join(mkdtempSync(join(tmpdir(), "anxin-log-")), "log.ndjson");
    process.env["ANXIN_DATABASE_URL"] = running.databaseUrl;
    try {
      expect(await exportLogCommand(file, bufferIo().io)).toBe(0);
    } finally {
      delete process.env["ANXIN_DATABASE_URL"];
    }
    const replayed = bufferIo();
    expect(await main(["node", "anxin", "replay", "--log", file, "--json"], replayed.io)).toBe(0);
    const snapshot = JSON.parse(replayed.out.join(""));

    const db = running.service.database.db;
    const claims = (await db.selectFrom("claims").select("body").execute()).map((r) => JSON.parse(r.body));
    const obligations = (await db.selectFrom("obligations").selectAll().execute()).map((r) => obligationView(obligationOfRow(r)));
    const postings = await db.selectFrom("postings").select(["account", "amount_fen"]).execute();
    const balances = new Map<string, number>();
    for (const p of postings) balances.set(p.account, (balances.get(p.account) ?? 0) + Number(p.amount_fen));

    expect(claims.length).toBeGreaterThanOrEqual(4);
    expect(byId(snapshot.claims)).toEqual(byId(claims));
    expect(byId(snapshot.obligations)).toEqual(byId(obligations));
    expect(obligations.find((o) => o.subjectId === "S1")).toMatchObject({ status: "fulfilled", afterBreach: true });
    expect(snapshot.ledger.accounts).toEqual([...balances].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, balanceFen]) => ({ name, balanceFen })));
    expect(snapshot.ledger.balanced).toBe(true);
  });
});
