// Phones are never stored or logged in clear: a run with phone-bearing events (good and bad),
// checks and reports leaves no clear number in the database files or in the log output.
import { readdirSync, readFileSync } from "node:fs";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { post } from "../support/process.js";
import { spawnServe } from "../support/process.js";

const phones = ["+8613800138000", "+8613912345678", "+8618600001111"];
/** Numbers sent in texts, as an id, in a URL and in an Idempotency-Key, not in a phone field. */
const elsewhere = ["13700137000", "18912345678", "15012345678", "17712345678", "18698765432", "13312345678"];
const national = [...phones.map((p) => p.slice(3)), ...elsewhere];

describe("personal data", () => {
  it("no clear phone number in the SQLite files or the service's log output", async () => {
    const dir = mkdtempSync(join(tmpdir(), "anxin-pii-"));
    const serve = await spawnServe({ ANXIN_DATABASE_URL: `sqlite:${join(dir, "anxin.db")}`, ANXIN_LOG_LEVEL: "debug", ANXIN_TICK_MS: "100" });
    try {
      const key = serve.apiKey!;
      const envelope = (id: string, type: string, data: object) => ({ id, type, occurredAt: "2026-03-01T10:00:00+08:00", city: "wuhan", brand: "lianjia", data });
      const events = [
        envelope("c1", "consent.granted", { phone: phones[0], scope: "marketing_calls", consumerId: "C1", channel: "app" }),
        envelope("k1", "call.placed", { callId: "K1", phone: phones[1], agentId: "A1", purpose: "marketing" }),
        envelope("r1", "call.reported", { reportId: "R1", phone: phones[1], reporterId: "C2" }),
        envelope("bad1", "call.placed", { callId: "K2", phone: phones[2], agentId: "A1", purpose: "spam" }),
        envelope("bad2", "consent.granted", { phone: phones[2], scope: "marketing_calls", extra: true }),
        envelope("m1", "owner.message", { listingId: "L1", ownerId: "O1", text: `请回电 ${elsewhere[0]}，带看后一直没反馈` }),
        envelope("f1", "complaint.filed", { complaintId: "F1", consumerId: "C1", category: "服务态度", text: `我的手机 ${elsewhere[1]}` }),
        envelope("bad4", "listing.followed", { listingId: "L1", consumerId: elsewhere[2] }),
        envelope(elsewhere[3]!, "listing.followed", { listingId: "L1", consumerId: "C1" }),
      ];
      expect((await post(serve.base, "/v1/events/batch", { events }, key)).status).toBe(200);
      expect((await post(serve.base, "/v1/events", { ...events[3], id: "bad3" }, key)).status).toBe(400);
      expect((await post(serve.base, "/v1/checks/pre-call", { agentId: "A1", phone: phones[2], purpose: "marketing", city: "wuhan" }, key)).status).toBe(200);
      await post(serve.base, "/v1/checks/pre-call", { agentId: "A1", phone: "+86123", purpose: "marketing", city: "wuhan" }, key);
      // A decision's Idempotency-Key names its event: one holding a phone is kept hashed, and still matched.
      const operator = (await post(serve.base, "/v1/sessions", { username: "operator", password: serve.password }, "")).body.token as string;
      const topUp = (amountFen: number) => post(serve.base, "/v1/funds/lianjia:wuhan/top-ups", { amountFen }, operator, { "idempotency-key": `topup-${elsewhere[5]}` });
      expect(await topUp(100)).toMatchObject({ status: 200, body: { duplicate: false, balanceFen: 1_000_000_100 } });
      expect(await topUp(100)).toMatchObject({ status: 200, body: { duplicate: true, balanceFen: 1_000_000_100 } });
      expect(await topUp(5)).toMatchObject({ status: 409, body: { code: "conflict" } });
      // A URL is logged: a phone in it is not.
      expect((await fetch(`${serve.base}/v1/claims?beneficiaryId=${elsewhere[4]}`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(401);
    } finally {
      await serve.kill("SIGTERM");
    }
    const files = readdirSync(dir).map((f) => readFileSync(join(dir, f)).toString("latin1"));
    expect(files.length).toBeGreaterThan(0);
    for (const text of [...files, serve.output()]) {
      for (const number of national) expect(text).not.toContain(number);
    }
    expect(files.join("")).toContain("139****5678");
    expect(files.join("")).toContain("137****7000");
    expect(serve.output()).toContain("/v1/claims?beneficiaryId=186****5432");
  });
});
