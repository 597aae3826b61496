// loss-advance: the buyer is paid a loss at once from the fund; a receivable against the seller
// is booked and reduced by recoveries. Property-fee arrears after handover; a seizure that
// existed before signing.
import { businessDate, formatInstant, startOfBusinessDate } from "../time.js";
import type { RuleKind } from "./types.js";

const recoveryOf = { "property_fee.recovered": "property_fee.arrears_found", "seizure.recovered": "seizure.found" } as const;

export const lossAdvance: RuleKind<"loss-advance"> = {
  kind: "loss-advance",
  opensOn: (params) => [params.incident],
  followsUp: ["property_fee.recovered", "seizure.recovered"],

  onEvent(ctx, version, event) {
    if (event.type !== "property_fee.arrears_found" && event.type !== "seizure.found") return;
    const deal = ctx.facts.deals.get(event.data.dealId)!;
    let reason: string;
    let amountFen: number;
    let review: string | undefined;
    if (event.type === "property_fee.arrears_found") {
      if (deal.handoverAt === null || deal.handoverAt > event.at) return; // arrears before handover are the seller's to settle
      reason = `property-fee arrears left by the seller on deal ${deal.dealId}, found after handover`;
      amountFen = event.data.amountFen;
    } else {
      // This event's own seizure: another found on the same deal at the same instant is another finding.
      const seizedOnAt = startOfBusinessDate(event.data.seizedOn);
      if (deal.signedAt === null || seizedOnAt === null) return;
      const signingDay = startOfBusinessDate(businessDate(deal.signedAt))!;
      if (seizedOnAt > signingDay) return;
      // A seizure dated the signing day may have come before or after the signature: a person decides.
      if (seizedOnAt === signingDay) review = "the seizure is dated the signing day itself: was it there before the signature?";
      reason = `court seizure of ${event.data.seizedOn} existed before deal ${deal.dealId} was signed on ${formatInstant(deal.signedAt)}`;
      amountFen = event.data.lossFen;
    }
    ctx.openClaim({
      version,
      subjectKey: [deal.dealId, event.id],
      kind: "advance",
      beneficiaryId: deal.buyerId,
      amountFen,
      fundPayer: version.rule.payer,
      approval: version.rule.approval,
      reason,
      causedBy: [event.id],
      breachAt: event.at,
      place: event,
      debtorId: deal.sellerId ?? "seller-unknown",
      ...(review === undefined ? {} : { review }),
    });
  },

  // Recoveries pay back the oldest advances of the same incident first.
  onFollowUp(ctx, event) {
    if (event.type !== "property_fee.recovered" && event.type !== "seizure.recovered") return;
    let leftFen = event.data.amountFen;
    for (const claim of ctx.claimsOfSubject("loss-advance", event.data.dealId)) {
      const version = ctx.versionOf(claim.versionKey);
      if (leftFen === 0 || version.rule.kind !== "loss-advance" || version.rule.incident !== recoveryOf[event.type]) continue;
      if (claim.progress.status !== "paid" || claim.receivable === null) continue;
      const outstandingFen = claim.receivable.advancedFen - claim.receivable.recoveredFen;
      const fen = Math.min(leftFen, outstandingFen);
      if (fen === 0) continue;
      ctx.recover(claim, fen, event.id);
      leftFen -= fen;
    }
    if (leftFen > 0) ctx.alert("recovery.excess", `${leftFen} fen recovered on deal ${event.data.dealId} beyond any outstanding advance`, { dealId: event.data.dealId });
  },
};
