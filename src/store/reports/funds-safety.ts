// The queries behind the funds-safety report.
import type { Kysely } from "kysely";
import { fundOfAccount, placeOfFund } from "../../domain/ledger.js";
import { fundsSafety, type RiskRow } from "../../domain/reports/funds-safety.js";
import type { Tables } from "../database.js";
import { recoveries, type ReportScope } from "./fulfilment.js";
import { dealsSignedAt, figuresOf } from "./scorecard.js";

/** The platform fund backs every scope; a brand's fund in a city, that city's and brand's. */
function fundInScope(fundId: string, scope: ReportScope): boolean {
  const place = placeOfFund(fundId);
  return place === "platform" || ((scope.city === undefined || place.city === scope.city) && (scope.brand === undefined || place.brand === scope.brand));
}

export async function fundsSafetyReport(db: Kysely<Tables>, scope: ReportScope) {
  let risks = db.selectFrom("risks").select(["deal_id", "rule", "decision", "body"]).where("detected_at", ">=", scope.from).where("detected_at", "<", scope.to);
  if (scope.city !== undefined) risks = risks.where("city", "=", scope.city);
  if (scope.brand !== undefined) risks = risks.where("brand", "=", scope.brand);
  const advancesPaid = async (within: ReportScope) => {
    let q = db.selectFrom("claims").select((eb) => [eb.fn.countAll<number>().as("count"), eb.fn.sum<number>("amount_fen").as("amount")])
      .where("kind", "=", "advance").where("status", "=", "paid").where("paid_at", ">=", within.from).where("paid_at", "<", within.to);
    if (within.city !== undefined) q = q.where("city", "=", within.city);
    if (within.brand !== undefined) q = q.where("brand", "=", within.brand);
    const row = await q.executeTakeFirstOrThrow();
    return { count: Number(row.count), amountFen: Number(row.amount ?? 0) };
  };
  // Outstanding at the end of the range, in scope: everything advanced there less everything recovered.
  const untilEnd = { ...scope, from: 0 };
  const balances = db.selectFrom("postings").innerJoin("entries", "entries.id", "postings.entry_id")
    .select((eb) => ["postings.account", eb.fn.sum<number>("postings.amount_fen").as("balance")])
    .where("postings.account", "like", "fund:%")
    .where("entries.at", "<", scope.to).groupBy("postings.account").orderBy("postings.account");
  const [figures, deals, riskRows, advanced, balanceRows, back, everAdvanced, everBack] = await Promise.all([
    figuresOf(db, scope, ["deposits_custody", "deposits_outside", "losses"]), dealsSignedAt(db, scope),
    risks.execute(), advancesPaid(scope), balances.execute(), recoveries(db, scope), advancesPaid(untilEnd), recoveries(db, untilEnd),
  ]);
  const sum = (rows: ReadonlyArray<{ amountFen: number }>) => rows.reduce((t, r) => t + r.amountFen, 0);
  return fundsSafety({
    figures,
    dealsSigned: deals.length,
    risks: riskRows.map((r): RiskRow => {
      const body = JSON.parse(r.body) as { signedDespiteHalt?: boolean; signedAt?: string | null };
      return { dealId: r.deal_id, rule: r.rule, decision: r.decision as RiskRow["decision"], signedDespiteHalt: body.signedDespiteHalt === true, signed: typeof body.signedAt === "string" };
    }),
    balances: balanceRows.map((b) => ({ account: b.account, balanceFen: Number(b.balance) }))
      .filter((b) => fundInScope(fundOfAccount(b.account)!, scope)),
    advancesPaid: advanced,
    recoveredFen: sum(back),
    outstandingFen: everAdvanced.amountFen - sum(everBack),
  });
}
