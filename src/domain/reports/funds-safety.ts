// Funds safety (domain.md, "Funds safety"): the custody rate, risky deals stopped by rule, loss
// events and the loss rate, fund balances, and advances outstanding and recovered.
import type { FigureRow } from "./scorecard.js";

export interface RiskRow {
  dealId: string;
  rule: string;
  decision: "pass" | "warn" | "halt";
  signedDespiteHalt: boolean;
  /** The deal was signed after the risk was found (over the halt, or after it lapsed). */
  signed: boolean;
}

export interface FundsSafety {
  deposits: { count: number; amountFen: number; custodyCount: number; custodyFen: number };
  /** Share of deposited deal funds (by amount) that went into the supervised account; null without deposits. */
  custodyRate: number | null;
  /** Deals a halt stopped (never signed after it), by rule; a deal with two halting rules counts once in the total. */
  stopped: { deals: number; byRule: Record<string, number> };
  warned: number;
  signedDespiteHalt: number;
  dealsSigned: number;
  losses: { count: number; amountFen: number };
  /** Loss events per deal signed; null without deals. */
  lossRate: number | null;
  funds: Array<{ fundId: string; balanceFen: number }>;
  advances: { paidCount: number; paidFen: number; recoveredFen: number; outstandingFen: number };
}

export interface FundsSafetyInput {
  figures: readonly FigureRow[];
  /** Deals signed in the range, each once. */
  dealsSigned: number;
  risks: readonly RiskRow[];
  /** Balances of every account at the end of the range. */
  balances: ReadonlyArray<{ account: string; balanceFen: number }>;
  advancesPaid: { count: number; amountFen: number };
  recoveredFen: number;
  /** Advanced and not yet recovered at the end of the range. */
  outstandingFen: number;
}

export function fundsSafety(input: FundsSafetyInput): FundsSafety {
  const sum = (figure: FigureRow["figure"]) => input.figures.filter((f) => f.figure === figure).reduce((t, f) => ({ count: t.count + f.count, total: t.total + f.total }), { count: 0, total: 0 });
  const custody = sum("deposits_custody");
  const outside = sum("deposits_outside");
  const deals = input.dealsSigned;
  const losses = sum("losses");
  const amountFen = custody.total + outside.total;

  const signedDeals = new Set<string>();
  const signedDespite = new Set<string>();
  const warnedDeals = new Set<string>();
  for (const risk of input.risks) {
    if (risk.decision === "warn") warnedDeals.add(risk.dealId);
    if (risk.decision !== "halt") continue;
    if (risk.signedDespiteHalt) signedDespite.add(risk.dealId);
    if (risk.signed || risk.signedDespiteHalt) signedDeals.add(risk.dealId);
  }
  // A halt stopped its deal only if the deal was never signed: over the halt, or after it lapsed.
  const stoppedDeals = new Set<string>();
  const byRule: Record<string, number> = {};
  for (const risk of input.risks) {
    if (risk.decision !== "halt" || signedDeals.has(risk.dealId)) continue;
    stoppedDeals.add(risk.dealId);
    byRule[risk.rule] = (byRule[risk.rule] ?? 0) + 1;
  }

  return {
    deposits: { count: custody.count + outside.count, amountFen, custodyCount: custody.count, custodyFen: custody.total },
    custodyRate: amountFen === 0 ? null : custody.total / amountFen,
    stopped: { deals: stoppedDeals.size, byRule },
    warned: warnedDeals.size,
    signedDespiteHalt: signedDespite.size,
    dealsSigned: deals,
    losses: { count: losses.count, amountFen: losses.total },
    lossRate: deals === 0 ? null : losses.count / deals,
    funds: input.balances.filter((b) => b.account.startsWith("fund:")).map((b) => ({ fundId: b.account.slice("fund:".length), balanceFen: b.balanceFen })),
    advances: {
      paidCount: input.advancesPaid.count, paidFen: input.advancesPaid.amountFen, recoveredFen: input.recoveredFen,
      outstandingFen: input.outstandingFen,
    },
  };
}
