// deadline-after-event: an event opens an obligation due a fixed time later; none by then is a
// breach with a fixed payout. Showing feedback: the window opens at 00:00 of the next business day.
import { formatInstant, msPerHour, startOfNextBusinessDay } from "../time.js";
import type { RuleKind } from "./types.js";

export const deadlineAfterEvent: RuleKind<"deadline-after-event"> = {
  kind: "deadline-after-event",
  opensOn: (params) => [params.trigger],
  followsUp: ["showing.feedback_sent", "listing.published"],

  onEvent(ctx, version, event) {
    if (event.type !== "showing.recorded") return;
    const { showingId, listingId, agentId } = event.data;
    if (ctx.obligationFor(version.commitment, showingId) !== undefined) return;
    const windowStart = version.rule.windowStart === "next-business-day" ? startOfNextBusinessDay(event.at) : event.at;
    const obligation = ctx.openObligation({
      version,
      subjectId: showingId,
      beneficiaryId: ctx.facts.listings.get(listingId)?.ownerId ?? null,
      responsibleId: agentId,
      dueAt: windowStart + version.rule.windowHours * msPerHour,
      causedBy: [event.id],
      place: event,
    });
    const feedback = ctx.facts.feedback.get(showingId);
    if (feedback !== undefined) ctx.fulfilObligation(obligation, { at: feedback.at, eventId: feedback.eventId });
  },

  onFollowUp(ctx, event) {
    // A listing that arrives after its showing's breach names the owner the claim waited for.
    if (event.type === "listing.published") {
      for (const claim of ctx.claimsAwaitingBeneficiary("deadline-after-event")) {
        if (ctx.facts.showings.get(claim.subjectId)?.listingId === event.data.listingId) ctx.assignBeneficiary(claim, event.data.ownerId, event.id);
      }
      return;
    }
    if (event.type !== "showing.feedback_sent") return;
    for (const obligation of ctx.obligationsOfSubject("deadline-after-event", event.data.showingId)) {
      ctx.fulfilObligation(obligation, { at: event.at, eventId: event.id });
    }
  },

  onDue(ctx, version, obligation) {
    const showing = ctx.facts.showings.get(obligation.subjectId);
    const ownerId = obligation.beneficiaryId ?? (showing && ctx.facts.listings.get(showing.listingId)?.ownerId) ?? null;
    ctx.openClaim({
      version,
      subjectKey: [obligation.subjectId],
      kind: "payout",
      beneficiaryId: ownerId,
      amountFen: version.rule.amountFen,
      fundPayer: version.rule.payer,
      approval: version.rule.approval,
      reason: `no feedback to the owner on showing ${obligation.subjectId} by ${formatInstant(obligation.dueAt)}`,
      causedBy: obligation.causedBy,
      breachAt: obligation.dueAt,
      place: obligation,
    });
  },
};
