// People's decisions, as events in the log: approve, reject, void, pay, top up a fund.
// A command that cannot be carried out is rejected with a reason and changes nothing.
import { mayDecide } from "../domain/approval.js";
import type { AcceptedEvent, Rejection } from "../domain/events/validate.js";
import { account } from "../domain/ledger.js";
import type { Instant } from "../domain/time.js";
import type { EngineState } from "./state.js";
import type { Workflow } from "./workflow.js";

/**
 * 10 trillion CNY: far above any guarantee fund, and far enough below 2^53 that every balance, the
 * sums of postings included, stays an exact integer (unbounded top-ups lost fen until 2026-11-27).
 */
export const maxFundFen = 1_000_000_000_000_000;

export const commandTypes = new Set(["claim.approved", "claim.rejected", "claim.voided", "claim.pay_requested", "fund.topped_up"]);

export function applyCommand(state: EngineState, workflow: Workflow, event: AcceptedEvent, now: Instant): Rejection | null {
  if (event.type === "fund.topped_up") {
    const balanceFen = state.ledger.balances.get(account.fund(event.data.fundId)) ?? 0;
    if (balanceFen + event.data.amountFen > maxFundFen) {
      return refuse("invalid_field", `fund ${event.data.fundId} holds ${balanceFen} fen; a fund holds at most ${maxFundFen} fen`, "data.amountFen");
    }
    workflow.topUp(event.data.fundId, event.data.amountFen, event.id, now);
    return null;
  }
  if (event.type !== "claim.approved" && event.type !== "claim.rejected" && event.type !== "claim.voided" && event.type !== "claim.pay_requested") {
    return null;
  }
  const claim = state.claims.get(event.data.claimId);
  if (claim === undefined) return refuse("unknown_claim", `no claim ${event.data.claimId}`, "data.claimId");
  const progress = claim.progress;
  const actor = { actorId: event.data.actorId, role: "role" in event.data ? event.data.role : ("finance" as const), reason: event.data.reason, eventId: event.id };
  switch (event.type) {
    case "claim.approved":
    case "claim.rejected": {
      if (progress.status !== "pending_approval") return refuse("invalid_transition", `claim ${claim.id} is ${progress.status}, not pending_approval`, "data.claimId");
      if (!mayDecide(event.data.role, progress.requiredRole)) {
        return refuse("insufficient_authority", `${claim.amountFen} fen needs ${progress.requiredRole} or above; ${event.data.role} may not decide it`, "data.role");
      }
      if (event.type === "claim.approved") workflow.approve(claim, actor, now);
      else workflow.reject(claim, actor, now);
      return null;
    }
    case "claim.voided":
      if (progress.status === "paid" || progress.status === "rejected" || progress.status === "voided") {
        return refuse("invalid_transition", `claim ${claim.id} is ${progress.status} and can no longer be voided`, "data.claimId");
      }
      if (!mayDecide(event.data.role, "quality_officer")) return refuse("insufficient_authority", "voiding a claim needs quality_officer or above", "data.role");
      workflow.withdraw(claim, actor, now);
      return null;
    case "claim.pay_requested":
      if (progress.status !== "approved" || progress.hold === null) {
        return refuse("invalid_transition", `claim ${claim.id} is ${progress.status}${progress.status === "approved" ? " and not held" : ""}: nothing to pay`, "data.claimId");
      }
      claim.progress = { ...progress, hold: null };
      state.held.delete(claim.id);
      workflow.pay(claim, actor, now);
      return null;
  }
}

function refuse(code: Rejection["code"], message: string, field: string): Rejection {
  return { code, message, field };
}
