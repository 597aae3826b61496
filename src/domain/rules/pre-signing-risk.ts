// pre-signing-risk: in the hours before signing, stop a deal whose price strays far from the
// asking price, whose funds went outside custody, or whose property is known to be seized.
import { assessDeal } from "../risk.js";
import type { RuleKind } from "./types.js";

export const preSigningRisk: RuleKind<"pre-signing-risk"> = {
  kind: "pre-signing-risk",
  opensOn: () => ["deal.price_proposed", "funds.deposited", "seizure.found", "deal.signed"],
  followsUp: [],

  onEvent(ctx, version, event) {
    if (event.type !== "deal.price_proposed" && event.type !== "funds.deposited" && event.type !== "seizure.found" && event.type !== "deal.signed") return;
    const deal = ctx.facts.deals.get(event.data.dealId)!;
    const signing = event.type === "deal.signed";
    if (!signing && deal.signedAt !== null && deal.signedAt <= event.at) return; // after signing, no longer pre-signing
    const listing = deal.listingId === null ? undefined : ctx.facts.listings.get(deal.listingId);
    const findings = assessDeal(deal, listing, version.rule, event.at, signing ? event.data.priceFen : undefined);
    for (const finding of findings) ctx.recordRisk(deal.dealId, finding, { version, eventId: event.id, place: deal, signing });
  },
};
