// The claim workflow: route to approval, approve, pay through the ledger (or hold when the fund
// cannot pay), void, reject, deliver a non-monetary remedy, recover an advance.
import { requiredRole } from "../domain/approval.js";
import { assert, unreachable } from "../domain/assert.js";
import { tiersFor, type Settings, type Version } from "../domain/catalogue/index.js";
import { isSettled, type Claim, type Decision } from "../domain/claims.js";
import { account, balanceOf, post, transfer } from "../domain/ledger.js";
import type { ClaimRequest } from "../domain/rules/index.js";
import type { Instant } from "../domain/time.js";
import { idOf } from "./ids.js";
import type { EngineState } from "./state.js";

export interface Actor {
  actorId: string;
  role: Decision["role"];
  reason: string;
  eventId: string | null;
}

export const system = (reason: string, eventId: string | null): Actor => ({ actorId: "anxin", role: "system", reason, eventId });

export function fundIdOf(payer: "platform" | "brand", place: { city: string; brand: string }): string {
  return payer === "platform" ? "platform" : `${place.brand}:${place.city}`;
}

export class Workflow {
  constructor(
    private readonly state: EngineState,
    private readonly settings: Settings,
  ) {}

  open(request: ClaimRequest, now: Instant): Claim {
    const id = idOf([request.version.commitment, ...request.subjectKey]);
    const existing = this.state.claims.get(id);
    if (existing !== undefined) return existing;
    assert(Number.isSafeInteger(request.amountFen) && request.amountFen >= 0, `claim ${id} has a whole, non-negative amount`);
    const claim: Claim = {
      id,
      commitment: request.version.commitment,
      versionKey: request.version.key,
      city: request.place.city,
      brand: request.place.brand,
      kind: request.kind,
      subjectId: request.subjectKey[0]!,
      beneficiaryId: request.beneficiaryId,
      amountFen: request.amountFen,
      fundId: fundIdOf(request.fundPayer, request.place),
      reason: request.reason,
      causedBy: request.causedBy,
      openedAt: now,
      breachAt: request.breachAt,
      progress: { status: "open", awaiting: "beneficiary" },
      decisions: [],
      receivable: request.debtorId === undefined ? null : { debtorId: request.debtorId, advancedFen: 0, recoveredFen: 0 },
      fulfilsObligationId: request.fulfils?.id ?? null,
      contradictedBy: null,
    };
    this.state.claims.set(id, claim);
    const siblings = this.state.claimsBySubject.get(claim.subjectId);
    if (siblings === undefined) this.state.claimsBySubject.set(claim.subjectId, [claim]);
    else siblings.push(claim);
    this.decide(claim, "opened", system(request.reason, request.causedBy[0] ?? null), now);
    this.notify("claim.opened", claim, now);
    this.route(claim, { approval: request.approval, review: request.review ?? null }, now);
    return claim;
  }

  /** Sends a claim to whoever may decide it: nobody yet, a person within tier, or the system. */
  route(claim: Claim, how: { approval: "auto" | "tiered"; review: string | null }, now: Instant): void {
    this.touch(claim);
    if (claim.beneficiaryId === null) {
      claim.progress = { status: "open", awaiting: "beneficiary" };
      this.state.awaiting.add(claim.id);
      return;
    }
    this.state.awaiting.delete(claim.id);
    if (how.review !== null || how.approval === "tiered") {
      const tiers = tiersFor(this.settings, claim);
      claim.progress = { status: "pending_approval", requiredRole: requiredRole(tiers, claim.amountFen), review: how.review };
      return;
    }
    this.approve(claim, system("system-confirmed evidence and a fixed amount: approved automatically", claim.causedBy[0] ?? null), now);
  }

