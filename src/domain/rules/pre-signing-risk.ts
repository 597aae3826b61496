// pre-signing-risk: in the hours before signing, stop a deal whose price strays far from the
// asking price, whose funds went outside custody, or whose property is known to be seized.
import type { DealFacts } from "../facts.js";
import { assessDeal, type RiskFinding } from "../risk.js";
import type { RuleContext, RuleKind, VersionOf } from "./types.js";

export const preSigningRisk: RuleKind<"pre-signing-risk"> = {
  kind: "pre-signing-risk",
  opensOn: () => ["deal.price_proposed", "funds.deposited", "seizure.found", "deal.signed"],
  // A signing marks every risk found before it as signed, whatever version is in scope then, so
  // that a halted deal that was signed is never counted stopped.
  followsUp: ["deal.signed"],

  onEvent(ctx, version, event) {
    if (event.type !== "deal.price_proposed" && event.type !== "funds.deposited" && event.type !== "seizure.found" && event.type !== "deal.signed") return;
    const deal = ctx.facts.deals.get(event.data.dealId)!;
    const signing = event.type === "deal.signed";
    if (!signing && deal.signedAt !== null && deal.signedAt <= event.at) return; // after signing, no longer pre-signing
    const listing = deal.listingId === null ? undefined : ctx.facts.listings.get(deal.listingId);
    record(ctx, version, deal, event.id, assessDeal(deal, listing, version.rule, event.at, signing ? event.data.priceFen : undefined), signing);
    // Evidence dated before a signing already recorded: judge that signing again, as it would have been.
    if (!signing && deal.signedAt !== null) record(ctx, version, deal, event.id, assessDeal(deal, listing, version.rule, deal.signedAt, deal.priceFen ?? undefined), true);
  },

  onFollowUp(ctx, event) {
    if (event.type === "deal.signed") ctx.recordSigning(event.data.dealId);
  },
};

function record(ctx: RuleContext, version: VersionOf<"pre-signing-risk">, deal: DealFacts, eventId: string, findings: RiskFinding[], signing: boolean): void {
  for (const finding of findings) ctx.recordRisk(deal.dealId, finding, { version, eventId, place: deal, signing });
}
