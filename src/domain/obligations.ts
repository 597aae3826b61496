// An obligation: something a commitment requires by a due time, met once or missed once.
import { assert } from "./assert.js";
import type { Instant } from "./time.js";

export type ObligationProgress =
  | { status: "open" }
  | { status: "fulfilled"; fulfilledAt: Instant; byEventId: string; /** evidence arrived after the breach was recorded */ afterBreach: boolean }
  | { status: "breached"; breachedAt: Instant; claimId: string | null };

export type ObligationStatus = ObligationProgress["status"];
/** Every status, for what filters by one (a record, so that a status added above must be added here). */
export const obligationStatuses = Object.keys({ open: 0, fulfilled: 0, breached: 0 } satisfies Record<ObligationStatus, 0>) as ObligationStatus[];

export interface Obligation {
  id: string;
  commitment: string;
  versionKey: string;
  city: string;
  brand: string;
  subjectId: string;
  /** complaints-30124 has three per complaint: respond, solution, close. */
  stage: string | null;
  beneficiaryId: string | null;
  /** Who must act: the agent for a showing, the maintainer for a listing. */
  responsibleId: string | null;
  openedAt: Instant;
  dueAt: Instant;
  causedBy: string[];
  progress: ObligationProgress;
}

export function fulfil(obligation: Obligation, options: { at: Instant; eventId: string }): void {
  const afterBreach = obligation.progress.status === "breached";
  assert(obligation.progress.status !== "fulfilled", `obligation ${obligation.id} is fulfilled once`);
  assert(options.at <= obligation.dueAt, `obligation ${obligation.id} fulfilled only by evidence at or before its due time`);
  obligation.progress = { status: "fulfilled", fulfilledAt: options.at, byEventId: options.eventId, afterBreach };
}

export function breach(obligation: Obligation, options: { at: Instant }): void {
  assert(obligation.progress.status === "open", `obligation ${obligation.id} is breached once, and only while open`);
  assert(options.at >= obligation.dueAt, `obligation ${obligation.id} breached only after its due time`);
  obligation.progress = { status: "breached", breachedAt: obligation.dueAt, claimId: null };
}
