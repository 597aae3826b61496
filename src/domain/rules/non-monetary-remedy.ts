// non-monetary-remedy: the remedy is an act, not money, owed within a number of days.
// An owner unhappy with the maintaining agent asks; a new maintainer is due within 3 days.
import { formatInstant, msPerDay } from "../time.js";
import type { RuleKind } from "./types.js";

export const nonMonetaryRemedy: RuleKind<"non-monetary-remedy"> = {
  kind: "non-monetary-remedy",
  opensOn: () => ["owner.replacement_requested"],
  followsUp: ["listing.maintainer_changed"],

  onEvent(ctx, version, event) {
    if (event.type !== "owner.replacement_requested") return;
    const { listingId, ownerId } = event.data;
    const obligation = ctx.openObligation({
      version,
      subjectId: listingId,
      stage: event.id,
      beneficiaryId: ownerId,
      responsibleId: ctx.facts.listings.get(listingId)?.maintainerId ?? null,
      dueAt: event.at + version.rule.deliverWithinDays * msPerDay,
      causedBy: [event.id],
      place: event,
    });
    ctx.openClaim({
      version,
      subjectKey: [listingId, event.id],
      kind: "remedy",
      beneficiaryId: ownerId,
      amountFen: 0,
      fundPayer: "brand",
      approval: "auto",
      reason: `owner ${ownerId} asked for a new maintainer of listing ${listingId}`,
      causedBy: [event.id],
      breachAt: event.at,
      place: event,
      fulfils: obligation,
    });
  },

  onFollowUp(ctx, event) {
    if (event.type !== "listing.maintainer_changed" || event.data.fromAgentId === event.data.toAgentId) return;
    for (const claim of ctx.claimsOfSubject("non-monetary-remedy", event.data.listingId)) {
      if (claim.progress.status === "approved" && claim.breachAt <= event.at) ctx.deliverRemedy(claim, event.id);
    }
  },

  onDue(ctx, _version, obligation) {
    ctx.alert("remedy.overdue", `no new maintainer for listing ${obligation.subjectId} by ${formatInstant(obligation.dueAt)}`, { obligationId: obligation.id });
  },
};
