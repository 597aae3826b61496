// What Anxin knows of the world from events: listings, showings, consents, calls, deals.
// Rules read these; only recordFacts writes them. Every fact keeps its occurredAt instant,
// so that late and out-of-order events are judged by when things happened.
import type { AcceptedEvent } from "./events/validate.js";
import { startOfBusinessDate, type Instant } from "./time.js";
import type { Fen } from "./money.js";
import { phoneKeyOf, type PhoneKey } from "./consent.js";
import type { PhoneHash } from "./phone.js";

export interface ListingFacts {
  listingId: string;
  city: string;
  brand: string;
  ownerId: string | null;
  maintainerId: string | null;
  communityId: string | null;
  layout: string | null;
  /** Asking prices in occurredAt order. */
  prices: Array<{ at: Instant; priceFen: Fen }>;
}

export interface ShowingFacts {
  showingId: string;
  listingId: string;
  agentId: string;
  recordedAt: Instant;
}

export interface ConsentChange {
  at: Instant;
  granted: boolean;
  eventId: string;
}

/**
 * One phone as one brand knows it (phoneKeyOf), by hash: who holds it, by that brand's consumer id,
 * and its consent to that brand's marketing calls over time. A consent given to one brand is none to another.
 */
export interface PhoneFacts {
  holderId: string | null;
  phoneMasked: string;
  /** Consent grants and revocations in occurredAt order. */
  changes: ConsentChange[];
  reports: Array<{ reportId: string; reporterId: string; callId: string | null; at: Instant; eventId: string }>;
}

export interface CallFacts {
  callId: string;
  phoneHash: PhoneHash;
  phoneMasked: string;
  agentId: string;
  purpose: "marketing" | "service" | "transaction";
  at: Instant;
  city: string;
  brand: string;
  eventId: string;
}

export interface DealFacts {
  dealId: string;
  city: string;
  brand: string;
  listingId: string | null;
  buyerId: string | null;
  sellerId: string | null;
  priceFen: Fen | null;
  signedAt: Instant | null;
  failedAt: Instant | null;
  handoverAt: Instant | null;
  commissionPayments: Array<{ eventId: string; at: Instant; payerId: string; amountFen: Fen }>;
  deposits: Array<{ at: Instant; amountFen: Fen; custody: boolean }>;
  proposals: Array<{ at: Instant; priceFen: Fen }>;
  /** Seizures known, with the day the court seized the property. */
  seizures: Array<{ at: Instant; seizedOnAt: Instant }>;
}

/** Showings by id: a Map will do; a city-year records millions, so the engine keeps them in columns. */
export interface ShowingRecords {
  readonly size: number;
  has(showingId: string): boolean;
  get(showingId: string): ShowingFacts | undefined;
  /** Whether the showing was on this listing; undefined for no such showing. Builds nothing (get builds a copy). */
  isOn(showingId: string, listingId: string): boolean | undefined;
  set(showingId: string, showing: ShowingFacts): unknown;
}

export interface Facts {
  listings: Map<string, ListingFacts>;
  showings: ShowingRecords;
  /**
   * Feedback that arrived before its showing, the earliest per showing: the showing, recorded
   * later, finds it here. Feedback on a known showing is not kept: whatever obligation the showing
   * opened is already there, and its rule settles it directly (a city-year has millions).
   */
  feedback: Map<string, { at: Instant; eventId: string }>;
  phones: Map<PhoneKey, PhoneFacts>;
  calls: Map<string, CallFacts>;
  callsByPhone: Map<PhoneKey, string[]>;
  deals: Map<string, DealFacts>;
  dealsBySeller: Map<string, string[]>;
  /** Complaint milestones, kept even when they arrive before the complaint itself. */
  complaints: Map<string, ComplaintFacts>;
}

export interface ComplaintFacts {
  city: string;
  brand: string;
  filedAt: Instant | null;
  consumerId: string | null;
  respondedAt: Instant | null;
  solutionAt: Instant | null;
  closedAt: Instant | null;
  satisfaction: number | null;
}

