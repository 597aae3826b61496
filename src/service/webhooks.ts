// Webhooks: integrators register URLs per notice kind. Notices become delivery rows in the same
// transaction as the state they describe (an outbox); a worker posts them, signed with
// HMAC-SHA256 over "timestamp.body", retried with exponential backoff, every attempt recorded.
import { createHmac, randomBytes } from "node:crypto";
import { sql, type Kysely, type Transaction } from "kysely";
import { claimView, obligationView, riskView } from "../engine/snapshot.js";
import type { EngineState, Notice, NoticeKind } from "../engine/state.js";
import { insertRows } from "../store/bulk.js";
import { fetch } from "undici";
import { deliveryAgent, refusedUrl, type Resolve, type WebhookHosts } from "./webhook-hosts.js";
import type { Database, Tables } from "../store/database.js";

export const maxDeliveryAttempts = 8;
export const deliveryTimeoutMs = 5_000;
export const deliveryLeaseMs = 30_000;
export const maxRetryDelayMs = 3_600_000;
export const deliveriesPerRun = 50;

/** 1 s, 2 s, 4 s … up to an hour. */
export function retryDelayMs(attempts: number): number {
  return Math.min(maxRetryDelayMs, 1_000 * 2 ** Math.max(0, attempts - 1));
}

/** The signature header: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">. */
export function signature(secret: string, body: string, unixSeconds: number): string {
  const digest = createHmac("sha256", secret).update(`${unixSeconds}.${body}`).digest("hex");
  return `t=${unixSeconds},v1=${digest}`;
}

/**
 * The key's webhook for the URL: made now, or the one made before (`made` false), whose kinds may
 * differ. One per key and URL (a unique index), so that registrations sent at once make one.
 */
export async function registerWebhook(db: Kysely<Tables>, request: { keyHash: string; url: string; kinds: NoticeKind[] }, now: number) {
  const id = `wh_${randomBytes(8).toString("hex")}`;
  const secret = `whsec_${randomBytes(24).toString("base64url")}`;
  await db.insertInto("webhooks").values({ id, key_hash: request.keyHash, url: request.url, kinds: JSON.stringify(request.kinds), secret, created_at: now })
    .onConflict((conflict) => conflict.columns(["key_hash", "url"]).doNothing()).execute();
  const hook = await db.selectFrom("webhooks").select(["id", "kinds", "secret"]).where("key_hash", "=", request.keyHash).where("url", "=", request.url).executeTakeFirstOrThrow();
  return { id: hook.id, url: request.url, kinds: JSON.parse(hook.kinds) as string[], secret: hook.secret, made: hook.id === id };
}

function payload(notice: Notice, state: EngineState): unknown {
  const claim = notice.claimId === null ? undefined : state.claims.get(notice.claimId);
  const obligation = notice.obligationId === null ? undefined : state.obligations.get(notice.obligationId);
  const risk = notice.riskKey === null ? undefined : state.risks.get(notice.riskKey);
  return {
    kind: notice.kind, at: new Date(notice.at).toISOString(), city: notice.city, brand: notice.brand,
    ...(claim === undefined ? {} : { claim: claimView(claim) }),
    ...(obligation === undefined ? {} : { obligation: obligationView(obligation) }),
    ...(risk === undefined ? {} : { risk: riskView(risk) }),
  };
}

type Hook = { id: string; kinds: string[]; brand: string; cities: string[] };

/**
 * Turns notices into deliveries for every webhook whose kinds and API-key scope cover them. The
 * webhooks are read once per write (a sweep enqueues part by part), and only once there is a notice.
 */
export function outbox(trx: Transaction<Tables>) {
  let hooks: Promise<Hook[]> | null = null;
  const read = async () => (await trx.selectFrom("webhooks").innerJoin("api_keys", "api_keys.key_hash", "webhooks.key_hash")
    .select(["webhooks.id", "webhooks.kinds", "api_keys.brand", "api_keys.cities"]).execute())
    .map((h) => ({ id: h.id, kinds: JSON.parse(h.kinds) as string[], brand: h.brand, cities: JSON.parse(h.cities) as string[] }));
  return async (notices: readonly Notice[], state: EngineState, now: number) => {
    if (notices.length === 0) return;
    await enqueue(trx, await (hooks ??= read()), notices, state, now);
  };
}

