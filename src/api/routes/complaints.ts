// Complaints and their 30124 clock: a consumer files and follows their own; staff see their scope.
import { createHash } from "node:crypto";
import { Type } from "@sinclair/typebox";
import { obligationView } from "../../engine/snapshot.js";
import { obligationOfRow } from "../../store/projection.js";
import { ApiError, ErrorBody, statusOfRejection } from "../errors.js";
import { Offset, Slug } from "../schemas.js";
import type { ApiContext, TypedApp } from "../server.js";
import { withinScope } from "../../store/scope.js";
import { covers } from "../scope.js";

const commitment = "complaints-30124";
const Filed = Type.Object({ complaintId: Type.String(), duplicate: Type.Boolean() });

export function registerComplaintRoutes(app: TypedApp, context: ApiContext): void {
  const db = () => context.service.database.db;

  app.get("/v1/complaints", {
    schema: {
      summary: "Complaints with their three deadlines (answer 30 min, solution 12 h, close 24 h), each met or missed", tags: ["complaints"], security: [{ session: [] }],
      querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }), offset: Offset }),
    },
  }, async (request) => {
    const user = await context.userOf(request);
    // Every complaint filed, with its 30124 stages where that standard is live (none elsewhere).
    let query = withinScope(db().selectFrom("complaints").select(["complaint_id", "consumer_id", "city", "brand"]), user, "complaints");
    if (user.role === "consumer") query = query.where("consumer_id", "=", user.subjectId);
    const filed = await query.where("filed_at", "is not", null).orderBy("complaint_id").limit(request.query.limit).offset(request.query.offset).execute();
    if (filed.length === 0) return { complaints: [] };
    const rows = await db().selectFrom("obligations").selectAll().where("commitment", "=", commitment).where("subject_id", "in", filed.map((c) => c.complaint_id)).execute();
    const complaints = new Map(filed.map((c) => [c.complaint_id, { complaintId: c.complaint_id, consumerId: c.consumer_id, city: c.city, brand: c.brand, stages: {} as Record<string, unknown> }]));
    for (const row of rows) {
      const o = obligationView(obligationOfRow(row));
      const complaint = complaints.get(o.subjectId);
      if (complaint !== undefined) complaint.stages[o.stage!] = { dueAt: o.dueAt, status: o.status, ...(o.fulfilledAt === undefined ? {} : { metAt: o.fulfilledAt }) };
    }
    return { complaints: [...complaints.values()] };
  });

  app.post("/v1/complaints", {
    schema: {
      summary: "A consumer files a complaint; the 30124 clock starts", tags: ["complaints"], security: [{ session: [] }],
      headers: Type.Object({ "idempotency-key": Type.String({ minLength: 1, maxLength: 100 }) }),
      body: Type.Object({ city: Slug, brand: Slug, category: Type.String({ minLength: 1, maxLength: 100 }), text: Type.String({ maxLength: 2000 }) }, { additionalProperties: false }),
      response: { 200: Filed, 201: Filed, 403: ErrorBody, 409: ErrorBody },
    },
  }, async (request, reply) => {
    const user = await context.userOf(request);
    if (user.role !== "consumer") throw new ApiError(403, "forbidden", "complaints are filed by consumers; staff answer them with complaint events", "role");
    if (!covers(user, request.body.brand, request.body.city)) throw new ApiError(403, "out_of_scope", `${user.username} is a consumer of ${user.brands.join(", ")} in ${user.cities.join(", ")}`, "city");
    const idempotencyKey = `${user.username}/${request.headers["idempotency-key"]}`;
    // Named by the idempotency key, so that a retry sends the very same command.
    const complaintId = `CP-${createHash("sha256").update(idempotencyKey).digest("hex").slice(0, 16)}`;
    const result = await context.service.command({
      idempotencyKey, type: "complaint.filed", city: request.body.city, brand: request.body.brand,
      data: { complaintId, consumerId: user.subjectId, category: request.body.category, text: request.body.text },
    });
    if (result.status === "rejected") throw new ApiError(statusOfRejection(result.rejection.code), result.rejection.code, result.rejection.message, result.rejection.field);
    return reply.status(result.status === "accepted" ? 201 : 200).send({ complaintId, duplicate: result.status === "duplicate" });
  });
}
