// Everything the engine knows. It follows from the accepted events, the catalogue and the clock.
import type { Claim } from "../domain/claims.js";
import type { Rejection } from "../domain/events/validate.js";
import { createFacts, type Facts } from "../domain/facts.js";
import { createLedger, type Ledger } from "../domain/ledger.js";
import type { Obligation } from "../domain/obligations.js";
import type { Risk } from "../domain/risk.js";
import type { AlertKind } from "../domain/rules/index.js";
import type { Instant } from "../domain/time.js";
import { DeadlineQueue } from "./deadline-queue.js";
import { IdIndex } from "./id-index.js";
import { Obligations } from "./obligations.js";
import { ShowingColumns } from "./showings.js";
import { StringTable } from "./string-table.js";

export interface RejectedEvent extends Rejection {
  /** The event's id where it had one. */
  id: string | null;
  type: string | null;
  rejectedAt: Instant;
  /** The input as received, with any phone redacted. */
  input: unknown;
  /** Who sent it, where the shell says (an API key's hash), so that they can read it back. */
  sender: string | null;
}

export interface Alert {
  kind: AlertKind;
  message: string;
  at: Instant;
  claimId: string | null;
  obligationId: string | null;
  dealId: string | null;
}

/** What integrators may subscribe to by webhook. */
export const noticeKinds = ["claim.opened", "claim.paid", "obligation.due_soon", "obligation.breached", "risk.halted", "complaint.overdue"] as const;
export type NoticeKind = (typeof noticeKinds)[number];

/** A fact worth telling an integrator, with what it is about; the shell turns it into deliveries. */
export interface Notice {
  kind: NoticeKind;
  at: Instant;
  city: string;
  brand: string;
  claimId: string | null;
  obligationId: string | null;
  riskKey: string | null;
}

/**
 * What changed since the store last asked: the shell writes exactly these rows. A replay stores
 * nothing, so its engine keeps none (a city-year would otherwise hold every obligation's id twice).
 */
export class Changes {
  readonly claims = new Set<string>();
  /** The obligations themselves: a settled one is not read back from its columns to be written. */
  readonly obligations = new Map<string, Obligation>();
  /**
   * Those of `obligations` opened since the changes were last written, and the showings no event
   * named before (store/activity.ts writes a showing's row from its recording or its feedback): no
   * row holds them yet, if the store was written by an engine that replays the log alike. (Should
   * one be there, the service upserts every row from then on: service.ts, write.)
   */
  readonly opened = new Set<string>();
  readonly showings = new Set<string>();
  readonly risks = new Set<string>();
  /** Journal entries from this index on are new. */
  entriesFrom = 0;

  constructor(readonly kept: boolean) {}

  claim(id: string): void {
    if (this.kept) this.claims.add(id);
  }

  obligation(obligation: Obligation): void {
    if (this.kept) this.obligations.set(obligation.id, obligation);
  }

  opening(obligation: Obligation): void {
    if (!this.kept) return;
    this.obligations.set(obligation.id, obligation);
    this.opened.add(obligation.id);
  }

  risk(key: string): void {
    if (this.kept) this.risks.add(key);
  }
}

export interface EngineState {
  /** Accepted event ids and their content digests, for idempotency. */
  seen: IdIndex;
  facts: Facts;
  obligations: Obligations;
  deadlines: DeadlineQueue;
  claims: Map<string, Claim>;
  claimsBySubject: Map<string, Claim[]>;
  /** Approved claims waiting for money in their fund, oldest first. */
  held: Set<string>;
  /** Open claims whose beneficiary is not known yet (a showing or delisting before its listing). */
  awaiting: Set<string>;
  ledger: Ledger;
  risks: Map<string, Risk>;
  alerts: Alert[];
  notices: Notice[];
  rejected: RejectedEvent[];
  /** The latest instant the engine has been told about. */
  clock: Instant;
  counts: { accepted: number; duplicates: number; rejected: number };
  changes: Changes;
}

/**
 * `expectedEvents`: how many events the state will hold, roughly (a replay estimates it from its
 * file's size). Its columns get room for them at the start (string-table.ts says why): an id each,
 * and showings and settled obligations for half of them each (a simulated year has about a sixth).
 * Guessed low, the columns grow as they would without it; guessed high, the room costs address space.
 */
export function createState(options: { keepChanges: boolean; expectedEvents?: number | undefined }): EngineState {
  const expected = options.expectedEvents ?? 0;
  const half = Math.ceil(expected / 2);
  const seen = new IdIndex(expected);
  // What obligations are about (showings, deals, calls, complaints), numbered once: a Beijing
  // year's 6 million showing ids would otherwise be kept twice, as showings and as subjects.
  const subjects = new StringTable(half);
  return {
    seen,
    facts: createFacts(new ShowingColumns(subjects, half)),
    obligations: new Obligations(seen, subjects, half),
    deadlines: new DeadlineQueue(),
    claims: new Map(),
    claimsBySubject: new Map(),
    held: new Set(),
    awaiting: new Set(),
    ledger: createLedger(),
    risks: new Map(),
    alerts: [],
    notices: [],
    rejected: [],
    clock: Number.NEGATIVE_INFINITY,
    counts: { accepted: 0, duplicates: 0, rejected: 0 },
    changes: new Changes(options.keepChanges),
  };
}
