// Whose record an event names. Listings, showings, deals, calls and complaints are known by the ids
// each brand's systems choose, and rules find them by id alone: an event of one brand or city that
// named another's record acted on it (another brand's feedback fulfilled an obligation, its
// deal.failed refunded a deal it never brokered, its call was taken for one already recorded). An
// event naming a record another brand or city made first is refused instead, naming the field.
import type { AcceptedEvent } from "./events/validate.js";
import type { Facts } from "./facts.js";

type Place = { city: string; brand: string };

// Plain functions, not closures: this runs for every event of a replayed city-year.
/** Whether a record, if there is one, was made in another city or brand than `asker`'s. */
export function elsewhere(place: Place | undefined, asker: Place): boolean {
  return place !== undefined && (place.city !== asker.city || place.brand !== asker.brand);
}

function listingElsewhere(facts: Facts, listingId: string, event: AcceptedEvent): boolean {
  return elsewhere(facts.listings.get(listingId), event);
}

/** The field of `event` naming a record of another brand or city, or null. */
export function namesAnothersRecord(facts: Facts, event: AcceptedEvent): string | null {
  switch (event.type) {
    case "showing.recorded":
    case "showing.feedback_sent": {
      // A showing on another listing than the one named (a showing id another's showing has, feedback
      // naming another listing): that listing's place too. Mostly it is the one named, asked without a copy.
      const { showingId, listingId } = event.data;
      if (facts.showings.isOn(showingId, listingId) === false && listingElsewhere(facts, facts.showings.get(showingId)!.listingId, event)) return "data.showingId";
      return listingElsewhere(facts, listingId, event) ? "data.listingId" : null;
    }
    case "call.placed":
      return elsewhere(facts.calls.get(event.data.callId), event) ? "data.callId" : null;
    case "call.reported":
      return event.data.callId !== undefined && elsewhere(facts.calls.get(event.data.callId), event) ? "data.callId" : null;
    case "complaint.filed":
    case "complaint.responded":
    case "complaint.solution_proposed":
    case "complaint.closed":
      return elsewhere(facts.complaints.get(event.data.complaintId), event) ? "data.complaintId" : null;
    default: {
      // Every other event names a listing, a deal, both, or neither.
      const data = event.data as { listingId?: unknown; dealId?: unknown };
      if (typeof data.dealId === "string" && elsewhere(facts.deals.get(data.dealId), event)) return "data.dealId";
      if (typeof data.listingId === "string" && listingElsewhere(facts, data.listingId, event)) return "data.listingId";
      return null;
    }
  }
}
