// A claim: a remedy owed to a beneficiary under one version of one commitment.
import type { ApproverRole } from "./events/schema.js";
import type { Fen } from "./money.js";
import type { Instant } from "./time.js";

export type RemedyKind = "payout" | "advance" | "refund" | "waiver" | "remedy";

export interface Hold {
  reason: "fund_insufficient";
  fundId: string;
  availableFen: Fen;
  since: Instant;
}

export type ClaimProgress =
  | { status: "open"; awaiting: "beneficiary" }
  | { status: "pending_approval"; requiredRole: ApproverRole; review: string | null }
  | { status: "approved"; approvedAt: Instant; hold: Hold | null }
  | { status: "paid"; approvedAt: Instant; paidAt: Instant; entryId: string | null }
  | { status: "rejected"; rejectedAt: Instant; reason: string }
  | { status: "voided"; voidedAt: Instant; reason: string };

export type ClaimStatus = ClaimProgress["status"];
/** Every status, for what filters by one (a record, so that a status added above must be added here). */
export const claimStatuses = Object.keys({ open: 0, pending_approval: 0, approved: 0, paid: 0, rejected: 0, voided: 0 } satisfies Record<ClaimStatus, 0>) as ClaimStatus[];

export interface Decision {
  action: "approved" | "rejected" | "voided" | "paid" | "held" | "opened";
  actorId: string;
  role: ApproverRole | "finance" | "system";
  reason: string;
  at: Instant;
  eventId: string | null;
}

export interface Receivable {
  debtorId: string;
  advancedFen: Fen;
  recoveredFen: Fen;
}

export interface Claim {
  id: string;
  commitment: string;
  versionKey: string;
  city: string;
  brand: string;
  kind: RemedyKind;
  subjectId: string;
  beneficiaryId: string | null;
  amountFen: Fen;
  fundId: string;
  /** Why the claim exists, in words a consumer can read. */
  reason: string;
  causedBy: string[];
  openedAt: Instant;
  /** When the broken promise was broken (a deadline passed, a call was placed). */
  breachAt: Instant;
  progress: ClaimProgress;
  decisions: Decision[];
  receivable: Receivable | null;
  /** The obligation that paying or delivering this claim fulfils, if any. */
  fulfilsObligationId: string | null;
  /** An event that showed, after payment, that the promise had been kept. */
  contradictedBy: string | null;
}

export function isMonetary(kind: RemedyKind): boolean {
  return kind !== "remedy";
}

/** Settled claims no longer change; open ones still can be decided, paid or voided. */
export function isSettled(claim: Claim): boolean {
  const status = claim.progress.status;
  return status === "paid" || status === "rejected" || status === "voided";
}
