// The commitment catalogue: versioned, dated, city- and brand-scoped records of rules.
import { Type, type Static } from "@sinclair/typebox";
import { approverRoles, Slug } from "../events/schema.js";

const Fen = Type.Integer({ minimum: 0, maximum: 10_000_000_000_000 });
const CalendarDate = Type.String({ pattern: "^\\d{4}-\\d{2}-\\d{2}$" });
const ClockTime = Type.String({ pattern: "^([01]\\d|2[0-3]):[0-5]\\d$", description: "HH:MM, 00:00 to 23:59" });
const Payer = Type.Union([Type.Literal("platform"), Type.Literal("brand")], { description: "which fund pays" });
const Approval = Type.Union([Type.Literal("auto"), Type.Literal("tiered")], {
  description: "auto: evidence is system-confirmed and the amount fixed; tiered: a person within authority decides",
});
const Decision = Type.Union([Type.Literal("halt"), Type.Literal("warn"), Type.Literal("pass")]);
const strict = { additionalProperties: false } as const;

/** Hours a clock runs in (business-hours.ts); opens before closes, checked when the catalogue is built. */
export const BusinessHours = Type.Object({
  opens: ClockTime, closes: ClockTime,
  days: Type.Union([Type.Literal("workdays"), Type.Literal("every-day")], { description: "workdays: China's official working days (holidays off, days worked in lieu on)" }),
}, { ...strict, description: "the clock runs only in these hours (Asia/Shanghai); without it, on calendar time" });
export type BusinessHours = Static<typeof BusinessHours>;

export const RuleSchemas = {
  "deadline-after-event": Type.Object({
    kind: Type.Literal("deadline-after-event"),
    trigger: Type.Literal("showing.recorded"),
    fulfilledBy: Type.Literal("showing.feedback_sent"),
    windowStart: Type.Union([Type.Literal("next-business-day"), Type.Literal("event")]),
    windowHours: Type.Integer({ minimum: 1, maximum: 24 * 365 }),
    amountFen: Fen, payer: Payer, approval: Approval,
  }, strict),
  "forbidden-act": Type.Object({
    kind: Type.Literal("forbidden-act"),
    act: Type.Union([Type.Literal("delisting-without-consent"), Type.Literal("marketing-call-without-consent")]),
    amountFen: Fen, payer: Payer, approval: Approval,
  }, strict),
  "confirmed-incident": Type.Object({
    kind: Type.Literal("confirmed-incident"),
    incident: Type.Literal("listing.fake_confirmed"),
    amountFen: Fen, payer: Payer, approval: Approval,
  }, strict),
  "refund-on-failure": Type.Object({
    kind: Type.Literal("refund-on-failure"),
    refundWithinDays: Type.Integer({ minimum: 1, maximum: 365 }),
    payer: Payer, approval: Approval,
  }, strict),
  "loss-advance": Type.Object({
    kind: Type.Literal("loss-advance"),
    incident: Type.Union([Type.Literal("property_fee.arrears_found"), Type.Literal("seizure.found")]),
    payer: Payer, approval: Approval,
  }, strict),
  "capped-loss": Type.Object({
    kind: Type.Literal("capped-loss"),
    incident: Type.Union([
      Type.Literal("leak.reported"), Type.Literal("maintenance.damage"), Type.Literal("transfer.trip_wasted"),
      Type.Literal("funds.loss_confirmed"), Type.Literal("price_spread.found"),
    ]),
    remedy: Type.Union([Type.Literal("payout"), Type.Literal("refund")]),
    capFen: Type.Union([Fen, Type.Null()], { description: "null: the loss in full" }),
    capFenByDamageKind: Type.Optional(Type.Record(Type.String(), Fen)),
    payer: Payer, approval: Approval,
  }, strict),
  "benefit-waiver": Type.Object({
    kind: Type.Literal("benefit-waiver"),
    benefit: Type.Literal("post-sale-rental-commission"),
    use: Type.Literal("residential"),
    daysAfterHandover: Type.Integer({ minimum: 0, maximum: 3650 }),
    payer: Payer, approval: Approval,
  }, strict),
  "non-monetary-remedy": Type.Object({
    kind: Type.Literal("non-monetary-remedy"),
    remedy: Type.Literal("maintainer-replacement"),
    deliverWithinDays: Type.Integer({ minimum: 1, maximum: 365 }),
  }, strict),
  "complaint-clock": Type.Object({
    kind: Type.Literal("complaint-clock"),
    respondMinutes: Type.Integer({ minimum: 1, maximum: 7 * 24 * 60 }),
    solutionHours: Type.Integer({ minimum: 1, maximum: 24 * 366 }),
    closeHours: Type.Integer({ minimum: 1, maximum: 24 * 366 }),
    businessHours: Type.Optional(BusinessHours),
  }, strict),
  "pre-signing-risk": Type.Object({
    kind: Type.Literal("pre-signing-risk"),
    windowHours: Type.Integer({ minimum: 1, maximum: 24 * 30 }),
    maxDeviationPercent: Type.Integer({ minimum: 0, maximum: 1000 }),
    decisions: Type.Object({ "price-deviation-48h": Decision, "funds-not-in-custody": Decision, "known-seizure": Decision }, strict),
  }, strict),
};

export const RuleParams = Type.Union(Object.values(RuleSchemas));
export type RuleParams = Static<typeof RuleParams>;
export type RuleKindName = RuleParams["kind"];
export type RuleParamsOf<K extends RuleKindName> = Extract<RuleParams, { kind: K }>;

export const VersionRecord = Type.Object({
  commitment: Slug,
  version: Type.String({ pattern: "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$" }),
  status: Type.Union([Type.Literal("published"), Type.Literal("draft")]),
  name: Type.Object({ zh: Type.String({ minLength: 1 }), en: Type.String({ minLength: 1 }) }, strict),
  level: Type.Union([Type.Literal("platform"), Type.Literal("brand")]),
  /** A commitment carries a remedy; a standard (30124, pre-signing risk) is measured and enforced without one. */
  type: Type.Union([Type.Literal("commitment"), Type.Literal("standard")]),
  scope: Type.Object({
    cities: Type.Array(Type.Union([Slug, Type.Literal("*")]), { minItems: 1 }),
    brands: Type.Array(Type.Union([Slug, Type.Literal("*")]), { minItems: 1 }),
  }, strict),
  effectiveFrom: CalendarDate,
  effectiveTo: Type.Optional(CalendarDate),
  source: Type.Optional(Type.String()),
  rule: RuleParams,
}, strict);
export type VersionRecord = Static<typeof VersionRecord>;

const Tier = Type.Object({ role: Type.Union(approverRoles.map((r) => Type.Literal(r))), maxFen: Type.Union([Fen, Type.Null()]) }, strict);
export type Tier = Static<typeof Tier>;

export const Settings = Type.Object({
  funds: Type.Object({ platformOpeningFen: Fen, brandCityOpeningFen: Fen }, strict),
  approvalTiers: Type.Object({
    default: Type.Array(Tier, { minItems: 1 }),
    overrides: Type.Array(Type.Object({ city: Slug, brand: Slug, tiers: Type.Array(Tier, { minItems: 1 }) }, strict)),
  }, strict),
}, strict);
export type Settings = Static<typeof Settings>;

/** One catalogue file: the bundled settings and commitments, or a draft that extends them. */
export const CatalogueFile = Type.Object({
  extends: Type.Optional(Type.Literal("bundled")),
  settings: Type.Optional(Settings),
  versions: Type.Array(VersionRecord),
}, strict);
export type CatalogueFile = Static<typeof CatalogueFile>;
