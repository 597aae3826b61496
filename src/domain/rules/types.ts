// What a rule kind is, and what it may do. Rules are pure: they read facts and ask the engine,
// through the context, to open obligations and claims; the engine routes approval and money.
import type { Version, RuleKindName, RuleParamsOf } from "../catalogue/index.js";
import type { Claim, RemedyKind } from "../claims.js";
import type { EventType } from "../events/schema.js";
import type { AcceptedEvent } from "../events/validate.js";
import type { Facts } from "../facts.js";
import type { Fen } from "../money.js";
import type { Obligation } from "../obligations.js";
import type { RiskFinding } from "../risk.js";
import type { Instant } from "../time.js";

export type VersionOf<K extends RuleKindName> = Version & { rule: RuleParamsOf<K> };

export interface Place {
  city: string;
  brand: string;
}

export interface ClaimRequest {
  version: Version;
  /** Unique within the commitment: one claim per showing, per call, per listing and reporter… */
  subjectKey: readonly string[];
  kind: RemedyKind;
  beneficiaryId: string | null;
  amountFen: Fen;
  fundPayer: "platform" | "brand";
  approval: "auto" | "tiered";
  reason: string;
  causedBy: string[];
  breachAt: Instant;
  place: Place;
  /** Set when a person must look at it whatever the amount, with the reason. */
  review?: string;
  /** For an advance: who owes the fund the amount advanced. */
  debtorId?: string;
  /** The obligation that paying or delivering this claim fulfils (a refund due in 5 days). */
  fulfils?: Obligation;
}

export interface ObligationRequest {
  version: Version;
  subjectId: string;
  stage?: string;
  beneficiaryId: string | null;
  responsibleId: string | null;
  dueAt: Instant;
  causedBy: string[];
  place: Place;
}

export interface RuleContext {
  readonly facts: Facts;
  readonly now: Instant;
  /** The versions of a rule kind in scope at a place and instant (one per commitment). */
  applicable<K extends RuleKindName>(kind: K, place: Place, at: Instant): Array<VersionOf<K>>;
  versionOf(key: string): Version;
  obligationFor(commitment: string, subjectId: string, stage?: string): Obligation | undefined;
  /** Obligations of a rule kind about one subject (a showing, a complaint, a listing). */
  obligationsOfSubject(kind: RuleKindName, subjectId: string): readonly Obligation[];
  claimFor(commitment: string, subjectKey: readonly string[]): Claim | undefined;
  /** Claims of a rule kind whose subject key starts with this id (a deal, a call). */
  claimsOfSubject(kind: RuleKindName, subjectId: string): readonly Claim[];
  /** Open claims of a rule kind still waiting to learn who their beneficiary is. */
  claimsAwaitingBeneficiary(kind: RuleKindName): readonly Claim[];
  openObligation(request: ObligationRequest): Obligation;
  /** True when the evidence kept the promise; late evidence withdraws the breach's unpaid claim. */
  fulfilObligation(obligation: Obligation, evidence: { at: Instant; eventId: string }): boolean;
  /** Opens a claim once per subject key; a second request for the same key returns the first. */
  openClaim(request: ClaimRequest): Claim;
  /** A beneficiary became known (a consumer reported the call): route the claim on. */
  assignBeneficiary(claim: Claim, beneficiaryId: string, eventId: string): void;
  /** The system's own decision on evidence (a report contradicted by a recorded consent). */
  rejectClaim(claim: Claim, reason: string, eventId: string): void;
  voidClaim(claim: Claim, reason: string, eventId: string): void;
  /** A non-monetary remedy was delivered (the maintainer was replaced). */
  deliverRemedy(claim: Claim, eventId: string): void;
  /** Money came back on an advance's receivable. */
  recover(claim: Claim, amountFen: Fen, eventId: string): void;
  /** Records a risk once per deal and rule; signing over a halt that still stands (`signing`) is recorded as such. */
  recordRisk(dealId: string, finding: RiskFinding, options: { version: Version; eventId: string; place: Place; signing: boolean }): void;
  /** The deal was signed: every risk found for it is marked signed, including halts that had lapsed. */
  recordSigning(dealId: string): void;
  alert(kind: AlertKind, message: string, refs: { claimId?: string; obligationId?: string; dealId?: string }): void;
}

export type AlertKind = "fund.payout_held" | "obligation.breached" | "complaint.overdue" | "remedy.overdue" | "risk.halted" | "recovery.excess";

export interface RuleKind<K extends RuleKindName> {
  kind: K;
  /** Events that may open something under a version in scope of the event's city, brand and instant. */
  opensOn(params: RuleParamsOf<K>): readonly EventType[];
  onEvent(ctx: RuleContext, version: VersionOf<K>, event: AcceptedEvent): void;
  /** Events that act on what this kind already opened, whatever version is in scope now. */
  followsUp: readonly EventType[];
  onFollowUp?(ctx: RuleContext, event: AcceptedEvent): void;
  /** An open obligation of this kind fell due. */
  onDue?(ctx: RuleContext, version: VersionOf<K>, obligation: Obligation): void;
}
