// Pre-signing risk: stop a risky deal before signing, and say why.
import type { RuleParamsOf } from "./catalogue/index.js";
import type { DealFacts, ListingFacts } from "./facts.js";
import { askingPriceAt } from "./facts.js";
import { msPerHour, type Instant } from "./time.js";

export type RiskRule = "price-deviation-48h" | "funds-not-in-custody" | "known-seizure";
export type RiskDecision = "halt" | "warn" | "pass";

export interface RiskFinding {
  rule: RiskRule;
  decision: RiskDecision;
  reason: string;
}

export interface Risk extends RiskFinding {
  dealId: string;
  city: string;
  brand: string;
  versionKey: string;
  detectedAt: Instant;
  eventId: string;
  /** The deal was signed although this risk said halt. */
  signedDespiteHalt: boolean;
}

const severity: Record<RiskDecision, number> = { pass: 0, warn: 1, halt: 2 };

/** What stands against signing this deal at this instant; empty when nothing does. */
export function assessDeal(
  deal: DealFacts,
  listing: ListingFacts | undefined,
  params: RuleParamsOf<"pre-signing-risk">,
  at: Instant,
  extraPriceFen?: number,
): RiskFinding[] {
  const findings: RiskFinding[] = [];
  const asking = listing === undefined ? null : askingPriceAt(listing, at);
  const windowStart = at - params.windowHours * msPerHour;
  const prices = deal.proposals.filter((p) => p.at >= windowStart && p.at <= at).map((p) => p.priceFen);
  if (extraPriceFen !== undefined) prices.push(extraPriceFen);
  if (asking !== null) {
    const deviating = prices.find((price) => Math.abs(price - asking) * 100 > params.maxDeviationPercent * asking);
    if (deviating !== undefined) {
      const percent = Math.round((Math.abs(deviating - asking) * 100) / asking);
      findings.push({
        rule: "price-deviation-48h",
        decision: params.decisions["price-deviation-48h"],
        reason: `price ${deviating} fen is ${percent}% from the asking price ${asking} fen within ${params.windowHours} h of signing (limit ${params.maxDeviationPercent}%)`,
      });
    }
  }
  const outside = deal.deposits.filter((d) => !d.custody && d.at <= at);
  if (outside.length > 0) {
    const fen = outside.reduce((sum, d) => sum + d.amountFen, 0);
    findings.push({ rule: "funds-not-in-custody", decision: params.decisions["funds-not-in-custody"], reason: `${fen} fen deposited outside the supervised account` });
  }
  const seizure = deal.seizures.find((s) => s.at <= at);
  if (seizure !== undefined) {
    findings.push({ rule: "known-seizure", decision: params.decisions["known-seizure"], reason: "a court seizure of the property is known" });
  }
  return findings.filter((f) => f.decision !== "pass");
}

export function overallDecision(findings: readonly RiskFinding[]): RiskDecision {
  let decision: RiskDecision = "pass";
  for (const finding of findings) if (severity[finding.decision] > severity[decision]) decision = finding.decision;
  return decision;
}
