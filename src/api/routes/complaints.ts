// Complaints and their 30124 clock: a consumer files and follows their own; staff see their scope.
import { createHash } from "node:crypto";
import { Type } from "@sinclair/typebox";
import { obligationView } from "../../engine/snapshot.js";
import { obligationOfRow } from "../../store/projection.js";
import { ApiError, ErrorBody, statusOfRejection } from "../errors.js";
import { Offset, Slug } from "../schemas.js";
import type { ApiContext, TypedApp } from "../server.js";
import { scoped } from "./claims.js";

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
    const subjects = await scoped(db().selectFrom("obligations").select("subject_id"), user, "obligations").where("commitment", "=", commitment)
      .groupBy("subject_id").orderBy("subject_id").limit(request.query.limit).offset(request.query.offset).execute();
    if (subjects.length === 0) return { complaints: [] };
    const rows = await db().selectFrom("obligations").selectAll().where("commitment", "=", commitment).where("subject_id", "in", subjects.map((s) => s.subject_id)).execute();
    const complaints = new Map<string, { complaintId: string; consumerId: string | null; city: string; brand: string; stages: Record<string, unknown> }>();
    for (const row of rows) {
      const o = obligationView(obligationOfRow(row));
      const complaint = complaints.get(o.subjectId) ?? { complaintId: o.subjectId, consumerId: o.beneficiaryId, city: o.city, brand: o.brand, stages: {} };
      complaint.stages[o.stage!] = { dueAt: o.dueAt, status: o.status, ...(o.fulfilledAt === undefined ? {} : { metAt: o.fulfilledAt }) };
      complaints.set(o.subjectId, complaint);
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