export function createFacts(showings: ShowingRecords): Facts {
  return {
    listings: new Map(), showings, feedback: new Map(), phones: new Map(),
    calls: new Map(), callsByPhone: new Map(), deals: new Map(), dealsBySeller: new Map(), complaints: new Map(),
  };
}

export function recordFacts(facts: Facts, event: AcceptedEvent): void {
  switch (event.type) {
    case "listing.published": {
      const listing = listingOf(facts, event.data.listingId, event);
      listing.ownerId = event.data.ownerId;
      listing.maintainerId = event.data.agentId;
      listing.communityId = event.data.communityId;
      listing.layout = event.data.layout;
      insertByTime(listing.prices, { at: event.at, priceFen: event.data.askingPriceFen });
      return;
    }
    case "listing.price_changed":
      insertByTime(listingOf(facts, event.data.listingId, event).prices, { at: event.at, priceFen: event.data.askingPriceFen });
      return;
    case "listing.maintainer_changed":
      listingOf(facts, event.data.listingId, event).maintainerId = event.data.toAgentId;
      return;
    case "showing.recorded":
      if (!facts.showings.has(event.data.showingId)) {
        const { showingId, listingId, agentId } = event.data;
        facts.showings.set(showingId, { showingId, listingId, agentId, recordedAt: event.at });
      }
      return;
    case "showing.feedback_sent": {
      if (facts.showings.has(event.data.showingId)) return;
      const earlier = facts.feedback.get(event.data.showingId);
      if (earlier === undefined || event.at < earlier.at) facts.feedback.set(event.data.showingId, { at: event.at, eventId: event.id });
      return;
    }
    case "consent.granted":
    case "consent.revoked": {
      const phone = phoneOf(facts, event.brand, event.data);
      if (event.type === "consent.granted" && event.data.consumerId !== undefined) phone.holderId = event.data.consumerId;
      insertByTime(phone.changes, { at: event.at, granted: event.type === "consent.granted", eventId: event.id });
      return;
    }
    case "call.reported": {
      const phone = phoneOf(facts, event.brand, event.data);
      phone.holderId = event.data.reporterId;
      const { reportId, reporterId } = event.data;
      phone.reports.push({ reportId, reporterId, callId: event.data.callId ?? null, at: event.at, eventId: event.id });
      return;
    }
    case "call.placed": {
      const { callId, phoneHash, phoneMasked, agentId, purpose } = event.data;
      if (facts.calls.has(callId)) return;
      facts.calls.set(callId, { callId, phoneHash, phoneMasked, agentId, purpose, at: event.at, city: event.city, brand: event.brand, eventId: event.id });
      pushTo(facts.callsByPhone, phoneKeyOf(event.brand, phoneHash), callId);
      return;
    }
    case "deal.signed": {
      const deal = dealOf(facts, event.data.dealId, event);
      if (deal.signedAt !== null) return;
      deal.listingId = event.data.listingId;
      deal.buyerId = event.data.buyerId;
      deal.sellerId = event.data.sellerId;
      deal.priceFen = event.data.priceFen;
      deal.signedAt = event.at;
      pushTo(facts.dealsBySeller, event.data.sellerId, deal.dealId);
      return;
    }
    case "deal.price_proposed": {
      const deal = dealOf(facts, event.data.dealId, event);
      deal.listingId ??= event.data.listingId;
      insertByTime(deal.proposals, { at: event.at, priceFen: event.data.priceFen });
      return;
    }
    case "deal.commission_paid":
      dealOf(facts, event.data.dealId, event).commissionPayments.push({ eventId: event.id, at: event.at, payerId: event.data.payerId, amountFen: event.data.amountFen });
      return;
    case "deal.failed":
      dealOf(facts, event.data.dealId, event).failedAt ??= event.at;
      return;
    case "deal.handover_completed":
      dealOf(facts, event.data.dealId, event).handoverAt ??= event.at;
      return;
    case "funds.deposited":
      insertByTime(dealOf(facts, event.data.dealId, event).deposits, { at: event.at, amountFen: event.data.amountFen, custody: event.data.custody });
      return;
    case "seizure.found": {
      const seizedOnAt = startOfBusinessDate(event.data.seizedOn);
      if (seizedOnAt !== null) insertByTime(dealOf(facts, event.data.dealId, event).seizures, { at: event.at, seizedOnAt });
      return;
    }
    case "complaint.filed": {
      const complaint = complaintOf(facts, event.data.complaintId, event);
      complaint.filedAt ??= event.at;
      complaint.consumerId ??= event.data.consumerId;
      return;
    }
    case "complaint.responded":
      complaintOf(facts, event.data.complaintId, event).respondedAt ??= event.at;
      return;
    case "complaint.solution_proposed":
      complaintOf(facts, event.data.complaintId, event).solutionAt ??= event.at;
      return;
    case "complaint.closed": {
      const complaint = complaintOf(facts, event.data.complaintId, event);
      complaint.closedAt ??= event.at;
      complaint.satisfaction = event.data.satisfaction ?? complaint.satisfaction;
      return;
    }
    default:
      // Every other event about a deal (an incident, a recovery) at least makes the deal known,
      // so that rules judge it with what is known rather than finding nothing.
      if ("dealId" in event.data && typeof event.data.dealId === "string") dealOf(facts, event.data.dealId, event);
      return;
  }
}