async function enqueue(trx: Transaction<Tables>, hooks: readonly Hook[], notices: readonly Notice[], state: EngineState, now: number): Promise<void> {
  if (hooks.length === 0) return;
  const rows = [];
  for (const notice of notices) {
    for (const hook of hooks) {
      if (!hook.kinds.includes(notice.kind)) continue;
      if (hook.brand !== "*" && hook.brand !== notice.brand) continue;
      if (!hook.cities.includes("*") && !hook.cities.includes(notice.city)) continue;
      rows.push({ webhook_id: hook.id, kind: notice.kind, body: JSON.stringify(payload(notice, state)), attempts: 0, next_at: now, status: "pending" as const, last_error: null, created_at: now });
    }
  }
  await insertRows(trx, rows, (row) => row, (values) => trx.insertInto("deliveries").values(values));
}

/**
 * Delivers due rows. Rows are leased first (next_at moved past the lease) in a short transaction;
 * on PostgreSQL with FOR UPDATE SKIP LOCKED, so that processes never post the same delivery at once.
 */
export async function deliverDue(database: Database, now: () => number, log: (message: string, fields: object) => void, hosts: WebhookHosts = "public", resolve?: Resolve): Promise<number> {
  const db = database.db;
  const leased = await db.transaction().execute(async (trx) => {
    let query = trx.selectFrom("deliveries").innerJoin("webhooks", "webhooks.id", "deliveries.webhook_id")
      .select(["deliveries.id", "deliveries.kind", "deliveries.body", "deliveries.attempts", "webhooks.url", "webhooks.secret"])
      .where("deliveries.status", "=", "pending").where("deliveries.next_at", "<=", now()).orderBy("deliveries.id").limit(deliveriesPerRun);
    if (database.engine === "postgres") query = query.modifyEnd(sql`for update of deliveries skip locked`);
    const rows = await query.execute();
    if (rows.length > 0) await trx.updateTable("deliveries").set({ next_at: now() + deliveryLeaseMs }).where("id", "in", rows.map((r) => r.id)).execute();
    return rows;
  });
  if (leased.length === 0) return 0;
  const agent = deliveryAgent(hosts, resolve);
  try {
    for (const row of leased) {
      const attempts = row.attempts + 1;
      let error: string | null = null;
      try {
        error = refusedUrl(row.url, hosts);
        const response = error !== null ? null : await fetch(row.url, {
          dispatcher: agent,
          method: "POST",
          headers: { "content-type": "application/json", "x-anxin-event": row.kind, "x-anxin-delivery": String(row.id), "x-anxin-signature": signature(row.secret, row.body, Math.floor(now() / 1000)) },
          body: row.body,
          signal: AbortSignal.timeout(deliveryTimeoutMs),
          // A redirect is not followed: it could lead where the URL's check would refuse (webhook-hosts.ts).
          redirect: "manual",
        });
        await response?.body?.cancel(); // only the status is read: the connection is free for the next
        if (response !== null && (response.status < 200 || response.status >= 300)) error = `HTTP ${response.status}${response.status >= 300 && response.status < 400 ? " (redirects are not followed)" : ""}`;
      } catch (e) {
        // fetch says only "fetch failed"; why is its cause (a refused address, a refused connection).
        const { message, cause } = e as Error & { cause?: Error };
        error = cause?.message ?? message;
      }
      const status = error === null ? "delivered" : attempts >= maxDeliveryAttempts ? "failed" : "pending";
      await db.updateTable("deliveries").set({ attempts, status, last_error: error, next_at: error === null ? now() : now() + retryDelayMs(attempts) }).where("id", "=", row.id).execute();
      log(error === null ? "webhook delivered" : "webhook delivery failed", { delivery: row.id, kind: row.kind, attempts, status, error });
    }
  } finally {
    await agent.close(); // also when recording an attempt fails: its connections are not left open
  }
  return leased.length;
}
