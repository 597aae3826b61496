// Published figures as queries: the fulfilment report (count and amount by commitment and period).
import { Type } from "@sinclair/typebox";
import { startOfBusinessDate } from "../../domain/time.js";
import { fulfilmentReport } from "../../store/reports.js";
import { ApiError, ErrorBody } from "../errors.js";
import type { ApiContext, TypedApp } from "../server.js";

const CalendarDate = Type.String({ pattern: "^\\d{4}-\\d{2}-\\d{2}$" });
const Slug = Type.String({ pattern: "^[a-z][a-z0-9-]{0,63}$" });

/** A range of business days, both ends included: from 00:00 of `from` to 00:00 after `to`. */
export function dayRange(from: string, to: string): { from: number; to: number } {
  const start = startOfBusinessDate(from);
  const end = startOfBusinessDate(to);
  if (start === null) throw new ApiError(400, "invalid_field", `from: ${from} is not a date`, "from");
  if (end === null) throw new ApiError(400, "invalid_field", `to: ${to} is not a date`, "to");
  if (end < start) throw new ApiError(400, "invalid_field", "to is before from", "to");
  return { from: start, to: end + 86_400_000 };
}

export function registerReportRoutes(app: TypedApp, context: ApiContext): void {
  app.get("/v1/reports/fulfilment", {
    schema: {
      summary: "Fulfilment: count and amount by commitment and period (payouts, advances, refunds, waivers, remedies, recoveries), fulfilment rate and time from breach to payout",
      tags: ["reports"], security: [{ session: [] }],
      querystring: Type.Object({
        from: CalendarDate, to: CalendarDate, period: Type.Union([Type.Literal("day"), Type.Literal("month"), Type.Literal("year"), Type.Literal("all")], { default: "month" }),
        city: Type.Optional(Slug), brand: Type.Optional(Slug), commitment: Type.Optional(Slug),
      }),
      response: { 400: ErrorBody },
    },
  }, async (request) => {
    await context.userOf(request);
    const { from, to, period, city, brand, commitment } = request.query;
    const scope = { ...dayRange(from, to), ...(city === undefined ? {} : { city }), ...(brand === undefined ? {} : { brand }), ...(commitment === undefined ? {} : { commitment }) };
    return { from, to, period, ...(await fulfilmentReport(context.service.database.db, scope, period)) };
  });
}
