// The engine's side of the rule context: what rules may read and ask for.
import { versionsOfKind, applicableVersions, type Catalogue, type RuleKindName, type Version } from "../domain/catalogue/index.js";
import type { Claim } from "../domain/claims.js";
import type { Facts } from "../domain/facts.js";
import { breach, type Obligation } from "../domain/obligations.js";
import { riskRules, type Risk, type RiskFinding } from "../domain/risk.js";
import type { AlertKind, ClaimRequest, ObligationRequest, Place, RuleContext, VersionOf } from "../domain/rules/index.js";
import { formatInstant, type Instant } from "../domain/time.js";
import type { EngineState } from "./state.js";
import { idOf, obligationIdOf } from "./ids.js";
import { system, type Workflow } from "./workflow.js";

export class Context implements RuleContext {
  now: Instant = 0;
  /** The obligation whose breach is being processed, so that its claim can be linked to it. */
  breaching: Obligation | null = null;

  constructor(
    private readonly state: EngineState,
    private readonly catalogue: Catalogue,
    private readonly versions: Map<string, Version>,
    private readonly workflow: Workflow,
  ) {}

  get facts(): Facts {
    return this.state.facts;
  }

  applicable<K extends RuleKindName>(kind: K, place: Place, at: Instant): Array<VersionOf<K>> {
    return versionsOfKind(applicableVersions(this.catalogue.versions, { city: place.city, brand: place.brand, at }), kind);
  }

  versionOf(key: string): Version {
    return this.versions.get(key)!;
  }

  obligationFor(commitment: string, subjectId: string, stage?: string): Obligation | undefined {
    return this.state.obligations.find(commitment, subjectId, stage ?? null);
  }

  obligationsOfSubject(kind: RuleKindName, subjectId: string): readonly Obligation[] {
    return this.state.obligations.ofSubject(subjectId).filter((o) => this.versions.get(o.versionKey)!.rule.kind === kind);
  }

  claimFor(commitment: string, subjectKey: readonly string[]): Claim | undefined {
    return this.state.claims.get(idOf([commitment, ...subjectKey]));
  }

  claimsOfSubject(kind: RuleKindName, subjectId: string): readonly Claim[] {
    return (this.state.claimsBySubject.get(subjectId) ?? []).filter((c) => this.versions.get(c.versionKey)!.rule.kind === kind);
  }

  claimsAwaitingBeneficiary(kind: RuleKindName): readonly Claim[] {
    if (this.state.awaiting.size === 0) return [];
    return [...this.state.awaiting].map((id) => this.state.claims.get(id)!).filter((c) => this.versions.get(c.versionKey)!.rule.kind === kind);
  }

  openObligation(request: ObligationRequest): Obligation {
    const id = obligationIdOf(request.version.commitment, request.subjectId, request.stage ?? null);
    const existing = this.state.obligations.find(request.version.commitment, request.subjectId, request.stage ?? null, id);
    if (existing !== undefined) return existing;
    const obligation: Obligation = {
      id,
      commitment: request.version.commitment,
      versionKey: request.version.key,
      city: request.place.city,
      brand: request.place.brand,
      subjectId: request.subjectId,
      stage: request.stage ?? null,
      beneficiaryId: request.beneficiaryId,
      responsibleId: request.responsibleId,
      openedAt: this.now,
      dueAt: request.dueAt,
      causedBy: request.causedBy,
      progress: { status: "open" },
    };
    this.state.obligations.add(obligation);
    this.state.deadlines.push({ dueAt: obligation.dueAt, id });
    this.state.changes.opening(obligation);
    return obligation;
  }

  fulfilObligation(obligation: Obligation, evidence: { at: Instant; eventId: string }): boolean {
    const progress = obligation.progress;
    if (evidence.at > obligation.dueAt) return false;
    if (progress.status === "fulfilled") return true;
    this.state.obligations.fulfil(obligation, evidence);
    this.state.changes.obligation(obligation);
    if (progress.status === "breached" && progress.claimId !== null) {
      const claim = this.state.claims.get(progress.claimId)!;
      const reason = `late evidence: kept at ${formatInstant(evidence.at)}, before the due time ${formatInstant(obligation.dueAt)}`;
      this.workflow.withdraw(claim, system(reason, evidence.eventId), this.now);
    }
    return true;
  }

