// capped-loss: an incident's actual loss is compensated up to a cap (null: in full).
// Leak undisclosed before signing, maintenance damage, a wasted registry trip, a funds loss,
// a price spread. Each incident names who is paid and what loss.
import type { AcceptedEvent } from "../events/validate.js";
import { capFen, type Fen } from "../money.js";
import type { RuleContext, RuleKind } from "./types.js";

interface Incident {
  subjectKey: string[];
  beneficiaryId: string | null;
  lossFen: Fen;
  reason: string;
  review?: string;
  capKey?: string;
}

export const cappedLoss: RuleKind<"capped-loss"> = {
  kind: "capped-loss",
  opensOn: (params) => [params.incident],
  followsUp: [],

  onEvent(ctx, version, event) {
    const incident = readIncident(ctx, event);
    if (incident === null) return;
    const byKindFen = incident.capKey === undefined ? undefined : version.rule.capFenByDamageKind?.[incident.capKey];
    const limitFen = byKindFen ?? version.rule.capFen;
    const amountFen = capFen(incident.lossFen, limitFen);
    ctx.openClaim({
      version,
      subjectKey: incident.subjectKey,
      kind: version.rule.remedy,
      beneficiaryId: incident.beneficiaryId,
      amountFen,
      fundPayer: version.rule.payer,
      approval: version.rule.approval,
      reason: amountFen < incident.lossFen ? `${incident.reason} (loss ${incident.lossFen} fen, capped at ${limitFen} fen)` : incident.reason,
      causedBy: [event.id],
      breachAt: event.at,
      place: event,
      ...(incident.review === undefined ? {} : { review: incident.review }),
    });
  },
};

function readIncident(ctx: RuleContext, event: AcceptedEvent): Incident | null {
  switch (event.type) {
    case "leak.reported": {
      const deal = ctx.facts.deals.get(event.data.dealId)!;
      if (event.data.disclosedBeforeSigning || deal.handoverAt === null || deal.handoverAt > event.at) return null;
      return { subjectKey: [deal.dealId, event.id], beneficiaryId: deal.buyerId, lossFen: event.data.lossFen, reason: `leak not disclosed before signing deal ${deal.dealId}, found after handover` };
    }
    case "maintenance.damage":
      return {
        subjectKey: [event.data.listingId, event.id], beneficiaryId: event.data.ownerId, lossFen: event.data.lossFen, capKey: event.data.kind,
        reason: `${event.data.kind.replace("_", " ")} while the agent maintained listing ${event.data.listingId}`,
      };
    case "transfer.trip_wasted":
      return { subjectKey: [event.data.dealId, event.id], beneficiaryId: event.data.partyId, lossFen: event.data.costFen, reason: `wasted trip to the registry on deal ${event.data.dealId}` };
    case "price_spread.found":
      // Each finding is its own spread, as each leak and each trip is: keyed by deal and party, a
      // second spread on the same deal and party was dropped. The engine keeps an event sent twice one.
      return { subjectKey: [event.data.dealId, event.id], beneficiaryId: event.data.partyId, lossFen: event.data.amountFen, reason: `price spread kept on deal ${event.data.dealId}` };
    case "funds.loss_confirmed": {
      const deal = ctx.facts.deals.get(event.data.dealId)!;
      const deposits = deal.deposits.filter((d) => d.at <= event.at);
      const outside = deposits.some((d) => !d.custody);
      const incident: Incident = { subjectKey: [deal.dealId, event.data.caseId], beneficiaryId: deal.buyerId, lossFen: event.data.amountFen, reason: `confirmed loss of purchase funds on deal ${deal.dealId} (case ${event.data.caseId})` };
      if (deposits.length === 0) return { ...incident, review: "no deposit of the deal's funds is recorded" };
      if (outside) return { ...incident, review: "funds not in custody: part of the funds went outside the supervised account" };
      return incident;
    }
    default:
      return null;
  }
}