  approve(claim: Claim, actor: Actor, now: Instant): void {
    assert(claim.progress.status === "pending_approval" || claim.progress.status === "open", `claim ${claim.id} is approved once`);
    this.decide(claim, "approved", actor, now);
    const causedBy = actor.eventId === null ? claim.causedBy : [...claim.causedBy, actor.eventId];
    switch (claim.kind) {
      case "remedy":
        claim.progress = { status: "approved", approvedAt: now, hold: null };
        return;
      case "waiver": {
        const entry = post(this.state.ledger, {
          at: now, purpose: "waiver_granted", claimId: claim.id, versionKey: claim.versionKey, causedBy,
          postings: transfer({ debit: account.expense(claim.commitment), credit: account.waived(claim.fundId), amountFen: claim.amountFen }),
        });
        claim.progress = { status: "paid", approvedAt: now, paidAt: now, entryId: entry.id };
        this.notify("claim.paid", claim, now);
        return;
      }
      case "payout":
      case "refund":
      case "advance": {
        const debit = claim.kind === "advance" ? account.receivable(claim.fundId) : account.expense(claim.commitment);
        post(this.state.ledger, {
          at: now, purpose: "claim_approved", claimId: claim.id, versionKey: claim.versionKey, causedBy,
          postings: transfer({ debit, credit: account.payable(claim.fundId), amountFen: claim.amountFen }),
        });
        claim.progress = { status: "approved", approvedAt: now, hold: null };
        this.pay(claim, system("paid on approval", actor.eventId), now);
        return;
      }
      default:
        unreachable(claim.kind, "remedy kind");
    }
  }

  /** Pays an approved claim from its fund, or holds it, alerting once, when the fund cannot pay. */
  pay(claim: Claim, actor: Actor, now: Instant): void {
    const progress = claim.progress;
    assert(progress.status === "approved" && claim.kind !== "remedy", `claim ${claim.id} is paid only once approved`);
    this.ensureFund(claim.fundId, now, claim.causedBy);
    const availableFen = balanceOf(this.state.ledger, account.fund(claim.fundId));
    this.touch(claim);
    if (availableFen < claim.amountFen) {
      if (progress.hold === null) {
        claim.progress = { ...progress, hold: { reason: "fund_insufficient", fundId: claim.fundId, availableFen, since: now } };
        this.state.held.add(claim.id);
        this.decide(claim, "held", system(`fund ${claim.fundId} holds ${availableFen} fen, ${claim.amountFen} needed`, actor.eventId), now);
        this.alert("fund.payout_held", `claim ${claim.id} held: fund ${claim.fundId} holds ${availableFen} fen, ${claim.amountFen} fen needed`, now, claim.id);
      }
      return;
    }
    const entry = post(this.state.ledger, {
      at: now, purpose: "claim_paid", claimId: claim.id, versionKey: claim.versionKey,
      causedBy: actor.eventId === null ? claim.causedBy : [...claim.causedBy, actor.eventId],
      postings: transfer({ debit: account.payable(claim.fundId), credit: account.fund(claim.fundId), amountFen: claim.amountFen }),
    });
    claim.progress = { status: "paid", approvedAt: progress.approvedAt, paidAt: now, entryId: entry.id };
    assert(balanceOf(this.state.ledger, account.fund(claim.fundId)) >= 0, `fund ${claim.fundId} never goes below zero`);
    this.state.held.delete(claim.id);
    if (claim.receivable !== null) claim.receivable.advancedFen = claim.amountFen;
    this.decide(claim, "paid", actor, now);
    this.notify("claim.paid", claim, now);
    this.fulfilLinked(claim, now, actor.eventId);
  }

  reject(claim: Claim, actor: Actor, now: Instant): void {
    assert(claim.progress.status === "open" || claim.progress.status === "pending_approval", `claim ${claim.id} is rejected only before approval`);
    claim.progress = { status: "rejected", rejectedAt: now, reason: actor.reason };
    this.state.awaiting.delete(claim.id);
    this.decide(claim, "rejected", actor, now);
    this.touch(claim);
  }

  /** Withdraws an unsettled claim; a paid one stays paid and records what contradicted it. */
  withdraw(claim: Claim, actor: Actor, now: Instant): void {
    const progress = claim.progress;
    if (progress.status === "paid") {
      claim.contradictedBy ??= actor.eventId;
      this.touch(claim);
      return;
    }
    if (isSettled(claim)) return;
    if (progress.status === "approved" && claim.kind !== "remedy") {
      const credit = claim.kind === "advance" ? account.receivable(claim.fundId) : account.expense(claim.commitment);
      post(this.state.ledger, {
        at: now, purpose: "claim_voided", claimId: claim.id, versionKey: claim.versionKey,
        causedBy: actor.eventId === null ? claim.causedBy : [...claim.causedBy, actor.eventId],
        postings: transfer({ debit: account.payable(claim.fundId), credit, amountFen: claim.amountFen }),
      });
    }
    this.state.held.delete(claim.id);
    this.state.awaiting.delete(claim.id);
    claim.progress = { status: "voided", voidedAt: now, reason: actor.reason };
    this.decide(claim, "voided", actor, now);
    this.touch(claim);
  }

