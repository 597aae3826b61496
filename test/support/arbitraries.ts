// fast-check generators of histories in the event contract: small pools of ids, so that events
// meet each other (a feedback finds its showing, a recovery its advance, a report its call).
import fc from "fast-check";
import type { Envelope } from "../../src/domain/events/schema.js";

const start = Date.parse("2026-03-01T00:00:00+08:00");
const cities = ["beijing", "changsha", "wuhan", "suzhou", "tianjin"] as const;
const brands = ["lianjia", "deyou"] as const;
const phones = ["+8613800138000", "+8613912345678", "+8618600001111"] as const;
const ids = (prefix: string, n: number) => fc.integer({ min: 1, max: n }).map((i) => `${prefix}${i}`);
const fen = fc.integer({ min: 1, max: 5_000_000 });

const dataOf: Record<string, fc.Arbitrary<Record<string, unknown>>> = {
  "listing.published": fc.record({ listingId: ids("L", 3), ownerId: ids("O", 3), agentId: ids("A", 3), communityId: ids("C", 2), layout: fc.constant("2室1厅"), areaSqm: fc.constant(80), askingPriceFen: fc.integer({ min: 100_000_000, max: 900_000_000 }) }),
  "listing.delisted": fc.record({ listingId: ids("L", 3), ownerConsent: fc.boolean(), reason: fc.constant("r") }),
  "listing.fake_confirmed": fc.record({ listingId: ids("L", 3), reporterId: ids("C", 3) }),
  "listing.maintainer_changed": fc.record({ listingId: ids("L", 3), fromAgentId: ids("A", 3), toAgentId: ids("A", 3), requestedByOwner: fc.boolean() }),
  "owner.replacement_requested": fc.record({ listingId: ids("L", 3), ownerId: ids("O", 3) }),
  "maintenance.damage": fc.record({ listingId: ids("L", 3), ownerId: ids("O", 3), kind: fc.constantFrom("key_lost", "lock_damaged", "careless_upkeep"), lossFen: fen }),
  "showing.recorded": fc.record({ showingId: ids("S", 6), listingId: ids("L", 3), buyerId: ids("B", 3), agentId: ids("A", 3) }),
  "showing.feedback_sent": fc.record({ showingId: ids("S", 6), listingId: ids("L", 3), ownerId: ids("O", 3) }),
  "consent.granted": fc.record({ phone: fc.constantFrom(...phones), scope: fc.constant("marketing_calls"), consumerId: ids("C", 3) }),
  "consent.revoked": fc.record({ phone: fc.constantFrom(...phones), scope: fc.constant("marketing_calls") }),
  "call.placed": fc.record({ callId: ids("K", 5), phone: fc.constantFrom(...phones), agentId: ids("A", 3), purpose: fc.constantFrom("marketing", "service") }),
  "call.reported": fc.record({ reportId: ids("R", 4), phone: fc.constantFrom(...phones), reporterId: ids("C", 3) }),
  "deal.price_proposed": fc.record({ dealId: ids("D", 3), listingId: ids("L", 3), priceFen: fc.integer({ min: 100_000_000, max: 900_000_000 }) }),
  "deal.signed": fc.record({ dealId: ids("D", 3), listingId: ids("L", 3), buyerId: ids("B", 3), sellerId: ids("O", 3), priceFen: fc.integer({ min: 100_000_000, max: 900_000_000 }), commissionFen: fen }),
  "deal.commission_paid": fc.record({ dealId: ids("D", 3), payerId: ids("B", 3), amountFen: fen }),
  "deal.failed": fc.record({ dealId: ids("D", 3), reason: fc.constant("loan_rejected") }),
  "deal.handover_completed": fc.record({ dealId: ids("D", 3) }),
  "funds.deposited": fc.record({ dealId: ids("D", 3), amountFen: fen, custody: fc.boolean() }),
  "funds.loss_confirmed": fc.record({ dealId: ids("D", 3), amountFen: fen, caseId: ids("X", 2) }),
  "property_fee.arrears_found": fc.record({ dealId: ids("D", 3), amountFen: fen }),
  "property_fee.recovered": fc.record({ dealId: ids("D", 3), amountFen: fen }),
  "seizure.found": fc.record({ dealId: ids("D", 3), seizedOn: fc.constantFrom("2026-02-01", "2026-03-03", "2026-03-09"), lossFen: fen }),
  "seizure.recovered": fc.record({ dealId: ids("D", 3), amountFen: fen }),
  "leak.reported": fc.record({ dealId: ids("D", 3), disclosedBeforeSigning: fc.boolean(), lossFen: fen }),
  "transfer.trip_wasted": fc.record({ dealId: ids("D", 3), partyId: ids("B", 3), costFen: fen }),
  "price_spread.found": fc.record({ dealId: ids("D", 3), partyId: ids("B", 3), amountFen: fen }),
  "lease.signed": fc.record({ leaseId: ids("LS", 3), tenantId: ids("O", 3), use: fc.constantFrom("residential", "commercial"), commissionFen: fen }),
  "complaint.filed": fc.record({ complaintId: ids("CP", 2), consumerId: ids("C", 3), category: fc.constant("attitude") }),
  "complaint.responded": fc.record({ complaintId: ids("CP", 2) }),
  "complaint.closed": fc.record({ complaintId: ids("CP", 2), satisfaction: fc.integer({ min: 1, max: 5 }) }),
  "fund.topped_up": fc.record({ fundId: fc.constantFrom("platform", "lianjia:beijing", "deyou:wuhan"), amountFen: fen, actorId: fc.constant("finance-1") }),
};

export const eventTypesGenerated = Object.keys(dataOf);

function format(ms: number): string {
  return new Date(ms + 8 * 3_600_000).toISOString().slice(0, 19) + "+08:00";
}

/** One valid envelope; ids unique by index so that duplicates and conflicts are made on purpose. */
export const envelope: fc.Arbitrary<Omit<Envelope, "id">> = fc
  .record({
    type: fc.constantFrom(...eventTypesGenerated),
    minutes: fc.integer({ min: 0, max: 12 * 24 * 60 }),
    city: fc.constantFrom(...cities),
    brand: fc.constantFrom(...brands),
  })
  .chain(({ type, minutes, city, brand }) => dataOf[type]!.map((data) => ({ type, occurredAt: format(start + minutes * 60_000), city, brand, data })));

/** A history of valid events with unique ids. */
export const history = (maxLength = 120): fc.Arbitrary<Envelope[]> =>
  fc.array(envelope, { minLength: Math.min(20, maxLength), maxLength, size: "max" }).map((events) => events.map((e, i) => ({ id: `e${i}`, ...e })));
