// Claims and obligations: lists filtered by what each person may see, and people's decisions.
import { Type } from "@sinclair/typebox";
import type { SelectQueryBuilder } from "kysely";
import { claimStatuses } from "../../domain/claims.js";
import type { EventType } from "../../domain/events/schema.js";
import { obligationStatuses } from "../../domain/obligations.js";
import { formatInstant, parseInstant } from "../../domain/time.js";
import { claimView, obligationView } from "../../engine/snapshot.js";
import { approverRoleOf, type User } from "../../service/people.js";
import type { Tables } from "../../store/database.js";
import { obligationOfRow } from "../../store/projection.js";
import { ApiError, ErrorBody, statusOfRejection } from "../errors.js";
import { withinScope } from "../../store/scope.js";
import { Offset, oneOf } from "../schemas.js";
import type { ApiContext, TypedApp } from "../server.js";

const Decision = Type.Object({ reason: Type.String({ minLength: 1, maxLength: 2000 }) }, { additionalProperties: false });
const IdempotencyHeaders = Type.Object({ "idempotency-key": Type.String({ minLength: 1, maxLength: 100 }) });
const ClaimParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 512 }) });

/** Staff see their cities and brands; a consumer, within theirs, only what they are the beneficiary of. */
export function scoped<T extends SelectQueryBuilder<Tables, "claims" | "obligations", any>>(query: T, user: User, table: "claims" | "obligations"): T {
  const q = withinScope(query, user, table);
  return (user.role === "consumer" ? q.where(`${table}.beneficiary_id`, "=", user.subjectId) : q) as T;
}

function instantOrFail(text: string | undefined, field: string): number | undefined {
  if (text === undefined) return undefined;
  const at = parseInstant(text);
  if (at === null) throw new ApiError(400, "invalid_timestamp", `${field} must be RFC 3339 with an offset`, field);
  return at;
}

export function registerClaimRoutes(app: TypedApp, context: ApiContext): void {
  const db = () => context.service.database.db;

  app.get("/v1/claims", {
    schema: {
      summary: "List claims", tags: ["claims"], security: [{ session: [] }],
      querystring: Type.Object({
        status: Type.Optional(oneOf(claimStatuses)), commitment: Type.Optional(Type.String()), city: Type.Optional(Type.String()), brand: Type.Optional(Type.String()),
        beneficiaryId: Type.Optional(Type.String()), openedAfter: Type.Optional(Type.String()), openedBefore: Type.Optional(Type.String()),
        limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }), offset: Offset,
      }),
    },
  }, async (request) => {
    const user = await context.userOf(request);
    const q = request.query;
    let query = scoped(db().selectFrom("claims").select("body"), user, "claims");
    if (q.status !== undefined) query = query.where("status", "=", q.status);
    if (q.commitment !== undefined) query = query.where("commitment", "=", q.commitment);
    if (q.city !== undefined) query = query.where("city", "=", q.city);
    if (q.brand !== undefined) query = query.where("brand", "=", q.brand);
    if (q.beneficiaryId !== undefined) query = query.where("beneficiary_id", "=", q.beneficiaryId);
    const after = instantOrFail(q.openedAfter, "openedAfter");
    const before = instantOrFail(q.openedBefore, "openedBefore");
    if (after !== undefined) query = query.where("opened_at", ">=", after);
    if (before !== undefined) query = query.where("opened_at", "<", before);
    const rows = await query.orderBy("opened_at", "desc").orderBy("id").limit(q.limit).offset(q.offset).execute();
    return { claims: rows.map((r) => JSON.parse(r.body) as unknown) };
  });

  app.get("/v1/claims/:id", {
    schema: { summary: "One claim, with its decisions", tags: ["claims"], security: [{ session: [] }], params: ClaimParams, response: { 404: ErrorBody } },
  }, async (request) => {
    const user = await context.userOf(request);
    const row = await scoped(db().selectFrom("claims").select("body"), user, "claims").where("id", "=", request.params.id).executeTakeFirst();
    if (row === undefined) throw new ApiError(404, "unknown_claim", `no claim ${request.params.id} that you may see`, "id");
    return JSON.parse(row.body) as unknown;
  });

  const decide = (action: "approve" | "reject" | "void" | "pay", type: EventType) => {
    app.post(`/v1/claims/:id/${action}`, {
      schema: {
        summary: `${action[0]!.toUpperCase()}${action.slice(1)} a claim (idempotent by Idempotency-Key)`, tags: ["claims"], security: [{ session: [] }],
        params: ClaimParams, headers: IdempotencyHeaders, body: Decision, response: { 403: ErrorBody, 404: ErrorBody, 409: ErrorBody },
      },
    }, async (request) => {
      const user = await context.userOf(request);
      const claim = context.service.engine.state.claims.get(request.params.id);
      const visible = await scoped(db().selectFrom("claims").select("id"), user, "claims").where("id", "=", request.params.id).executeTakeFirst();
      if (claim === undefined || visible === undefined) throw new ApiError(404, "unknown_claim", `no claim ${request.params.id} that you may see`, "id");
      const role = approverRoleOf(user.role);
      const mayPay = user.role === "finance" || user.role === "operations";
      if (action === "pay" ? !mayPay : role === null) throw new ApiError(403, "insufficient_authority", `a ${user.role} may not ${action} claims`, "role");
      const data = action === "pay"
        ? { claimId: claim.id, actorId: user.username, reason: request.body.reason }
        : { claimId: claim.id, actorId: user.username, role, reason: request.body.reason };
      const result = await context.service.command({ idempotencyKey: `${user.username}/${request.headers["idempotency-key"]}`, type, city: claim.city, brand: claim.brand, data });
      if (result.status === "rejected") throw new ApiError(statusOfRejection(result.rejection.code), result.rejection.code, result.rejection.message, result.rejection.field.replace(/^data\./, ""));
      return { duplicate: result.status === "duplicate", claim: claimView(context.service.engine.state.claims.get(claim.id)!) };
    });
  };
  decide("approve", "claim.approved");
  decide("reject", "claim.rejected");
  decide("void", "claim.voided");
  decide("pay", "claim.pay_requested");

  app.get("/v1/obligations", {
    schema: {
      summary: "List obligations: an agent sees their own, with the time left", tags: ["obligations"], security: [{ session: [] }],
      querystring: Type.Object({
        status: Type.Optional(oneOf(obligationStatuses)), commitment: Type.Optional(Type.String()), responsibleId: Type.Optional(Type.String()),
        dueBefore: Type.Optional(Type.String()), limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }), offset: Offset,
      }),
    },
  }, async (request) => {
    const user = await context.userOf(request);
    const q = request.query;
    let query = scoped(db().selectFrom("obligations").selectAll(), user, "obligations");
    if (user.role === "agent") query = query.where("responsible_id", "=", user.subjectId);
    if (q.status !== undefined) query = query.where("status", "=", q.status);
    if (q.commitment !== undefined) query = query.where("commitment", "=", q.commitment);
    if (q.responsibleId !== undefined) query = query.where("responsible_id", "=", q.responsibleId);
    const dueBefore = instantOrFail(q.dueBefore, "dueBefore");
    if (dueBefore !== undefined) query = query.where("due_at", "<", dueBefore);
    const rows = await query.orderBy("due_at").orderBy("id").limit(q.limit).offset(q.offset).execute();
    const now = context.now();
    return { now: formatInstant(now), obligations: rows.map((r) => ({ ...obligationView(obligationOfRow(r)), secondsLeft: Math.floor((Number(r.due_at) - now) / 1000) })) };
  });
}
