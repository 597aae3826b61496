// Writes what the engine changed into tables that queries read, in the caller's transaction.
import type { Transaction } from "kysely";
import type { Engine } from "../engine/engine.js";
import { claimView, obligationView, riskView } from "../engine/snapshot.js";
import { insertRows } from "./bulk.js";
import type { Tables } from "./database.js";

/** Writes the changed rows and forgets the changes; rejected events, alerts and notices leave memory once stored. */
export async function writeChanges(trx: Transaction<Tables>, engine: Engine): Promise<void> {
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
  const obligations = [...changes.obligations.values()];
  await insertRows(trx, obligations, (o) => ({
    id: o.id, commitment: o.commitment, city: o.city, brand: o.brand, subject_id: o.subjectId, responsible_id: o.responsibleId,
    beneficiary_id: o.beneficiaryId, due_at: o.dueAt, status: o.progress.status, body: JSON.stringify(obligationView(o)), stage: o.stage,
  }), (rows) => trx.insertInto("obligations").values(rows).onConflict((oc) => oc.column("id").doUpdateSet((eb) => ({
    status: eb.ref("excluded.status"), body: eb.ref("excluded.body"), stage: eb.ref("excluded.stage"),
  }))));
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
    event_id: r.id, type: r.type, code: r.code, message: r.message, field: r.field, received_at: r.rejectedAt, input: JSON.stringify(r.input).slice(0, 20_000),
  }), (rows) => trx.insertInto("rejected").values(rows));
  forgetChanges(engine);
}

/**
 * Forgets changes without writing them: what catching up with the log changes was written by
 * whoever appended those log rows, in the same transaction.
 */
export function forgetChanges(engine: Engine): void {
  const state = engine.state;
  state.changes.claims.clear();
  state.changes.obligations.clear();
  state.changes.risks.clear();
  state.changes.entriesFrom = state.ledger.entries.length;
  state.alerts.length = 0;
  state.notices.length = 0;
  state.rejected.length = 0;
}
