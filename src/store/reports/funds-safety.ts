// The queries behind the funds-safety report.
import type { Kysely } from "kysely";
import { fundsSafety, type RiskRow } from "../../domain/reports/funds-safety.js";
import type { Tables } from "../database.js";
import { recoveries, type ReportScope } from "./fulfilment.js";
import { figuresOf } from "./scorecard.js";

/** Funds are "platform" (national) or "brand:city"; the platform fund backs every scope. */
function fundInScope(fundId: string, scope: ReportScope): boolean {
  if (fundId === "platform") return true;
  const [brand, city] = fundId.split(":");
  return (scope.city === undefined || city === scope.city) && (scope.brand === undefined || brand === scope.brand);
}

export async function fundsSafetyReport(db: Kysely<Tables>, scope: ReportScope) {
  let risks = db.selectFrom("risks").select(["deal_id", "rule", "decision", "body"]).where("detected_at", ">=", scope.from).where("detected_at", "<", scope.to);
  if (scope.city !== undefined) risks = risks.where("city", "=", scope.city);
  if (scope.brand !== undefined) risks = risks.where("brand", "=", scope.brand);
  let advances = db.selectFrom("claims").select((eb) => [eb.fn.countAll<number>().as("count"), eb.fn.sum<number>("amount_fen").as("amount")])
    .where("kind", "=", "advance").where("status", "=", "paid").where("paid_at", ">=", scope.from).where("paid_at", "<", scope.to);
  if (scope.city !== undefined) advances = advances.where("city", "=", scope.city);
  if (scope.brand !== undefined) advances = advances.where("brand", "=", scope.brand);
  const balances = db.selectFrom("postings").innerJoin("entries", "entries.id", "postings.entry_id")
    .select((eb) => ["postings.account", eb.fn.sum<number>("postings.amount_fen").as("balance")])
    .where((eb) => eb.or([eb("postings.account", "like", "fund:%"), eb("postings.account", "like", "receivable:%")]))
    .where("entries.at", "<", scope.to).groupBy("postings.account").orderBy("postings.account");
  const [figures, riskRows, advanced, balanceRows, back] = await Promise.all([
    figuresOf(db, scope, ["deposits_custody", "deposits_outside", "deals_signed", "losses"]),
    risks.execute(), advances.executeTakeFirstOrThrow(), balances.execute(), recoveries(db, scope),
  ]);
  return fundsSafety({
    figures,
    risks: riskRows.map((r): RiskRow => ({
      dealId: r.deal_id, rule: r.rule, decision: r.decision as RiskRow["decision"],
      signedDespiteHalt: (JSON.parse(r.body) as { signedDespiteHalt?: boolean }).signedDespiteHalt === true,
    })),
    balances: balanceRows.map((b) => ({ account: b.account, balanceFen: Number(b.balance) }))
      .filter((b) => fundInScope(b.account.slice(b.account.indexOf(":") + 1), scope)),
    advancesPaid: { count: Number(advanced.count), amountFen: Number(advanced.amount ?? 0) },
    recoveredFen: back.reduce((t, r) => t + r.amountFen, 0),
  });
}
