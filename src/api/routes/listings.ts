// Owners' listing reports: on demand over any period (30 days by default), and the weekly reports
// generated on schedule. An owner sees their own listings, an agent those they maintain, staff
// their cities and brands; any other listing is answered as not found.
import { Type } from "@sinclair/typebox";
import type { SelectQueryBuilder } from "kysely";
import { listingReportView, untilNow } from "../../domain/reports/listing.js";
import { msPerDay } from "../../domain/time.js";
import type { User } from "../../service/people.js";
import type { Tables } from "../../store/database.js";
import { listingReports } from "../../store/reports/listing.js";
import { withinScope } from "../../store/scope.js";
import { ApiError, ErrorBody } from "../errors.js";
import { Offset } from "../schemas.js";
import type { ApiContext, TypedApp } from "../server.js";
import { CalendarDate, dayRange } from "./reports.js";

const defaultDays = 30;

function visible<O>(query: SelectQueryBuilder<Tables, "listings" | any, O>, user: User): SelectQueryBuilder<Tables, "listings" | any, O> {
  const q = withinScope(query, user, "listings");
  if (user.role === "consumer") return q.where("listings.owner_id", "=", user.subjectId);
  if (user.role === "agent") return q.where("listings.maintainer_id", "=", user.subjectId);
  return q;
}

export function registerListingRoutes(app: TypedApp, context: ApiContext): void {
  const db = () => context.service.database.db;

  app.get("/v1/listings/:listingId/report", {
    schema: {
      summary: "The owner's listing report: views, followers and showings against the community's same-layout average, promotions, progress and feedback standards, asking prices against the community's",
      tags: ["listings"], security: [{ session: [] }],
      params: Type.Object({ listingId: Type.String({ minLength: 1, maxLength: 128 }) }),
      querystring: Type.Object({ from: Type.Optional(CalendarDate), to: Type.Optional(CalendarDate) }),
      response: { 400: ErrorBody, 404: ErrorBody },
    },
  }, async (request) => {
    const user = await context.userOf(request);
    const { listingId } = request.params;
    const { from, to } = request.query;
    if ((from === undefined) !== (to === undefined)) throw new ApiError(400, "invalid_field", "give both from and to, or neither for the last 30 days", from === undefined ? "from" : "to");
    const now = context.now();
    const range = from !== undefined && to !== undefined ? dayRange(from, to) : { from: now - defaultDays * msPerDay, to: now };
    const found = await visible(db().selectFrom("listings").select("listing_id"), user).where("listing_id", "=", listingId).executeTakeFirst();
    if (found === undefined) throw new ApiError(404, "unknown_listing", `no listing ${listingId} that you may see`, "listingId");
    const reports = await listingReports(db(), { listingIds: [listingId], ...untilNow(range, now) });
    const report = reports.get(listingId);
    if (report === undefined) throw new ApiError(404, "not_active", `listing ${listingId} was not on the market in that period`, "from");
    return listingReportView(report);
  });

  app.get("/v1/weekly-reports", {
    schema: {
      summary: "Weekly listing reports generated on schedule, newest first: an owner's own, an agent's listings, staff's scope",
      tags: ["listings"], security: [{ session: [] }],
      querystring: Type.Object({
        listingId: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
        limit: Type.Integer({ minimum: 1, maximum: 200, default: 20 }), offset: Offset,
      }),
    },
  }, async (request) => {
    const user = await context.userOf(request);
    let query = visible(db().selectFrom("owner_reports").innerJoin("listings", "listings.listing_id", "owner_reports.listing_id")
      .select(["owner_reports.listing_id", "owner_reports.week_start", "owner_reports.body"]), user);
    if (request.query.listingId !== undefined) query = query.where("owner_reports.listing_id", "=", request.query.listingId);
    const rows = await query.orderBy("owner_reports.week_start", "desc").orderBy("owner_reports.listing_id").limit(request.query.limit).offset(request.query.offset).execute();
    return { reports: rows.map((r) => ({ listingId: r.listing_id, weekStart: r.week_start, report: JSON.parse(r.body) as unknown })) };
  });
}