  /** Marks an open obligation breached (the sweep found it due) and lets its rule react. */
  breach(obligation: Obligation, react: () => void): void {
    breach(obligation, { at: this.now });
    this.state.changes.obligation(obligation);
    this.state.notices.push({ kind: "obligation.breached", at: this.now, city: obligation.city, brand: obligation.brand, claimId: null, obligationId: obligation.id, riskKey: null });
    this.breaching = obligation;
    try {
      react();
    } finally {
      this.breaching = null;
    }
  }

  openClaim(request: ClaimRequest): Claim {
    const claim = this.workflow.open(request, this.now);
    const breaching = this.breaching;
    if (breaching !== null && breaching.progress.status === "breached" && breaching.progress.claimId === null) {
      breaching.progress = { ...breaching.progress, claimId: claim.id };
    }
    return claim;
  }

  assignBeneficiary(claim: Claim, beneficiaryId: string, eventId: string): void {
    if (claim.progress.status !== "open") return;
    claim.beneficiaryId = beneficiaryId;
    claim.causedBy = [...claim.causedBy, eventId];
    const version = this.versionOf(claim.versionKey);
    const approval = "approval" in version.rule ? version.rule.approval : "auto";
    this.workflow.route(claim, { approval, review: null }, this.now);
  }

  rejectClaim(claim: Claim, reason: string, eventId: string): void {
    if (claim.progress.status === "open" || claim.progress.status === "pending_approval") this.workflow.reject(claim, system(reason, eventId), this.now);
  }

  voidClaim(claim: Claim, reason: string, eventId: string): void {
    this.workflow.withdraw(claim, system(reason, eventId), this.now);
  }

  deliverRemedy(claim: Claim, eventId: string): void {
    this.workflow.deliver(claim, system("remedy delivered", eventId), this.now);
  }

  recover(claim: Claim, amountFen: number, eventId: string): void {
    this.workflow.recover(claim, amountFen, eventId, this.now);
  }

  recordRisk(dealId: string, finding: RiskFinding, options: { version: Version; eventId: string; place: Place; signing: boolean }): void {
    const key = `${dealId}/${finding.rule}`;
    let risk = this.state.risks.get(key);
    if (risk === undefined) {
      risk = {
        ...finding, dealId, city: options.place.city, brand: options.place.brand, versionKey: options.version.key,
        detectedAt: this.now, eventId: options.eventId, signedDespiteHalt: false, signedAt: this.facts.deals.get(dealId)?.signedAt ?? null,
      } satisfies Risk;
      this.state.risks.set(key, risk);
      if (finding.decision === "halt") {
        this.alert("risk.halted", `deal ${dealId} halted: ${finding.reason}`, { dealId });
        this.state.notices.push({ kind: "risk.halted", at: this.now, city: risk.city, brand: risk.brand, claimId: null, obligationId: null, riskKey: key });
      }
    }
    if (options.signing && risk.decision === "halt") risk.signedDespiteHalt = true;
    this.state.changes.risk(key);
  }

  recordSigning(dealId: string): void {
    const signedAt = this.facts.deals.get(dealId)?.signedAt ?? null;
    if (signedAt === null || this.state.risks.size === 0) return;
    for (const rule of riskRules) {
      const key = `${dealId}/${rule}`;
      const risk = this.state.risks.get(key);
      if (risk === undefined || risk.signedAt !== null) continue;
      risk.signedAt = signedAt;
      this.state.changes.risk(key);
    }
  }

  alert(kind: AlertKind, message: string, refs: { claimId?: string; obligationId?: string; dealId?: string }): void {
    const obligation = refs.obligationId === undefined ? undefined : this.state.obligations.get(refs.obligationId);
    if (kind === "complaint.overdue" && obligation !== undefined) {
      this.state.notices.push({ kind, at: this.now, city: obligation.city, brand: obligation.brand, claimId: null, obligationId: obligation.id, riskKey: null });
    }
    this.workflow.alert(kind, message, this.now, refs.claimId ?? null, refs.obligationId ?? null, refs.dealId ?? null);
  }
}
