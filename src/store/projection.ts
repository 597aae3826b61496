// Writes what the engine changed into tables that queries read, in the caller's transaction.
import type { Transaction } from "kysely";
import type { Engine } from "../engine/engine.js";
import type { RejectedEvent } from "../engine/state.js";
import type { Obligation, ObligationProgress, ObligationStatus } from "../domain/obligations.js";
import { flawOf } from "../domain/events/accept.js";
import { notSlug } from "../domain/events/schema.js";
import { claimView, riskView } from "../engine/snapshot.js";
import { insertRows, partition } from "./bulk.js";
import type { ObligationTable, Tables } from "./database.js";

/** Writes the changed rows and forgets the changes; rejected events, alerts and notices leave memory once stored. */
export async function writeChanges(trx: Transaction<Tables>, engine: Engine, how: { newRows: boolean } = { newRows: true }): Promise<void> {
  const state = engine.state;
  const changes = state.changes;
  const claims = [...changes.claims].map((id) => state.claims.get(id)!);
  await insertRows(trx, claims, (c) => ({
    id: c.id, commitment: c.commitment, version: c.versionKey, city: c.city, brand: c.brand, beneficiary_id: c.beneficiaryId,
    kind: c.kind, amount_fen: c.amountFen, fund: c.fundId, status: c.progress.status, opened_at: c.openedAt,
    breach_at: c.breachAt, paid_at: c.progress.status === "paid" ? c.progress.paidAt : null, body: JSON.stringify(claimView(c)),
  }), (rows) => trx.insertInto("claims").values(rows).onConflict((oc) => oc.column("id").doUpdateSet((eb) => ({
    beneficiary_id: eb.ref("excluded.beneficiary_id"), status: eb.ref("excluded.status"), body: eb.ref("excluded.body"),
    breach_at: eb.ref("excluded.breach_at"), paid_at: eb.ref("excluded.paid_at"),
  }))));
  // Those opened since the last write are new rows (on PostgreSQL a plain insert goes as COPY); the rest update theirs.
  const [opened, changed] = partition(changes.obligations.values(), (o) => how.newRows && changes.opened.has(o.id));
  await insertRows(trx, opened, obligationRow, (rows) => trx.insertInto("obligations").values(rows));
  await insertRows(trx, changed, obligationRow, (rows) => trx.insertInto("obligations").values(rows)
    .onConflict((oc) => oc.column("id").doUpdateSet((eb) => Object.fromEntries(obligationUpdates.map((c) => [c, eb.ref(`excluded.${c}`)])))));
  const risks = [...changes.risks].map((key) => [key, state.risks.get(key)!] as const);
  await insertRows(trx, risks, ([key, r]) => ({
    key, deal_id: r.dealId, rule: r.rule, decision: r.decision, city: r.city, brand: r.brand, body: JSON.stringify(riskView(r)), detected_at: r.detectedAt,
  }), (rows) => trx.insertInto("risks").values(rows).onConflict((oc) => oc.column("key").doUpdateSet((eb) => ({
    body: eb.ref("excluded.body"), decision: eb.ref("excluded.decision"), detected_at: eb.ref("excluded.detected_at"),
  }))));
  const entries = state.ledger.entries.slice(changes.entriesFrom);
  await insertRows(trx, entries, (e) => ({
    id: e.id, at: e.at, purpose: e.purpose, claim_id: e.claimId, version_key: e.versionKey, caused_by: JSON.stringify(e.causedBy),
  }), (rows) => trx.insertInto("entries").values(rows));
  await insertRows(trx, entries.flatMap((e) => e.postings.map((p, line) => ({ entry_id: e.id, line, account: p.account, amount_fen: p.amountFen }))), (row) => row,
    (rows) => trx.insertInto("postings").values(rows));
  await insertRows(trx, state.alerts, (a) => ({ kind: a.kind, at: a.at, claim_id: a.claimId, obligation_id: a.obligationId, deal_id: a.dealId, message: a.message }),
    (rows) => trx.insertInto("alerts").values(rows));
  await insertRows(trx, state.rejected, (r) => ({
    event_id: storable(r.id), type: storable(r.type), code: r.code, message: storable(r.message), field: storable(r.field), received_at: r.rejectedAt,
    input: storable(keptInput(r.input)), sender: r.sender, ...placeOfRejected(r),
  }), (rows) => trx.insertInto("rejected").values(rows));
  forgetChanges(engine);
}

/** How much of a rejected input's JSON is kept. */
const maxKeptInput = 20_000;

/**
 * A rejected input as JSON. A longer one is kept as a JSON string of its first characters, so that
 * it still reads back as JSON (cut in the middle it did not, and listing the rejected inputs failed
 * from then on). An empty body arrives as no input at all, which JSON has no text for.
 */