  deliver(claim: Claim, actor: Actor, now: Instant): void {
    const progress = claim.progress;
    assert(claim.kind === "remedy" && progress.status === "approved", `claim ${claim.id} delivers a remedy once`);
    claim.progress = { status: "paid", approvedAt: progress.approvedAt, paidAt: now, entryId: null };
    this.decide(claim, "paid", actor, now);
    this.notify("claim.paid", claim, now);
    this.touch(claim);
    this.fulfilLinked(claim, now, actor.eventId);
  }

  recover(claim: Claim, amountFen: number, eventId: string, now: Instant): void {
    const receivable = claim.receivable;
    assert(receivable !== null && claim.progress.status === "paid", `claim ${claim.id} recovers only a paid advance`);
    assert(amountFen > 0 && receivable.recoveredFen + amountFen <= receivable.advancedFen, `claim ${claim.id} recovers no more than it advanced`);
    post(this.state.ledger, {
      at: now, purpose: "recovery", claimId: claim.id, versionKey: claim.versionKey, causedBy: [eventId],
      postings: transfer({ debit: account.fund(claim.fundId), credit: account.receivable(claim.fundId), amountFen }),
    });
    receivable.recoveredFen += amountFen;
    this.touch(claim);
  }

  topUp(fundId: string, amountFen: number, eventId: string, now: Instant): void {
    this.ensureFund(fundId, now, [eventId]);
    post(this.state.ledger, {
      at: now, purpose: "top_up", claimId: null, versionKey: null, causedBy: [eventId],
      postings: transfer({ debit: account.fund(fundId), credit: account.capital(fundId), amountFen }),
    });
    this.retryHeld(fundId, eventId, now);
  }

  /** Pays held claims of a fund, oldest first, while the fund can. */
  retryHeld(fundId: string, eventId: string, now: Instant): void {
    for (const claimId of [...this.state.held]) {
      const claim = this.state.claims.get(claimId)!;
      if (claim.fundId !== fundId) continue;
      claim.progress = { ...(claim.progress as Extract<Claim["progress"], { status: "approved" }>), hold: null };
      this.state.held.delete(claimId);
      this.pay(claim, system("paid after the fund was topped up", eventId), now);
    }
  }

  alert(kind: Parameters<EngineState["alerts"]["push"]>[0]["kind"], message: string, at: Instant, claimId: string | null = null, obligationId: string | null = null, dealId: string | null = null): void {
    this.state.alerts.push({ kind, message, at, claimId, obligationId, dealId });
  }

  /** A fund opens with its catalogue opening balance the first time money moves through it. */
  private ensureFund(fundId: string, now: Instant, causedBy: string[]): void {
    if (this.state.ledger.balances.has(account.fund(fundId))) return;
    const { platformOpeningFen, brandCityOpeningFen } = this.settings.funds;
    const openingFen = fundId === "platform" ? platformOpeningFen : brandCityOpeningFen;
    if (openingFen > 0) {
      post(this.state.ledger, {
        at: now, purpose: "fund_opened", claimId: null, versionKey: null, causedBy,
        postings: transfer({ debit: account.fund(fundId), credit: account.capital(fundId), amountFen: openingFen }),
      });
    } else {
      this.state.ledger.balances.set(account.fund(fundId), 0);
    }
  }

  private fulfilLinked(claim: Claim, now: Instant, eventId: string | null): void {
    const obligation = claim.fulfilsObligationId === null ? undefined : this.state.obligations.get(claim.fulfilsObligationId);
    if (obligation === undefined || obligation.progress.status !== "open" || now > obligation.dueAt) return;
    this.state.obligations.fulfil(obligation, { at: now, eventId: eventId ?? claim.causedBy[0]! });
    this.state.changes.obligation(obligation);
  }

  private notify(kind: "claim.opened" | "claim.paid", claim: Claim, at: Instant): void {
    this.state.notices.push({ kind, at, city: claim.city, brand: claim.brand, claimId: claim.id, obligationId: null, riskKey: null });
  }

  private decide(claim: Claim, action: Decision["action"], actor: Actor, at: Instant): void {
    claim.decisions.push({ action, actorId: actor.actorId, role: actor.role, reason: actor.reason, at, eventId: actor.eventId });
  }

  private touch(claim: Claim): void {
    this.state.changes.claim(claim.id);
  }
}

export function versionIndex(versions: readonly Version[]): Map<string, Version> {
  return new Map(versions.map((v) => [v.key, v]));
}