/** The asking price in force at an instant, or null before the listing had one. */
export function askingPriceAt(listing: ListingFacts, at: Instant): Fen | null {
  let price: Fen | null = null;
  for (const change of listing.prices) {
    if (change.at > at) break;
    price = change.priceFen;
  }
  return price;
}

function phoneOf(facts: Facts, brand: string, identity: { phoneHash: PhoneHash; phoneMasked: string }): PhoneFacts {
  const key = phoneKeyOf(brand, identity.phoneHash);
  let phone = facts.phones.get(key);
  if (phone === undefined) {
    phone = { holderId: null, phoneMasked: identity.phoneMasked, changes: [], reports: [] };
    facts.phones.set(key, phone);
  }
  return phone;
}

function complaintOf(facts: Facts, complaintId: string, event: AcceptedEvent): ComplaintFacts {
  let complaint = facts.complaints.get(complaintId);
  if (complaint === undefined) {
    complaint = { city: event.city, brand: event.brand, filedAt: null, consumerId: null, respondedAt: null, solutionAt: null, closedAt: null, satisfaction: null };
    facts.complaints.set(complaintId, complaint);
  }
  return complaint;
}

function listingOf(facts: Facts, listingId: string, event: AcceptedEvent): ListingFacts {
  let listing = facts.listings.get(listingId);
  if (listing === undefined) {
    listing = { listingId, city: event.city, brand: event.brand, ownerId: null, maintainerId: null, communityId: null, layout: null, prices: [] };
    facts.listings.set(listingId, listing);
  }
  return listing;
}

function dealOf(facts: Facts, dealId: string, event: AcceptedEvent): DealFacts {
  let deal = facts.deals.get(dealId);
  if (deal === undefined) {
    deal = {
      dealId, city: event.city, brand: event.brand, listingId: null, buyerId: null, sellerId: null, priceFen: null,
      signedAt: null, failedAt: null, handoverAt: null, commissionPayments: [], deposits: [], proposals: [], seizures: [],
    };
    facts.deals.set(dealId, deal);
  }
  return deal;
}

/** Keeps a list in time order; events mostly arrive in order, so this is usually a push. */
function insertByTime<T extends { at: Instant }>(list: T[], item: T): void {
  let index = list.length;
  while (index > 0 && list[index - 1]!.at > item.at) index--;
  list.splice(index, 0, item);
}

function pushTo(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}
