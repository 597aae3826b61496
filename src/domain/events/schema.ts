// The public event contract (shared/spec/events.md), as compiled JSON schemas.
// Extend it with new types and optional fields; never change what is here.
import { Type, type Static, type TObject, type TProperties } from "@sinclair/typebox";

export const maxIdChars = 128;
export const maxTextChars = 2_000;
export const maxAmountFen = 10_000_000_000_000; // 100 billion CNY: far above any real claim, far below 2^53.
export const maxViewCount = 1_000_000;

const Id = Type.String({ minLength: 1, maxLength: maxIdChars });
const Text = Type.String({ maxLength: maxTextChars });
const Fen = Type.Integer({ minimum: 0, maximum: maxAmountFen });
const PositiveFen = Type.Integer({ minimum: 1, maximum: maxAmountFen });
/** A city or brand: lowercase pinyin (beijing, lianjia). */
const slug = "[a-z][a-z0-9-]{0,31}";
const slugPattern = `^${slug}$`;
/** A guarantee fund: the platform's, or a brand's in a city (lianjia:beijing). */
export const fundPattern = `^(platform|${slug}:${slug})$`;
const slugExpression = new RegExp(slugPattern);

/** Why `name`, given as a city or brand (`what`), is not one as events write it; null if it is. */
export function notSlug(what: string, name: string): string | null {
  return slugExpression.test(name) ? null : `${what}: "${name}" is not a name as events write it (lowercase pinyin: beijing, lianjia)`;
}

export const Slug = Type.String({ pattern: slugPattern });
const Phone = Type.String({ pattern: "^\\+[1-9][0-9]{6,14}$", description: "E.164" });
const Timestamp = Type.String({
  pattern: "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?(Z|[+-]\\d{2}:\\d{2})$",
  description: "RFC 3339 with an offset",
});
const CalendarDate = Type.String({ pattern: "^\\d{4}-\\d{2}-\\d{2}$" });
const Rating = Type.Integer({ minimum: 1, maximum: 5 });
/** Claim ids are built from the commitment and the subject's ids, so they run longer. */
const ClaimId = Type.String({ minLength: 1, maxLength: 4 * maxIdChars });

/** People who may decide a claim, lowest authority first. */
export const approverRoles = ["agent", "store_manager", "quality_officer", "platform_quality"] as const;
const Role = Type.Union(approverRoles.map((role) => Type.Literal(role)));

