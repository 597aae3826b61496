// Ingest: one event or a batch of up to 1,000, each accepted, a duplicate, or rejected and kept.
import { Type } from "@sinclair/typebox";
import { notJson } from "../../domain/events/json.js";
import type { Rejection } from "../../domain/events/validate.js";
import { commandTypes } from "../../engine/commands.js";
import type { Outcome } from "../../engine/engine.js";
import { maxBatchEvents } from "../../service/service.js";
import type { Integrator } from "../../service/people.js";
import { ApiError, ErrorBody, statusOfRejection } from "../errors.js";
import { rowsCovered, scopeCovers, withinScope } from "../../store/scope.js";
import { scopeOfKey } from "../scope.js";
import { LogSeq } from "../schemas.js";
import { invalidJsonError, isApiKey, isInvalidJson, type ApiContext, type InvalidJson, type TypedApp } from "../server.js";

const EventBody = Type.Unknown({ description: "an event envelope of the public contract (docs/events.md)" });
const Result = Type.Object({
  status: Type.Union([Type.Literal("accepted"), Type.Literal("duplicate"), Type.Literal("rejected")]),
  id: Type.Union([Type.String(), Type.Null()]),
  duplicate: Type.Boolean(),
  code: Type.Optional(Type.String()),
  message: Type.Optional(Type.String()),
  field: Type.Optional(Type.String()),
});

/**
 * What an API key may send: its brand's events in its cities. People's decisions (an approval, a
 * top-up) are made by a logged-in user through their own routes, which write them as events with
 * the user as actor; sent with a key, any actor and role could be claimed, and a claim of another
 * brand paid. Ids beginning `cmd/` are those decisions' (their Idempotency-Key).
 */
function admissionOf(integrator: Integrator) {
  return (input: unknown): Rejection | null => {
    const envelope = input as { id?: unknown; type?: unknown; city?: unknown; brand?: unknown } | null;
    // The scope first: a refusal for it is not filed under the brand and city it names (projection.ts).
    if (typeof envelope?.brand === "string" && integrator.brand !== "*" && envelope.brand !== integrator.brand) {
      return { code: "out_of_scope", message: `this API key sends events for brand ${integrator.brand}`, field: "brand" };
    }
    if (typeof envelope?.city === "string" && !integrator.cities.includes("*") && !integrator.cities.includes(envelope.city)) {
      return { code: "out_of_scope", message: `this API key sends events for ${integrator.cities.join(", ")}`, field: "city" };
    }
    if (typeof envelope?.type === "string" && commandTypes.has(envelope.type)) {
      return { code: "insufficient_authority", message: `${envelope.type} is a person's decision: a logged-in user makes it through the claims and funds routes, not an API key`, field: "type" };
    }
    if (typeof envelope?.id === "string" && envelope.id.startsWith("cmd/")) {
      return { code: "invalid_field", message: "ids beginning cmd/ are kept for people's decisions", field: "id" };
    }
    return null; // the contract says what else is wrong
  };
}

function toResult(outcome: Outcome) {
  switch (outcome.status) {
    case "accepted":
      return { status: outcome.status, id: outcome.event.id, duplicate: false };
    case "duplicate":
      return { status: outcome.status, id: outcome.eventId, duplicate: true };
    case "rejected":
      return { status: outcome.status, id: outcome.eventId, duplicate: false, ...outcome.rejection };
  }
}

function statusOf(outcome: Outcome): number {
  if (outcome.status === "accepted") return 202;
  if (outcome.status === "duplicate") return 200;
  return outcome.rejection.code === "out_of_scope" ? 403 : statusOfRejection(outcome.rejection.code);
}

function refuseInvalidJson(context: ApiContext, body: InvalidJson, integrator: { keyHash: string }): Promise<Outcome> {
  return context.service.refuse(body.invalidJson, notJson(body.error), { sender: integrator.keyHash });
}

export function registerEventRoutes(app: TypedApp, context: ApiContext): void {
  app.post("/v1/events", {
    schema: {
      summary: "Send one event", tags: ["events"], security: [{ apiKey: [] }], body: EventBody,
      response: { 200: Result, 202: Result, 400: ErrorBody, 403: ErrorBody, 409: ErrorBody },
    },
  }, async (request, reply) => {
    const integrator = await context.integratorOf(request);
    const outcome = isInvalidJson(request.body)
      ? await refuseInvalidJson(context, request.body, integrator)
      : await context.service.submit(request.body, { admit: admissionOf(integrator), sender: integrator.keyHash });
    const status = statusOf(outcome) as 200;
    if (outcome.status === "rejected") return reply.status(status).send({ ...toResult(outcome), ...outcome.rejection });
    return reply.status(status).send(toResult(outcome));
  });

  app.post("/v1/events/batch", {
    schema: {
      summary: `Send up to ${maxBatchEvents} events; each gets its own result`, tags: ["events"], security: [{ apiKey: [] }],
      body: Type.Object({ events: Type.Array(EventBody, { maxItems: maxBatchEvents }) }, { additionalProperties: false }),
      response: { 200: Type.Object({ accepted: Type.Integer(), duplicates: Type.Integer(), rejected: Type.Integer(), results: Type.Array(Result) }), 400: ErrorBody },
    },
    // Before the schema's check, which would name a missing `events`: a body that was not JSON is
    // kept as one rejected input, as a single event's is, and the whole batch answered 400.
    preValidation: async (request) => {
      if (!isInvalidJson(request.body)) return;
      await refuseInvalidJson(context, request.body, await context.integratorOf(request));
      throw invalidJsonError(request.body);
    },
  }, async (request) => {
    const integrator = await context.integratorOf(request);
    const outcomes = await context.service.submitBatch(request.body.events, { admit: admissionOf(integrator), sender: integrator.keyHash });
    const count = (status: Outcome["status"]) => outcomes.filter((o) => o.status === status).length;
    return { accepted: count("accepted"), duplicates: count("duplicate"), rejected: count("rejected"), results: outcomes.map(toResult) };
  });

  app.get("/v1/events/rejected", {
    schema: {
      summary: "Rejected events, newest first, with the reason", tags: ["events"], security: [{ apiKey: [] }, { session: [] }],
      querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }), beforeSeq: Type.Optional(LogSeq) }),
    },
  }, async (request) => {
    // An API key reads what it sent and its brand's and cities' rejections; staff theirs. Consumers and agents send no events.
    const db = context.service.database.db;
    let query = db.selectFrom("rejected").selectAll().orderBy("seq", "desc").limit(request.query.limit);
    if (isApiKey(request)) {
      const integrator = await context.integratorOf(request);
      const scope = scopeOfKey(integrator);
      if (!scopeCovers(scope)) query = query.where((eb) => eb.or([eb("sender", "=", integrator.keyHash), rowsCovered(eb, scope, "rejected")!]));
    } else {
      const user = await context.userOf(request);
      if (user.role === "consumer" || user.role === "agent") throw new ApiError(403, "forbidden", `a ${user.role} may not read rejected events`, "role");
      query = withinScope(query, user, "rejected");
    }
    if (request.query.beforeSeq !== undefined) query = query.where("seq", "<", request.query.beforeSeq);
    const rows = await query.execute();
    return {
      rejected: rows.map((r) => ({ seq: Number(r.seq), id: r.event_id, type: r.type, code: r.code, message: r.message, field: r.field, receivedAt: new Date(Number(r.received_at)).toISOString(), input: JSON.parse(r.input) as unknown })),
    };
  });
}
