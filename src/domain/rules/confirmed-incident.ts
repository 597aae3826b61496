// confirmed-incident: an incident confirmed after a consumer's report pays each distinct reporter
// a fixed amount. A fake listing: 100 CNY to every reporter whose report is confirmed.
import type { RuleKind } from "./types.js";

export const confirmedIncident: RuleKind<"confirmed-incident"> = {
  kind: "confirmed-incident",
  opensOn: (params) => [params.incident],
  followsUp: [],

  onEvent(ctx, version, event) {
    if (event.type !== "listing.fake_confirmed") return;
    const { listingId, reporterId } = event.data;
    ctx.openClaim({
      version,
      subjectKey: [listingId, reporterId],
      kind: "payout",
      beneficiaryId: reporterId,
      amountFen: version.rule.amountFen,
      fundPayer: version.rule.payer,
      approval: version.rule.approval,
      reason: `listing ${listingId} confirmed fake on ${reporterId}'s report`,
      causedBy: [event.id],
      breachAt: event.at,
      place: event,
    });
  },
};
