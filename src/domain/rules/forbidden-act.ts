// forbidden-act: an act the brokerage promised never to do is a breach the moment it happens.
// Delisting without the owner's consent; a marketing call to a phone without a current consent.
import type { AcceptedEventOf } from "../events/validate.js";
import { consentedAt, phoneKeyOf, type PhoneKey } from "../consent.js";
import type { CallFacts } from "../facts.js";
import { formatInstant } from "../time.js";
import type { RuleContext, RuleKind, VersionOf } from "./types.js";

type Version = VersionOf<"forbidden-act">;

export const forbiddenAct: RuleKind<"forbidden-act"> = {
  kind: "forbidden-act",
  opensOn: (params) => (params.act === "delisting-without-consent" ? ["listing.delisted"] : ["call.placed", "call.reported"]),
  followsUp: ["consent.granted", "consent.revoked", "listing.published"],

  onEvent(ctx, version, event) {
    if (event.type === "listing.delisted" && !event.data.ownerConsent) {
      ctx.openClaim({
        ...money(version),
        subjectKey: [event.data.listingId, event.id],
        beneficiaryId: ctx.facts.listings.get(event.data.listingId)?.ownerId ?? null,
        reason: `listing ${event.data.listingId} taken down without the owner's consent`,
        causedBy: [event.id],
        breachAt: event.at,
        place: event,
      });
    }
    if (event.type === "call.placed") judgeCall(ctx, version, ctx.facts.calls.get(event.data.callId)!);
    if (event.type === "call.reported") judgeReport(ctx, version, event);
  },

  // A consent that arrives late, but was given before the call, withdraws the call's breach;
  // a late revocation turns a call that looked allowed into one.
  onFollowUp(ctx, event) {
    // A listing that arrives after its delisting names the owner the claim waited for.
    if (event.type === "listing.published") {
      for (const claim of ctx.claimsAwaitingBeneficiary("forbidden-act")) {
        const act = (ctx.versionOf(claim.versionKey) as Version).rule.act;
        if (act === "delisting-without-consent" && claim.subjectId === event.data.listingId) ctx.assignBeneficiary(claim, event.data.ownerId, event.id);
      }
      return;
    }
    if (event.type !== "consent.granted" && event.type !== "consent.revoked") return;
    const phoneKey = phoneKeyOf(event.brand, event.data.phoneHash);
    for (const callId of ctx.facts.callsByPhone.get(phoneKey) ?? []) {
      const call = ctx.facts.calls.get(callId)!;
      if (call.at < event.at) continue;
      const existing = ctx.claimsOfSubject("forbidden-act", callId)[0];
      if (existing !== undefined) {
        if (consentedAt(ctx.facts.phones.get(phoneKey), call.at)) ctx.voidClaim(existing, `consent recorded at ${formatInstant(event.at)}, before the call`, event.id);
        continue;
      }
      for (const version of ctx.applicable("forbidden-act", call, call.at)) {
        if (version.rule.act === "marketing-call-without-consent") judgeCall(ctx, version, call);
      }
    }
    // After the voids above, so that a call the consent covered is not paid first.
    if (event.type === "consent.granted" && event.data.consumerId !== undefined) nameHolder(ctx, phoneKey, event.data.consumerId, event.id);
  },
};

/**
 * The phone's holder became known (a report, a consent naming its consumer): every breached call to
 * it still waiting for a beneficiary is theirs, whenever it was placed, and goes on to payment.
 */
function nameHolder(ctx: RuleContext, phoneKey: PhoneKey, holderId: string, eventId: string): void {
  for (const callId of ctx.facts.callsByPhone.get(phoneKey) ?? []) {
    for (const claim of ctx.claimsOfSubject("forbidden-act", callId)) {
      // A delisting's claim is keyed by its listing id, which may equal a call id.
      const act = (ctx.versionOf(claim.versionKey) as Version).rule.act;
      if (act === "marketing-call-without-consent" && claim.beneficiaryId === null) ctx.assignBeneficiary(claim, holderId, eventId);
    }
  }
}

function money(version: Version) {
  return { version, kind: "payout", amountFen: version.rule.amountFen, fundPayer: version.rule.payer, approval: version.rule.approval } as const;
}

function judgeCall(ctx: RuleContext, version: Version, call: CallFacts): void {
  if (version.rule.act !== "marketing-call-without-consent" || call.purpose !== "marketing") return;
  const phone = ctx.facts.phones.get(phoneKeyOf(call.brand, call.phoneHash));
  if (consentedAt(phone, call.at)) return;
  const reports = (phone?.reports ?? []).filter((r) => r.at >= call.at && (r.callId === null || r.callId === call.callId));
  for (const report of reports) {
    const reportClaim = ctx.claimFor(version.commitment, ["report", report.reportId]);
    if (reportClaim?.progress.status === "paid") return; // the consumer was already paid for this call
    if (reportClaim !== undefined) ctx.voidClaim(reportClaim, `the report matches recorded call ${call.callId}`, call.eventId);
  }
  ctx.openClaim({
    ...money(version),
    subjectKey: [call.callId],
    beneficiaryId: phone?.holderId ?? null,
    reason: `marketing call ${call.callId} to ${call.phoneMasked} by agent ${call.agentId} without consent`,
    causedBy: [call.eventId],
    breachAt: call.at,
    place: call,
  });
}

function judgeReport(ctx: RuleContext, version: Version, event: AcceptedEventOf<"call.reported">): void {
  if (version.rule.act !== "marketing-call-without-consent") return;
  const { reportId, reporterId, phoneMasked, callId } = event.data;
  const phoneKey = phoneKeyOf(event.brand, event.data.phoneHash);
  const calls = (ctx.facts.callsByPhone.get(phoneKey) ?? [])
    .map((id) => ctx.facts.calls.get(id)!)
    .filter((call) => call.at <= event.at && (callId === undefined || call.callId === callId));
  nameHolder(ctx, phoneKey, reporterId, event.id);
  if (calls.some((call) => ctx.claimsOfSubject("forbidden-act", call.callId).length > 0)) return; // it confirms a breach already claimed
  const report = {
    ...money(version),
    subjectKey: ["report", reportId],
    beneficiaryId: reporterId,
    causedBy: [event.id],
    breachAt: event.at,
    place: event,
  };
  const allowed = calls.at(-1);
  if (allowed !== undefined) {
    const why = allowed.purpose === "marketing" ? "had a current consent" : `was a ${allowed.purpose} call`;
    // Opened for review, so that the evidence decides it before anything is paid.
    const claim = ctx.openClaim({ ...report, reason: `reported call to ${phoneMasked}`, review: "a reported call is checked against the recorded calls" });
    ctx.rejectClaim(claim, `recorded call ${allowed.callId} ${why}`, event.id);
    return;
  }
  ctx.openClaim({
    ...report,
    reason: `reported marketing call to ${phoneMasked}`,
    review: "the report matches no recorded call: approve unless evidence says otherwise (有理让三分)",
  });
}
