// The engine's state as the JSON of events.md ("replay output"), extended, never broken.
import type { Claim } from "../domain/claims.js";
import { isBalanced } from "../domain/ledger.js";
import type { Obligation } from "../domain/obligations.js";
import type { Risk } from "../domain/risk.js";
import { formatInstant } from "../domain/time.js";
import type { Alert, EngineState, RejectedEvent } from "./state.js";

const time = (at: number | null | undefined) => (at === null || at === undefined || !Number.isFinite(at) ? null : formatInstant(at));

export function claimView(claim: Claim) {
  const p = claim.progress;
  return {
    id: claim.id,
    commitment: claim.commitment,
    version: claim.versionKey,
    city: claim.city,
    brand: claim.brand,
    subjectId: claim.subjectId,
    beneficiaryId: claim.beneficiaryId,
    kind: claim.kind,
    amountFen: claim.amountFen,
    fund: claim.fundId,
    status: p.status,
    reason: claim.reason,
    openedAt: time(claim.openedAt),
    breachAt: time(claim.breachAt),
    ...(p.status === "open" ? { awaiting: p.awaiting } : {}),
    ...(p.status === "pending_approval" ? { requiredRole: p.requiredRole, review: p.review } : {}),
    ...(p.status === "approved" || p.status === "paid" ? { approvedAt: time(p.approvedAt) } : {}),
    ...(p.status === "approved" && p.hold !== null ? { hold: { ...p.hold, since: time(p.hold.since) } } : {}),
    ...(p.status === "paid" ? { paidAt: time(p.paidAt), entryId: p.entryId } : {}),
    ...(p.status === "rejected" || p.status === "voided" ? { decidedReason: p.reason } : {}),
    ...(claim.receivable !== null ? { receivable: { ...claim.receivable, outstandingFen: claim.receivable.advancedFen - claim.receivable.recoveredFen } } : {}),
    ...(claim.contradictedBy !== null ? { contradictedBy: claim.contradictedBy } : {}),
    causedBy: claim.causedBy,
    decisions: claim.decisions.map((d) => ({ ...d, at: time(d.at) })),
  };
}

export function obligationView(obligation: Obligation) {
  const p = obligation.progress;
  return {
    id: obligation.id,
    commitment: obligation.commitment,
    version: obligation.versionKey,
    city: obligation.city,
    brand: obligation.brand,
    subjectId: obligation.subjectId,
    ...(obligation.stage !== null ? { stage: obligation.stage } : {}),
    beneficiaryId: obligation.beneficiaryId,
    responsibleId: obligation.responsibleId,
    openedAt: time(obligation.openedAt),
    dueAt: time(obligation.dueAt),
    status: p.status,
    ...(p.status === "fulfilled" ? { fulfilledAt: time(p.fulfilledAt), fulfilledBy: p.byEventId, afterBreach: p.afterBreach } : {}),
    ...(p.status === "breached" ? { breachedAt: time(p.breachedAt), claimId: p.claimId } : {}),
    causedBy: obligation.causedBy,
  };
}

export function riskView(risk: Risk) {
  return { ...risk, detectedAt: time(risk.detectedAt), signedAt: risk.signedAt === null ? null : time(risk.signedAt) };
}

export function rejectedView(rejected: RejectedEvent) {
  return { id: rejected.id, type: rejected.type, code: rejected.code, message: rejected.message, field: rejected.field, rejectedAt: time(rejected.rejectedAt) };
}

export function alertView(alert: Alert) {
  return { ...alert, at: time(alert.at) };
}

export function ledgerView(state: EngineState) {
  const accounts = [...state.ledger.balances.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, balanceFen]) => ({ name, balanceFen }));
  return { balanced: isBalanced(state.ledger), entries: state.ledger.entries.length, accounts };
}

export function snapshot(state: EngineState) {
  const streamed = streamedSnapshot(state);
  return { ...streamed, obligations: [...streamed.obligations] };
}

/**
 * The snapshot with its obligations as views made one at a time, for writing it out: a city-year
 * has millions (cli/json-out.ts).
 */
export function streamedSnapshot(state: EngineState) {
  return {
    clock: time(state.clock),
    counts: { ...state.counts, claims: state.claims.size, obligations: state.obligations.size, risks: state.risks.size, alerts: state.alerts.length },
    claims: [...state.claims.values()].map(claimView),
    obligations: viewsOf(state.obligations.inOrder()),
    risks: [...state.risks.values()].map(riskView),
    rejected: state.rejected.map(rejectedView),
    alerts: state.alerts.map(alertView),
    ledger: ledgerView(state),
  };
}

function* viewsOf(obligations: Iterable<Obligation>): Generator<ReturnType<typeof obligationView>> {
  for (const obligation of obligations) yield obligationView(obligation);
}

export type Snapshot = ReturnType<typeof snapshot>;
