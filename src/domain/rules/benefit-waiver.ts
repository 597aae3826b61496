// benefit-waiver: a benefit given instead of money, counted at its amount. A seller whose sale
// the brand brokered rents a home through it, residential use, between signing the sale and
// 30 days after handover: the rental commission is waived.
import { msPerDay } from "../time.js";
import type { RuleKind } from "./types.js";

export const benefitWaiver: RuleKind<"benefit-waiver"> = {
  kind: "benefit-waiver",
  opensOn: () => ["lease.signed"],
  followsUp: [],

  onEvent(ctx, version, event) {
    if (event.type !== "lease.signed" || event.data.use !== version.rule.use || event.data.commissionFen === 0) return;
    const { leaseId, tenantId, commissionFen } = event.data;
    const sale = (ctx.facts.dealsBySeller.get(tenantId) ?? [])
      .map((dealId) => ctx.facts.deals.get(dealId)!)
      .find((deal) =>
        deal.brand === event.brand &&
        deal.signedAt !== null && deal.signedAt <= event.at &&
        (deal.failedAt === null || deal.failedAt > event.at) &&
        (deal.handoverAt === null || event.at <= deal.handoverAt + version.rule.daysAfterHandover * msPerDay));
    if (sale === undefined) return;
    ctx.openClaim({
      version,
      subjectKey: [leaseId],
      kind: "waiver",
      beneficiaryId: tenantId,
      amountFen: commissionFen,
      fundPayer: version.rule.payer,
      approval: version.rule.approval,
      reason: `rental commission on lease ${leaseId} waived: ${tenantId} sold through deal ${sale.dealId}`,
      causedBy: [event.id],
      breachAt: event.at,
      place: event,
    });
  },
};
