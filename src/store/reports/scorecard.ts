// The queries behind the 30124 scorecard and the live overdue queue.
import type { Kysely } from "kysely";
import type { ComplaintStage } from "../../domain/rules/complaint-clock.js";
import type { DailyFigure } from "../../domain/reports/activity.js";
import type { Period } from "../../domain/reports/fulfilment.js";
import { overdueComplaints, scorecard, type ComplaintStageRow, type FigureRow } from "../../domain/reports/scorecard.js";
import { businessDate, type Instant } from "../../domain/time.js";
import type { Tables } from "../database.js";
import { withinScope, type Scope } from "../scope.js";
import type { ReportScope } from "./fulfilment.js";

export const complaintCommitment = "complaints-30124";

/** Daily figures of the business days in a scope's range. */
export async function figuresOf(db: Kysely<Tables>, scope: ReportScope, figures: readonly DailyFigure[]): Promise<FigureRow[]> {
  let query = db.selectFrom("daily_figures").select(["day", "figure", "count", "total"])
    .where("figure", "in", [...figures]).where("day", ">=", businessDate(scope.from)).where("day", "<=", businessDate(scope.to - 1));
  if (scope.city !== undefined) query = query.where("city", "=", scope.city);
  if (scope.brand !== undefined) query = query.where("brand", "=", scope.brand);
  const rows = await query.execute();
  return rows.map((r) => ({ day: r.day, figure: r.figure as DailyFigure, count: Number(r.count), total: Number(r.total) }));
}

/** When each deal in scope was signed, once per deal (the deals table keeps one row per deal). */
export async function dealsSignedAt(db: Kysely<Tables>, scope: ReportScope): Promise<Instant[]> {
  let query = db.selectFrom("deals").select("signed_at").where("signed_at", ">=", scope.from).where("signed_at", "<", scope.to);
  if (scope.city !== undefined) query = query.where("city", "=", scope.city);
  if (scope.brand !== undefined) query = query.where("brand", "=", scope.brand);
  return (await query.execute()).map((d) => Number(d.signed_at));
}

export async function scorecardReport(db: Kysely<Tables>, scope: ReportScope, period: Period) {
  // A complaint belongs to the period it was filed in (its occurredAt), whenever it was received;
  // the scorecard counts the complaints the standard covers: those with its obligations.
  let query = db.selectFrom("obligations").innerJoin("complaints", "complaints.complaint_id", "obligations.subject_id")
    .select(["obligations.subject_id", "obligations.stage", "obligations.status", "complaints.filed_at", "complaints.rating"])
    .where("obligations.commitment", "=", complaintCommitment).where("complaints.filed_at", ">=", scope.from).where("complaints.filed_at", "<", scope.to);
  if (scope.city !== undefined) query = query.where("obligations.city", "=", scope.city);
  if (scope.brand !== undefined) query = query.where("obligations.brand", "=", scope.brand);
  const [stages, dealsSigned, figures] = await Promise.all([
    query.execute(), dealsSignedAt(db, scope), figuresOf(db, scope, ["reviews_promoter", "reviews_passive", "reviews_detractor"]),
  ]);
  const rows: ComplaintStageRow[] = stages.map((s) => ({
    complaintId: s.subject_id, stage: s.stage as ComplaintStage, status: s.status as ComplaintStageRow["status"], filedAt: Number(s.filed_at),
    rating: s.rating === null ? null : Number(s.rating),
  }));
  return { rows: scorecard({ stages: rows, dealsSignedAt: dealsSigned, figures, range: scope }, period) };
}

/** Complaints not closed with a stage past due, within the reader's scope; a consumer's own (`consumerId`) only. */
export async function overdueReport(db: Kysely<Tables>, now: Instant, reader: { scope: Scope; consumerId?: string }, limit: number) {
  let query = db.selectFrom("obligations").innerJoin("complaints", "complaints.complaint_id", "obligations.subject_id")
    .select(["obligations.subject_id", "obligations.city", "obligations.brand", "obligations.beneficiary_id", "obligations.stage", "obligations.status", "obligations.due_at", "complaints.filed_at"])
    .where("obligations.commitment", "=", complaintCommitment).where("complaints.closed_at", "is", null)
    .where((eb) => eb.or([eb("obligations.status", "=", "breached"), eb.and([eb("obligations.status", "=", "open"), eb("obligations.due_at", "<=", now)])]));
  query = withinScope(query, reader.scope, "obligations");
  if (reader.consumerId !== undefined) query = query.where("obligations.beneficiary_id", "=", reader.consumerId);
  // Three stages at most per complaint: enough rows for `limit` complaints, oldest first.
  const late = await query.orderBy("complaints.filed_at").orderBy("obligations.subject_id").limit(limit * 3).execute();
  const overdue = overdueComplaints(late.map((s) => ({
    complaintId: s.subject_id, city: s.city, brand: s.brand, consumerId: s.beneficiary_id, stage: s.stage as ComplaintStage,
    status: s.status as ComplaintStageRow["status"], dueAt: Number(s.due_at), filedAt: Number(s.filed_at),
  })), now);
  return overdue.slice(0, limit);
}