function keptInput(input: unknown): string {
  const json = JSON.stringify(input) ?? "null";
  return json.length <= maxKeptInput ? json : JSON.stringify(json.slice(0, maxKeptInput));
}

/**
 * The brand and city a rejection is filed under, for their readers: the input's, unless it was
 * refused for naming a brand or city outside its sender's scope (any sender could file rows there).
 */
function placeOfRejected(r: RejectedEvent): { brand: string | null; city: string | null } {
  if (r.code === "out_of_scope" && (r.field === "brand" || r.field === "city")) return { brand: null, city: null };
  return { brand: slugIn(r.input, "brand"), city: slugIn(r.input, "city") };
}

/** The input's brand or city, if it names one a scope could hold. */
function slugIn(input: unknown, field: "brand" | "city"): string | null {
  const value = typeof input === "object" && input !== null ? (input as Record<string, unknown>)[field] : undefined;
  return typeof value === "string" && notSlug(field, value) === null ? value : null;
}

/**
 * Whether a write failed because a row taken for new (an obligation `opened`, a showing in
 * `changes.showings`) was in the store: written by an engine that replays the log otherwise.
 */
export function isNewRowConflict(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return (code === "23505" || code === "SQLITE_CONSTRAINT_PRIMARYKEY")
    && /"(obligations|showings)_pkey"|: (obligations\.id|showings\.showing_id)$/.test(String(message));
}

/**
 * A rejected input's texts as a store can keep them: U+0000 and unpaired surrogates (flawOf) as
 * U+FFFD. (Such input is rejected, and it is still kept; JSON, as the input is kept, writes them
 * escaped, but its first 20,000 characters may end between the two halves of a pair.)
 */
function storable<T extends string | null>(text: T): T {
  return (text === null || flawOf(text) === null ? text : text.replaceAll("\0", "\uFFFD").toWellFormed()) as T;
}

type ObligationRow = Omit<ObligationTable, "warned_at">;

/**
 * What a later write of an obligation changes: its progress, and what a re-projection fills in rows
 * written before these columns (0006). Not the columns of its indexes, which never change: SQLite
 * rewrites every index whose columns an update names (a sweep took 1.2× the time naming them all).
 */
const obligationUpdates = ["status", "fulfilled_at", "fulfilled_by", "after_breach", "breached_at", "claim_id", "stage", "version", "opened_at", "caused_by"] as const satisfies ReadonlyArray<keyof ObligationRow>;

/** An obligation as its row: every field of its view, in columns. */
function obligationRow(o: Obligation): ObligationRow {
  const p = o.progress;
  return {
    id: o.id, commitment: o.commitment, version: o.versionKey, city: o.city, brand: o.brand, subject_id: o.subjectId, stage: o.stage,
    responsible_id: o.responsibleId, beneficiary_id: o.beneficiaryId, opened_at: o.openedAt, due_at: o.dueAt, caused_by: JSON.stringify(o.causedBy),
    status: p.status,
    fulfilled_at: p.status === "fulfilled" ? p.fulfilledAt : null,
    fulfilled_by: p.status === "fulfilled" ? p.byEventId : null,
    after_breach: p.status === "fulfilled" ? Number(p.afterBreach) : null,
    breached_at: p.status === "breached" ? p.breachedAt : null,
    claim_id: p.status === "breached" ? p.claimId : null,
  };
}

/** The obligation a row holds, for its view (snapshot.ts): the inverse of obligationRow. */
export function obligationOfRow(row: ObligationRow): Obligation {
  const status = row.status as ObligationStatus;
  const progress: ObligationProgress = status === "open" ? { status }
    : status === "fulfilled" ? { status, fulfilledAt: Number(row.fulfilled_at), byEventId: row.fulfilled_by!, afterBreach: Number(row.after_breach) === 1 }
    : { status, breachedAt: Number(row.breached_at), claimId: row.claim_id };
  return {
    id: row.id, commitment: row.commitment, versionKey: row.version, city: row.city, brand: row.brand, subjectId: row.subject_id, stage: row.stage,
    beneficiaryId: row.beneficiary_id, responsibleId: row.responsible_id, openedAt: Number(row.opened_at), dueAt: Number(row.due_at),
    causedBy: JSON.parse(row.caused_by) as string[], progress,
  };
}

/**
 * Forgets changes without writing them: what catching up with the log changes was written by
 * whoever appended those log rows, in the same transaction.
 */
export function forgetChanges(engine: Engine): void {
  const state = engine.state;
  state.changes.claims.clear();
  state.changes.obligations.clear();
  state.changes.opened.clear();
  state.changes.showings.clear();
  state.changes.risks.clear();
  state.changes.entriesFrom = state.ledger.entries.length;
  state.alerts.length = 0;
  state.notices.length = 0;
  state.rejected.length = 0;
}
