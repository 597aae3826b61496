// refund-on-failure: when a deal fails, everything paid in commission is refunded in full,
// to each payer, and the refund is due within a number of days (5: the Dongguan case).
import type { DealFacts } from "../facts.js";
import { formatInstant, msPerDay } from "../time.js";
import type { RuleContext, RuleKind, VersionOf } from "./types.js";

export const refundOnFailure: RuleKind<"refund-on-failure"> = {
  kind: "refund-on-failure",
  opensOn: () => ["deal.failed"],
  followsUp: ["deal.commission_paid"],

  onEvent(ctx, version, event) {
    if (event.type !== "deal.failed") return;
    const deal = ctx.facts.deals.get(event.data.dealId)!;
    const payers = new Set(deal.commissionPayments.map((p) => p.payerId));
    for (const payerId of payers) refund(ctx, version, deal, payerId, event.id);
  },

  // Commission that arrives after the failure (paid before it or not) is refunded too.
  onFollowUp(ctx, event) {
    if (event.type !== "deal.commission_paid") return;
    const deal = ctx.facts.deals.get(event.data.dealId)!;
    if (deal.failedAt === null) return;
    for (const version of ctx.applicable("refund-on-failure", deal, deal.failedAt)) {
      refund(ctx, version, deal, event.data.payerId, event.id);
    }
  },

  onDue(ctx, _version, obligation) {
    ctx.alert("obligation.breached", `commission refund on deal ${obligation.subjectId} not paid by ${formatInstant(obligation.dueAt)}`, { obligationId: obligation.id, dealId: obligation.subjectId });
  },
};

/** Refunds what this payer paid and no claim has refunded yet. */
function refund(ctx: RuleContext, version: VersionOf<"refund-on-failure">, deal: DealFacts, payerId: string, eventId: string): void {
  const failedAt = deal.failedAt!;
  const payments = deal.commissionPayments.filter((p) => p.payerId === payerId);
  const refundedEventIds = new Set(ctx.claimsOfSubject("refund-on-failure", deal.dealId).flatMap((c) => c.causedBy));
  const unrefunded = payments.filter((p) => !refundedEventIds.has(p.eventId));
  const amountFen = unrefunded.reduce((sum, p) => sum + p.amountFen, 0);
  if (amountFen === 0) return;
  // Judged by occurredAt, as every deadline is: due 5 days after the failure, or after the last of
  // these payments if made later, however late either reaches Anxin (it was counted from receipt).
  let owedFrom = failedAt;
  for (const payment of unrefunded) owedFrom = Math.max(owedFrom, payment.at);
  const stage = `${payerId}/${unrefunded[0]!.eventId}`;
  const obligation = ctx.openObligation({
    version,
    subjectId: deal.dealId,
    stage,
    beneficiaryId: payerId,
    responsibleId: null,
    dueAt: owedFrom + version.rule.refundWithinDays * msPerDay,
    causedBy: [eventId],
    place: deal,
  });
  ctx.openClaim({
    version,
    subjectKey: [deal.dealId, stage],
    kind: "refund",
    beneficiaryId: payerId,
    amountFen,
    fundPayer: version.rule.payer,
    approval: version.rule.approval,
    reason: `deal ${deal.dealId} failed: commission paid by ${payerId} refunded in full`,
    causedBy: [eventId, ...unrefunded.map((p) => p.eventId)],
    breachAt: failedAt,
    place: deal,
    fulfils: obligation,
  });
}
