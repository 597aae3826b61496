// Published figures as queries: fulfilment, the 30124 scorecard and its live overdue queue, and
// funds safety. Aggregates over a city, brand and period, for anyone logged in.
import { Type, type Static } from "@sinclair/typebox";
import { periods } from "../../domain/reports/fulfilment.js";
import { firstYear, formatInstant, lastYear, msPerDay, startOfBusinessDate } from "../../domain/time.js";
import { fulfilmentReport, type ReportScope } from "../../store/reports/fulfilment.js";
import { fundsSafetyReport } from "../../store/reports/funds-safety.js";
import { overdueReport, scorecardReport } from "../../store/reports/scorecard.js";
import { notSlug } from "../../domain/events/schema.js";
import { ApiError, ErrorBody } from "../errors.js";
import { Slug } from "../schemas.js";
import type { ApiContext, TypedApp } from "../server.js";

export const CalendarDate = Type.String({ pattern: "^\\d{4}-\\d{2}-\\d{2}$" });
const PeriodQuery = Type.Union(periods.map((p) => Type.Literal(p)), { default: "month" });
const Range = Type.Object({ from: CalendarDate, to: CalendarDate, city: Type.Optional(Slug), brand: Type.Optional(Slug) });

/** A range of business days, both ends included: from 00:00 of `from` to 00:00 after `to`. */
export function dayRange(from: string, to: string): { from: number; to: number } {
  const start = startOfBusinessDate(from);
  const end = startOfBusinessDate(to);
  if (start === null) throw new ApiError(400, "invalid_field", `from: ${from} is not a date of ${firstYear}–${lastYear}`, "from");
  if (end === null) throw new ApiError(400, "invalid_field", `to: ${to} is not a date of ${firstYear}–${lastYear}`, "to");
  if (end < start) throw new ApiError(400, "invalid_field", "to is before from", "to");
  return { from: start, to: end + 86_400_000 };
}

/** Ten years of days: a report has a row per period (and commitment), empty ones too. */
export const maxReportDays = 3_660;

/** The scope of a report request: its day range and the city, brand and commitment asked for. */
export function reportScope(query: { from: string; to: string; city?: string | undefined; brand?: string | undefined; commitment?: string | undefined; period?: string | undefined }): ReportScope {
  const { city, brand, commitment } = query;
  const range = dayRange(query.from, query.to);
  // By day, 1970–2999 made 376,000 periods of rows for anyone logged in (a 24-second answer).
  if (query.period === "day" && (range.to - range.from) / msPerDay > maxReportDays) {
    throw new ApiError(400, "invalid_field", `a report by day covers at most ${maxReportDays} days: ask by month or year, or for a shorter range`, "period");
  }
  // The API's schema checks these; the command line's flags come here as given.
  for (const [field, name] of [["city", city], ["brand", brand]] as const) {
    const problem = name === undefined ? null : notSlug(field, name);
    if (problem !== null) throw new ApiError(400, "invalid_field", problem, field);
  }
  return {
    ...range,
    ...(city === undefined ? {} : { city }), ...(brand === undefined ? {} : { brand }), ...(commitment === undefined ? {} : { commitment }),
  };
}

export function registerReportRoutes(app: TypedApp, context: ApiContext): void {
  const db = () => context.service.database.db;
  const report = (summary: string) => ({ summary, tags: ["reports"], security: [{ session: [] }], response: { 400: ErrorBody } });

  app.get("/v1/reports/fulfilment", {
    schema: {
      ...report("Fulfilment: count and amount by commitment and period (payouts, advances, refunds, waivers, remedies, recoveries), fulfilment rate and time from breach to payout"),
      querystring: Type.Composite([Range, Type.Object({ period: PeriodQuery, commitment: Type.Optional(Slug) })]),
    },
  }, async (request) => {
    await context.userOf(request);
    const { from, to, period } = request.query;
    return { from, to, period, ...(await fulfilmentReport(db(), reportScope(request.query), period)) };
  });

  app.get("/v1/reports/scorecard", {
    schema: {
      ...report("The 30124 scorecard: shares answered in 30 min, solved in 12 h, closed in 24 h; complaint rate per deal; handling satisfaction; NPS"),
      querystring: Type.Composite([Range, Type.Object({ period: PeriodQuery })]),
    },
  }, async (request) => {
    await context.userOf(request);
    const { from, to, period } = request.query;
    return { from, to, period, ...(await scorecardReport(db(), reportScope(request.query), period)) };
  });

  app.get("/v1/reports/funds-safety", {
    schema: {
      ...report("Funds safety: custody rate, risky deals stopped by rule, loss events and loss rate, fund balances, advances outstanding and recovered"),
      querystring: Range,
    },
  }, async (request) => {
    await context.userOf(request);
    const { from, to } = request.query;
    return { from, to, ...(await fundsSafetyReport(db(), reportScope(request.query))) };
  });

  const Overdue = Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }) });
  app.get("/v1/complaints/overdue", {
    schema: {
      summary: "Complaints not closed with a 30124 stage past due, oldest first: the live queue", tags: ["complaints"], security: [{ session: [] }],
      querystring: Overdue,
    },
  }, async (request) => {
    const user = await context.userOf(request);
    const { limit } = request.query as Static<typeof Overdue>;
    const reader = { scope: user, ...(user.role === "consumer" ? { consumerId: user.subjectId } : {}) };
    const overdue = await overdueReport(db(), context.now(), reader, limit);
    return {
      complaints: overdue.map((c) => ({ ...c, filedAt: formatInstant(c.filedAt), missed: c.missed.map((m) => ({ stage: m.stage, dueAt: formatInstant(m.dueAt) })) })),
    };
  });
}
