// The log keeps each accepted event as its canonical JSON, phones already replaced by hash and
// mask, and its published fingerprint is that text's SHA-256: anyone can check one against the other.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { canonicalJson, envelopeFingerprint } from "../../src/domain/events/canonical.js";
import { engines } from "../support/engines.js";
import { ev } from "../support/scenario.js";
import { startApp } from "../support/service.js";

describe.each(engines)("the log on %s", (engine) => {
  it("keeps an accepted event as its canonical JSON, whose SHA-256 is the event's fingerprint", async () => {
    const app = await startApp(engine);
    try {
      // Keys in no particular order, and a phone that must not be kept.
      const consent = ev("consent.granted", "2026-03-01T08:00:00+08:00", { scope: "marketing_calls", phone: "+8613800138000", channel: "app", consumerId: "C5" }, { city: "wuhan" });
      expect((await app.service.submitBatch([consent])).map((o) => o.status)).toEqual(["accepted"]);
      const row = await app.service.database.db.selectFrom("log").select(["body", "fingerprint"]).where("event_id", "=", consent.id).executeTakeFirstOrThrow();
      const kept = JSON.parse(row.body!) as { data: Record<string, unknown> };
      expect(row.body).toBe(canonicalJson(kept));
      expect(kept.data).toMatchObject({ scope: "marketing_calls", channel: "app", consumerId: "C5", phoneMasked: "138****8000" });
      expect(row.body).not.toContain("13800138000");
      expect(row.fingerprint).toBe(createHash("sha256").update(row.body!).digest("base64url").slice(0, 22));
      expect(row.fingerprint).toBe(envelopeFingerprint(kept as never));
    } finally {
      await app.close();
    }
  });
});
