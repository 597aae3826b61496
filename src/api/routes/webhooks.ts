// Webhook registration and the delivery log, per integrator API key.
import { Type } from "@sinclair/typebox";
import { noticeKinds } from "../../engine/state.js";
import { refusedUrl } from "../../service/webhook-hosts.js";
import { registerWebhook } from "../../service/webhooks.js";
import { ApiError, ErrorBody } from "../errors.js";
import { oneOf } from "../schemas.js";
import type { ApiContext, TypedApp } from "../server.js";

const maxWebhooksPerKey = 20;

const Registered = Type.Object({ id: Type.String(), url: Type.String(), kinds: Type.Array(Type.String()), secret: Type.String(), duplicate: Type.Boolean() });

export function registerWebhookRoutes(app: TypedApp, context: ApiContext): void {
  const db = () => context.service.database.db;

  app.post("/v1/webhooks", {
    schema: {
      summary: "Register a URL for notice kinds; the answer holds the signing secret. Sent again, the same webhook (200, duplicate)", tags: ["webhooks"], security: [{ apiKey: [] }],
      body: Type.Object({
        url: Type.String({ pattern: "^https?://", maxLength: 2000 }),
        kinds: Type.Array(oneOf(noticeKinds), { minItems: 1, uniqueItems: true }),
      }, { additionalProperties: false }),
      response: {
        201: Registered, 200: Registered,
        400: ErrorBody, 409: ErrorBody,
      },
    },
  }, async (request, reply) => {
    const integrator = await context.integratorOf(request);
    const { url, kinds } = request.body;
    const refused = refusedUrl(url, context.webhookHosts);
    if (refused !== null) throw new ApiError(400, "invalid_field", `url: ${refused}: webhooks are delivered to the integrator's servers only`, "url");
    const existing = await db().selectFrom("webhooks").select("url").where("key_hash", "=", integrator.keyHash).execute();
    if (existing.length >= maxWebhooksPerKey && !existing.some((hook) => hook.url === url)) {
      throw new ApiError(409, "too_many_webhooks", `at most ${maxWebhooksPerKey} webhooks per API key`, "url");
    }
    // The same registration sent again (a retry after a lost answer) is the one made, not a second.
    const { made, ...hook } = await registerWebhook(db(), { keyHash: integrator.keyHash, url, kinds }, context.now());
    if (made) return reply.status(201).send({ ...hook, duplicate: false });
    if (hook.kinds.length !== kinds.length || !kinds.every((kind) => hook.kinds.includes(kind))) {
      throw new ApiError(409, "webhook_exists", `webhook ${hook.id} already sends other kinds to ${url}: remove it first`, "url");
    }
    return reply.status(200).send({ ...hook, duplicate: true });
  });

  app.get("/v1/webhooks", { schema: { summary: "This key's webhooks", tags: ["webhooks"], security: [{ apiKey: [] }] } }, async (request) => {
    const integrator = await context.integratorOf(request);
    const rows = await db().selectFrom("webhooks").select(["id", "url", "kinds"]).where("key_hash", "=", integrator.keyHash).orderBy("id").execute();
    return { webhooks: rows.map((r) => ({ id: r.id, url: r.url, kinds: JSON.parse(r.kinds) as string[] })) };
  });

  app.delete("/v1/webhooks/:id", {
    schema: { summary: "Remove a webhook", tags: ["webhooks"], security: [{ apiKey: [] }], params: Type.Object({ id: Type.String() }), response: { 404: ErrorBody } },
  }, async (request) => {
    const integrator = await context.integratorOf(request);
    const result = await db().deleteFrom("webhooks").where("id", "=", request.params.id).where("key_hash", "=", integrator.keyHash).executeTakeFirst();
    if (Number(result.numDeletedRows) === 0) throw new ApiError(404, "unknown_webhook", `no webhook ${request.params.id} for this key`, "id");
    return { deleted: request.params.id };
  });

  app.get("/v1/webhooks/:id/deliveries", {
    schema: {
      summary: "Deliveries of a webhook, newest first: attempts, status, last error", tags: ["webhooks"], security: [{ apiKey: [] }],
      params: Type.Object({ id: Type.String() }), querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }) }),
      response: { 404: ErrorBody },
    },
  }, async (request) => {
    const integrator = await context.integratorOf(request);
    const hook = await db().selectFrom("webhooks").select("id").where("id", "=", request.params.id).where("key_hash", "=", integrator.keyHash).executeTakeFirst();
    if (hook === undefined) throw new ApiError(404, "unknown_webhook", `no webhook ${request.params.id} for this key`, "id");
    const rows = await db().selectFrom("deliveries").selectAll().where("webhook_id", "=", hook.id).orderBy("id", "desc").limit(request.query.limit).execute();
    return {
      deliveries: rows.map((d) => ({
        id: Number(d.id), kind: d.kind, status: d.status, attempts: d.attempts, lastError: d.last_error,
        nextAt: new Date(Number(d.next_at)).toISOString(), createdAt: new Date(Number(d.created_at)).toISOString(), body: JSON.parse(d.body) as unknown,
      })),
    };
  });
}
