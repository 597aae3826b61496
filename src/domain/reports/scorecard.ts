// The 30124 scorecard (domain.md, "Complaints"): of the complaints filed in a period under the
// standard, the share answered within 30 minutes, with a solution within 12 hours and closed
// within 24 hours; the complaint rate per deal; handling satisfaction; NPS from reviews.
import { assert } from "../assert.js";
import type { ComplaintStage } from "../rules/complaint-clock.js";
import type { Instant } from "../time.js";
import type { DailyFigure } from "./activity.js";
import { periodOf, periodOfDay, periodsIn, type Period } from "./fulfilment.js";

export interface ComplaintStageRow {
  complaintId: string;
  stage: ComplaintStage;
  status: "open" | "fulfilled" | "breached";
  /** When the complaint was filed: the clock's start. */
  filedAt: Instant;
  /** The consumer's rating of the handling (1–5) at its latest rated closing; null if unrated. */
  rating: number | null;
}

export interface FigureRow {
  day: string;
  figure: DailyFigure;
  count: number;
  total: number;
}

export interface StageScore {
  met: number;
  missed: number;
  /** Not yet due and not yet met. */
  pending: number;
  /** met / (met + missed); null when nothing was decided. */
  share: number | null;
}

export interface ScorecardRow {
  period: string;
  /** Complaints filed in the period under a live 30124 version: those its stages are counted over. */
  complaints: number;
  respond: StageScore;
  solution: StageScore;
  close: StageScore;
  /** Deals signed in the period, each once. */
  dealsSigned: number;
  /** complaints / deals signed; null without deals. */
  complaintRate: number | null;
  /** Of the period's complaints rated by the consumer, the share rated 4 or 5 of 5. */
  satisfaction: number | null;
  rated: number;
  /** (promoters − detractors) / reviews × 100, on the 1–5 scale: 5 promotes, 1–3 detract. */
  nps: number | null;
  reviews: number;
}

export interface ScorecardInput {
  /** Every 30124 stage of the complaints filed in the range, three per complaint. */
  stages: readonly ComplaintStageRow[];
  /** When each deal in scope was signed, one instant per deal. */
  dealsSignedAt: readonly Instant[];
  /** Review figures by day. */
  figures: readonly FigureRow[];
  range: { from: Instant; to: Instant };
}

const ratio = (part: number, whole: number): number | null => (whole === 0 ? null : part / whole);

function emptyRow(period: string): ScorecardRow {
  const stage = (): StageScore => ({ met: 0, missed: 0, pending: 0, share: null });
  return {
    period, complaints: 0, respond: stage(), solution: stage(), close: stage(), dealsSigned: 0,
    complaintRate: null, satisfaction: null, rated: 0, nps: null, reviews: 0,
  };
}

/** One row per period of the range; complaints and their ratings in the period they were filed, deals and reviews in theirs. */
export function scorecard(input: ScorecardInput, period: Period): ScorecardRow[] {
  const rows = new Map<string, ScorecardRow & { satisfied: number; promoters: number; detractors: number }>();
  for (const key of periodsIn(input.range, period)) rows.set(key, { ...emptyRow(key), satisfied: 0, promoters: 0, detractors: 0 });
  const row = (key: string) => {
    const found = rows.get(key);
    assert(found !== undefined, `period ${key} is outside the report's range`);
    return found;
  };
  const counted = new Set<string>();
  for (const s of input.stages) {
    const r = row(periodOf(s.filedAt, period));
    const score = r[s.stage];
    if (s.status === "fulfilled") score.met++;
    else if (s.status === "breached") score.missed++;
    else score.pending++;
    // A complaint has three stages; it and its rating count once.
    if (counted.has(s.complaintId)) continue;
    counted.add(s.complaintId);
    r.complaints++;
    if (s.rating === null) continue;
    r.rated++;
    // Satisfied: 4 or 5 of 5, the share behind "handling satisfaction 84.6% → 91%".
    if (s.rating >= 4) r.satisfied++;
  }
  for (const at of input.dealsSignedAt) row(periodOf(at, period)).dealsSigned++;
  for (const f of input.figures) {
    const r = row(periodOfDay(f.day, period));
    switch (f.figure) {
      case "reviews_promoter": r.promoters += f.count; r.reviews += f.count; break;
      case "reviews_passive": r.reviews += f.count; break;
      case "reviews_detractor": r.detractors += f.count; r.reviews += f.count; break;
      default: break;
    }
  }
  return [...rows.values()].sort((a, b) => (a.period < b.period ? -1 : 1)).map(({ satisfied, promoters, detractors, ...r }) => {
    for (const stage of [r.respond, r.solution, r.close]) stage.share = ratio(stage.met, stage.met + stage.missed);
    const nps = ratio(promoters - detractors, r.reviews);
    return { ...r, complaintRate: ratio(r.complaints, r.dealsSigned), satisfaction: ratio(satisfied, r.rated), nps: nps === null ? null : nps * 100 };
  });
}

export interface OverdueComplaint {
  complaintId: string;
  city: string;
  brand: string;
  consumerId: string | null;
  filedAt: Instant;
  /** The stages already missed, or due and not met, with their due times. */
  missed: Array<{ stage: ComplaintStage; dueAt: Instant }>;
}

/** Of complaints not closed, those with a stage past its due time: the live overdue queue, oldest first. */
export function overdueComplaints(
  stages: ReadonlyArray<{ complaintId: string; city: string; brand: string; consumerId: string | null; stage: ComplaintStage; status: ComplaintStageRow["status"]; dueAt: Instant; filedAt: Instant }>,
  now: Instant,
): OverdueComplaint[] {
  const overdue = new Map<string, OverdueComplaint>();
  for (const s of stages) {
    const late = s.status === "breached" || (s.status === "open" && s.dueAt <= now);
    if (!late) continue;
    const complaint = overdue.get(s.complaintId) ?? { complaintId: s.complaintId, city: s.city, brand: s.brand, consumerId: s.consumerId, filedAt: s.filedAt, missed: [] };
    complaint.missed.push({ stage: s.stage, dueAt: s.dueAt });
    overdue.set(s.complaintId, complaint);
  }
  return [...overdue.values()].sort((a, b) => a.filedAt - b.filedAt || (a.complaintId < b.complaintId ? -1 : 1));
}
