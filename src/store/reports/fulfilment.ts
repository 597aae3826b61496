// The queries behind the reports: paid claims, confirmed breaches and recoveries in a period.
import { sql, type Kysely } from "kysely";
import type { RemedyKind } from "../../domain/claims.js";
import { commitmentRates, fulfilmentRows, type ConfirmedBreach, type Period, type Recovery, type SettledClaim } from "../../domain/reports/fulfilment.js";
import type { Tables } from "../database.js";

export interface ReportScope {
  from: number;
  to: number;
  city?: string;
  brand?: string;
  commitment?: string;
}

function scoped<Q extends { where: (...args: any[]) => Q }>(query: Q, scope: ReportScope): Q {
  let q = query;
  if (scope.city !== undefined) q = q.where("claims.city", "=", scope.city);
  if (scope.brand !== undefined) q = q.where("claims.brand", "=", scope.brand);
  if (scope.commitment !== undefined) q = q.where("claims.commitment", "=", scope.commitment);
  return q;
}

export async function paidClaims(db: Kysely<Tables>, scope: ReportScope): Promise<SettledClaim[]> {
  const rows = await scoped(db.selectFrom("claims").select(["commitment", "city", "brand", "kind", "amount_fen", "breach_at", "paid_at"])
    .where("status", "=", "paid").where("paid_at", ">=", scope.from).where("paid_at", "<", scope.to), scope).execute();
  return rows.map((r) => ({ commitment: r.commitment, city: r.city, brand: r.brand, kind: r.kind as RemedyKind, amountFen: Number(r.amount_fen), breachAt: Number(r.breach_at), paidAt: Number(r.paid_at) }));
}

/** Marketing calls are claimed on a call recorded or on a consumer's report; its published rate is over the reports. */
export const marketingCallCommitment = "no-marketing-calls";
const reportIdsPerQuery = 500;

export async function confirmedBreaches(db: Kysely<Tables>, scope: ReportScope): Promise<ConfirmedBreach[]> {
  // Only a marketing call's claim is read whole, for the events that caused it.
  const body = sql<string | null>`case when claims.commitment = ${marketingCallCommitment} then claims.body end`.as("body");
  const rows = await scoped(db.selectFrom("claims").select(["commitment", "breach_at", "paid_at", body])
    .where("status", "not in", ["rejected", "voided"]).where("breach_at", ">=", scope.from).where("breach_at", "<", scope.to), scope).execute();
  const causes = rows.map((r) => (r.commitment === marketingCallCommitment ? (JSON.parse(r.body!) as { causedBy: string[] }).causedBy : []));
  const reports = await reportEvents(db, causes.flat());
  return rows.map((r, i) => ({
    commitment: r.commitment, breachAt: Number(r.breach_at), paidAt: r.paid_at === null ? null : Number(r.paid_at),
    reported: r.commitment === marketingCallCommitment ? causes[i]!.some((id) => reports.has(id)) : null,
  }));
}

/** Of these event ids, those of a consumer's call.reported. */
async function reportEvents(db: Kysely<Tables>, eventIds: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < eventIds.length; i += reportIdsPerQuery) {
    const rows = await db.selectFrom("log").select("event_id").where("type", "=", "call.reported").where("event_id", "in", eventIds.slice(i, i + reportIdsPerQuery)).execute();
    for (const r of rows) if (r.event_id !== null) found.add(r.event_id);
  }
  return found;
}

/** Money recovered on advances: what came back into a fund, by the advance's commitment. */
export async function recoveries(db: Kysely<Tables>, scope: ReportScope): Promise<Recovery[]> {
  const rows = await scoped(db.selectFrom("entries").innerJoin("claims", "claims.id", "entries.claim_id").innerJoin("postings", "postings.entry_id", "entries.id")
    .select(["claims.commitment", "postings.amount_fen", "entries.at"])
    .where("entries.purpose", "=", "recovery").where("postings.account", "like", "fund:%").where("entries.at", ">=", scope.from).where("entries.at", "<", scope.to), scope).execute();
  return rows.map((r) => ({ commitment: r.commitment, amountFen: Number(r.amount_fen), at: Number(r.at) }));
}

/** The whole fulfilment report for a scope: rows by period and commitment, rates, and totals. */
export async function fulfilmentReport(db: Kysely<Tables>, scope: ReportScope, period: Period) {
  const [paid, back, confirmed] = await Promise.all([paidClaims(db, scope), recoveries(db, scope), confirmedBreaches(db, scope)]);
  const rows = fulfilmentRows(paid, back, { period, range: scope, commitment: scope.commitment });
  return {
    rows,
    rates: commitmentRates(confirmed),
    total: { count: rows.reduce((n, r) => n + r.count, 0), amountFen: rows.reduce((n, r) => n + r.amountFen, 0) },
  };
}
