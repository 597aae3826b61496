// complaint-clock, the "30124" standard: every complaint answered within 30 minutes, a solution
// proposed within 12 hours, closed within 24 hours. Each stage is met or missed once. A version may
// count the hours in business hours only (business-hours.ts); by default they are calendar hours.
import { afterBusinessTime } from "../business-hours.js";
import type { ComplaintFacts } from "../facts.js";
import type { Instant } from "../time.js";
import { formatInstant, msPerHour, msPerMinute } from "../time.js";
import type { RuleKind } from "./types.js";

export const complaintStages = ["respond", "solution", "close"] as const;
export type ComplaintStage = (typeof complaintStages)[number];

/** A later milestone also meets the earlier stages: a solution is an answer, closing is both. */
function metAt(complaint: ComplaintFacts, stage: ComplaintStage): Instant | null {
  const candidates = {
    respond: [complaint.respondedAt, complaint.solutionAt, complaint.closedAt],
    solution: [complaint.solutionAt, complaint.closedAt],
    close: [complaint.closedAt],
  }[stage].filter((at): at is Instant => at !== null);
  return candidates.length === 0 ? null : Math.min(...candidates);
}

export const complaintClock: RuleKind<"complaint-clock"> = {
  kind: "complaint-clock",
  opensOn: () => ["complaint.filed"],
  followsUp: ["complaint.responded", "complaint.solution_proposed", "complaint.closed"],

  onEvent(ctx, version, event) {
    if (event.type !== "complaint.filed") return;
    const { complaintId, consumerId } = event.data;
    if (ctx.obligationsOfSubject("complaint-clock", complaintId).length > 0) return;
    const { respondMinutes, solutionHours, closeHours, businessHours } = version.rule;
    const dueAfterMs = { respond: respondMinutes * msPerMinute, solution: solutionHours * msPerHour, close: closeHours * msPerHour };
    for (const stage of complaintStages) {
      const dueAt = businessHours === undefined ? event.at + dueAfterMs[stage] : afterBusinessTime(event.at, dueAfterMs[stage], businessHours);
      ctx.openObligation({ version, subjectId: complaintId, stage, beneficiaryId: consumerId, responsibleId: null, dueAt, causedBy: [event.id], place: event });
    }
    settle(ctx, complaintId, event.id);
  },

  onFollowUp(ctx, event) {
    if (event.type === "complaint.responded" || event.type === "complaint.solution_proposed" || event.type === "complaint.closed") {
      settle(ctx, event.data.complaintId, event.id);
    }
  },

  onDue(ctx, _version, obligation) {
    ctx.alert("complaint.overdue", `complaint ${obligation.subjectId} missed its ${obligation.stage} deadline of ${formatInstant(obligation.dueAt)}`, { obligationId: obligation.id });
  },
};

function settle(ctx: Parameters<NonNullable<RuleKind<"complaint-clock">["onFollowUp"]>>[0], complaintId: string, eventId: string): void {
  const complaint = ctx.facts.complaints.get(complaintId);
  if (complaint === undefined) return;
  for (const obligation of ctx.obligationsOfSubject("complaint-clock", complaintId)) {
    const at = metAt(complaint, obligation.stage as ComplaintStage);
    if (at !== null && obligation.progress.status !== "fulfilled") ctx.fulfilObligation(obligation, { at, eventId });
  }
}
