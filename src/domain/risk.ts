// Pre-signing risk: stop a risky deal before signing, and say why.
import type { RuleParamsOf } from "./catalogue/index.js";
import type { DealFacts, ListingFacts } from "./facts.js";
import { askingPriceAt } from "./facts.js";
import { formatInstant, msPerHour, type Instant } from "./time.js";

export const riskRules = ["price-deviation-48h", "funds-not-in-custody", "known-seizure"] as const;
export type RiskRule = (typeof riskRules)[number];
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
  /** The deal was signed although this risk said halt, and still said it at the signing. */
  signedDespiteHalt: boolean;
  /**
   * When the deal was signed, if it was: a halt whose deviating proposal had left the window by then
   * had lapsed (not signed despite it), but the deal was not stopped either.
   */
  signedAt: Instant | null;
}

const severity: Record<RiskDecision, number> = { pass: 0, warn: 1, halt: 2 };

/**
 * What stands against signing this deal at this instant, were it signed now: proposals of the
 * window's hours before it, and the price to sign at if given. Empty when nothing does. The event
 * path asks at each proposal, deposit, seizure and signing; the pre-signing check at the instant asked.
 */
export function assessDeal(
  deal: DealFacts,
  listing: ListingFacts | undefined,
  params: RuleParamsOf<"pre-signing-risk">,
  at: Instant,
  signingPriceFen?: number,
): RiskFinding[] {
  const findings: RiskFinding[] = [];
  const asking = listing === undefined ? null : askingPriceAt(listing, at);
  if (asking !== null) {
    const deviates = (priceFen: number) => Math.abs(priceFen - asking) * 100 > params.maxDeviationPercent * asking;
    const windowStart = at - params.windowHours * msPerHour;
    const proposal = deal.proposals.find((p) => p.at >= windowStart && p.at <= at && deviates(p.priceFen));
    // Says what was measured: a proposal at its time, or the price to sign at.
    const deviating = proposal !== undefined ? { priceFen: proposal.priceFen, what: `price ${proposal.priceFen} fen proposed at ${formatInstant(proposal.at)}` }
      : signingPriceFen !== undefined && deviates(signingPriceFen) ? { priceFen: signingPriceFen, what: `signing price ${signingPriceFen} fen` } : null;
    if (deviating !== null) {
      const percent = Math.round((Math.abs(deviating.priceFen - asking) * 100) / asking);
      findings.push({
        rule: "price-deviation-48h",
        decision: params.decisions["price-deviation-48h"],
        reason: `${deviating.what} is ${percent}% from the asking price ${asking} fen (limit ${params.maxDeviationPercent}%)`,
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