/** Every event type and the schema of its `data`. */
export const dataSchemas = {
  // Listings and owners
  "listing.published": { listingId: Id, ownerId: Id, agentId: Id, communityId: Id, layout: Text, areaSqm: Type.Number({ exclusiveMinimum: 0, maximum: 100_000 }), askingPriceFen: PositiveFen },
  "listing.price_changed": { listingId: Id, askingPriceFen: PositiveFen },
  "listing.viewed": { listingId: Id, count: Type.Optional(Type.Integer({ minimum: 1, maximum: maxViewCount })) },
  "listing.followed": { listingId: Id, consumerId: Id },
  "listing.promoted": { listingId: Id, agentId: Id, channel: Text, note: Type.Optional(Text) },
  "listing.delisted": { listingId: Id, ownerConsent: Type.Boolean(), reason: Type.Optional(Text) },
  "listing.fake_confirmed": { listingId: Id, reporterId: Id },
  "listing.maintainer_changed": { listingId: Id, fromAgentId: Id, toAgentId: Id, requestedByOwner: Type.Boolean() },
  "owner.replacement_requested": { listingId: Id, ownerId: Id },
  "owner.progress_reported": { listingId: Id, agentId: Id, note: Type.Optional(Text) },
  "owner.message": { listingId: Id, ownerId: Id, text: Text },
  "review.submitted": {
    reviewId: Id, authorId: Id, stage: Type.Union([Type.Literal("showing"), Type.Literal("progress"), Type.Literal("deal"), Type.Literal("complaint")]),
    rating: Rating, text: Type.Optional(Text), listingId: Type.Optional(Id), dealId: Type.Optional(Id),
  },
  "maintenance.damage": {
    listingId: Id, ownerId: Id, kind: Type.Union([Type.Literal("key_lost"), Type.Literal("lock_damaged"), Type.Literal("careless_upkeep")]), lossFen: PositiveFen,
  },
  // Showings
  "showing.recorded": { showingId: Id, listingId: Id, buyerId: Id, agentId: Id },
  "showing.feedback_sent": { showingId: Id, listingId: Id, ownerId: Id, text: Type.Optional(Text) },
  // Consent and calls
  "consent.granted": { phone: Phone, scope: Type.Literal("marketing_calls"), consumerId: Type.Optional(Id), channel: Type.Optional(Text) },
  "consent.revoked": { phone: Phone, scope: Type.Literal("marketing_calls") },
  "call.placed": { callId: Id, phone: Phone, agentId: Id, purpose: Type.Union([Type.Literal("marketing"), Type.Literal("service"), Type.Literal("transaction")]) },
  "call.reported": { reportId: Id, phone: Phone, reporterId: Id, callId: Type.Optional(Id) },
  // Deals and funds
  "deal.price_proposed": { dealId: Id, listingId: Id, priceFen: PositiveFen },
  "deal.signed": { dealId: Id, listingId: Id, buyerId: Id, sellerId: Id, priceFen: PositiveFen, commissionFen: Fen },
  "deal.commission_paid": { dealId: Id, payerId: Id, amountFen: PositiveFen },
  "deal.failed": { dealId: Id, reason: Text },
  "deal.handover_completed": { dealId: Id },
  "funds.deposited": { dealId: Id, amountFen: PositiveFen, custody: Type.Boolean() },
  "funds.released": { dealId: Id, amountFen: PositiveFen },
  "funds.loss_confirmed": { dealId: Id, amountFen: PositiveFen, caseId: Id },
  "property_fee.arrears_found": { dealId: Id, amountFen: PositiveFen },
  "property_fee.recovered": { dealId: Id, amountFen: PositiveFen },
  "leak.reported": { dealId: Id, disclosedBeforeSigning: Type.Boolean(), lossFen: PositiveFen },
  "seizure.found": { dealId: Id, seizedOn: CalendarDate, lossFen: PositiveFen },
  "transfer.trip_wasted": { dealId: Id, partyId: Id, costFen: PositiveFen },
  "price_spread.found": { dealId: Id, partyId: Id, amountFen: PositiveFen },
  "lease.signed": { leaseId: Id, tenantId: Id, use: Type.Union([Type.Literal("residential"), Type.Literal("commercial")]), commissionFen: Fen },
  // Complaints
  "complaint.filed": { complaintId: Id, consumerId: Id, category: Text, text: Type.Optional(Text) },
  "complaint.responded": { complaintId: Id },
  "complaint.solution_proposed": { complaintId: Id, text: Type.Optional(Text) },
  "complaint.closed": { complaintId: Id, satisfaction: Type.Optional(Rating) },
  // Extensions (docs/events.md): recoveries of a seizure advance, and people's decisions as commands.
  "seizure.recovered": { dealId: Id, amountFen: PositiveFen },
  "claim.approved": { claimId: ClaimId, actorId: Id, role: Role, reason: Text },
  "claim.rejected": { claimId: ClaimId, actorId: Id, role: Role, reason: Text },
  "claim.voided": { claimId: ClaimId, actorId: Id, role: Role, reason: Text },
  "claim.pay_requested": { claimId: ClaimId, actorId: Id, reason: Text },
  "fund.topped_up": { fundId: Type.String({ pattern: fundPattern }), amountFen: PositiveFen, actorId: Id },
} satisfies Record<string, TProperties>;

export type EventType = keyof typeof dataSchemas;
export const eventTypes = Object.keys(dataSchemas) as EventType[];

export type ApproverRole = (typeof approverRoles)[number];

function envelope<T extends EventType>(type: T) {
  return Type.Object(
    {
      id: Id,
      type: Type.Literal(type),
      occurredAt: Timestamp,
      city: Slug,
      brand: Slug,
      data: Type.Object(dataSchemas[type] as (typeof dataSchemas)[T], { additionalProperties: false }),
    },
    { additionalProperties: false },
  );
}

type EnvelopeSchemas = { [T in EventType]: ReturnType<typeof envelope<T>> };
export const envelopeSchemas = Object.fromEntries(eventTypes.map((type) => [type, envelope(type)])) as EnvelopeSchemas;

/** An event as the contract writes it (phones in clear, times as text). */
export type ContractEvent = { [T in EventType]: Static<EnvelopeSchemas[T]> }[EventType];
export type ContractEventOf<T extends EventType> = Static<EnvelopeSchemas[T]>;

/** An envelope as a sender writes it, before validation: what the simulator and tests produce. */
export interface Envelope {
  id: string;
  type: string;
  occurredAt: string;
  city: string;
  brand: string;
  data: Record<string, unknown>;
}

/** The envelope alone, checked first so that a wrong `type` is reported as such. */
export const EnvelopeHeader: TObject = Type.Object({
  id: Id,
  type: Type.String({ maxLength: 64 }),
  occurredAt: Timestamp,
  city: Slug,
  brand: Slug,
  data: Type.Object({}),
});
