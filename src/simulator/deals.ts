// A listing that sells: proposals, deposit, signing, commission, then failure or handover, and
// the rare incidents of the commitments (arrears, seizure, leak, wasted trip, spread, loss,
// the seller's lease, a complaint), at the rates of rates.ts.
import { businessDate, msPerDay, msPerHour, msPerMinute, type Instant } from "../domain/time.js";
import type { Random } from "./random.js";
import * as rate from "./rates.js";
import type { Schedule } from "./schedule.js";
import { remark, type Reason } from "./texts.js";

export interface Sale {
  dealId: string;
  listingId: string;
  askingPriceFen: number;
  buyerId: string;
  sellerId: string;
  signAt: Instant;
  /** Seller leases per deal, so that the published count of waivers comes out at scale. */
  sellerLeaseShare: number;
}

const fen = (value: number) => Math.max(1, Math.round(value));

/**
 * A sale from its proposals on. "stopped": a price far from the asking one was proposed, the
 * pre-signing check said halt, and the brokerage heeded it: nothing was deposited or signed.
 */
export function simulateSale(sale: Sale, random: Random, schedule: Schedule): "signed" | "stopped" {
  const { dealId, listingId, signAt } = sale;
  const deviating = random.chance(rate.deviatingProposalShare);
  const factor = deviating ? (random.chance(0.5) ? 1.25 + 0.15 * random.float() : 0.7 + 0.08 * random.float()) : 0.93 + 0.06 * random.float();
  const priceFen = fen(sale.askingPriceFen * factor);
  for (let i = random.int(1, 2); i > 0; i--) {
    schedule.add(signAt - random.int(2, 46) * msPerHour, "deal.price_proposed", { dealId, listingId, priceFen });
  }
  if (deviating && random.chance(rate.haltHeededShare)) return "stopped";
  const depositFen = fen(priceFen * 0.2);
  const custody = random.chance(rate.custodyShare);
  schedule.add(signAt - msPerHour, "funds.deposited", { dealId, amountFen: depositFen, custody });
  const commissionFen = fen(priceFen * rate.commissionRate);
  schedule.add(signAt, "deal.signed", { dealId, listingId, buyerId: sale.buyerId, sellerId: sale.sellerId, priceFen, commissionFen });
  schedule.add(signAt + 10 * msPerMinute, "deal.commission_paid", { dealId, payerId: sale.buyerId, amountFen: commissionFen });
  if (random.chance(rate.seizureShare)) {
    schedule.add(signAt + random.int(1, 20) * msPerDay, "seizure.found", { dealId, seizedOn: businessDate(signAt - random.int(10, 200) * msPerDay), lossFen: fen(priceFen * 0.05) });
  }
  if (random.chance(rate.lossShare)) schedule.add(signAt + random.int(5, 30) * msPerDay, "funds.loss_confirmed", { dealId, amountFen: depositFen, caseId: `${dealId}-case` });
  if (random.chance(rate.tripWastedShare)) {
    schedule.add(signAt + random.int(10, 30) * msPerDay, "transfer.trip_wasted", { dealId, partyId: random.chance(0.5) ? sale.buyerId : sale.sellerId, costFen: random.int(50, 300) * 100 });
  }
  if (random.chance(rate.spreadShare)) schedule.add(signAt + random.int(20, 200) * msPerDay, "price_spread.found", { dealId, partyId: sale.sellerId, amountFen: fen(priceFen * 0.01) });
  if (random.chance(rate.complaintRate)) complain(random, schedule, sale.buyerId, signAt + random.int(1, 60) * msPerDay);
  if (random.chance(rate.dealReviewShare)) {
    const praise = random.chance(rate.praiseRate);
    schedule.add(signAt + random.int(1, 10) * msPerDay, "review.submitted", { reviewId: `${dealId}-review`, authorId: sale.buyerId, stage: "deal", rating: praise ? random.int(4, 5) : random.int(1, 3), text: remark(random, { negative: !praise, author: "buyer" }), dealId });
  }
  if (random.chance(rate.failureShare)) {
    schedule.add(signAt + random.int(5, 40) * msPerDay, "deal.failed", { dealId, reason: random.pick(["loan_rejected", "loan_rejected", "buyer_withdrew", "title_issue"]) });
    return "signed";
  }
  const handoverAt = signAt + random.int(30, 90) * msPerDay;
  schedule.add(handoverAt, "deal.handover_completed", { dealId });
  schedule.add(handoverAt + msPerHour, "funds.released", { dealId, amountFen: depositFen });
  if (random.chance(rate.arrearsShare)) {
    const arrearsFen = random.int(500, 20_000) * 100;
    const foundAt = handoverAt + random.int(3, 60) * msPerDay;
    schedule.add(foundAt, "property_fee.arrears_found", { dealId, amountFen: arrearsFen });
    if (random.chance(rate.arrearsRecoveredShare)) schedule.add(foundAt + random.int(30, 90) * msPerDay, "property_fee.recovered", { dealId, amountFen: arrearsFen });
  }
  if (random.chance(rate.leakShare)) {
    schedule.add(handoverAt + random.int(5, 120) * msPerDay, "leak.reported", { dealId, disclosedBeforeSigning: !random.chance(rate.leakUndisclosedShare), lossFen: random.int(2_000, 30_000) * 100 });
  }
  if (random.chance(sale.sellerLeaseShare)) {
    const commission = Math.max(100_000, Math.round(rate.sellerLeaseCommissionFen + 150_000 * random.normal()));
    schedule.add(signAt + random.int(1, 30) * msPerDay, "lease.signed", { leaseId: `${dealId}-lease`, tenantId: sale.sellerId, use: "residential", commissionFen: commission });
  }
  return "signed";
}

const complaintCategories = ["attitude", "feedback", "price", "process", "other"] as const;
/** What a complaint's text says, by its category; "other" says any of them. */
const reasonOf: Record<(typeof complaintCategories)[number], Reason | undefined> = { attitude: "attitude", feedback: "no_feedback", price: "price", process: "slow_response", other: undefined };

/** A complaint handled to the 30124 standard: answered in 30 min, solution in 12 h, mostly closed in 24 h. */
export function complain(random: Random, schedule: Schedule, consumerId: string, filedAt: Instant): void {
  const complaintId = `CP-${consumerId}-${filedAt}`;
  const category = random.pick(complaintCategories);
  schedule.add(filedAt, "complaint.filed", { complaintId, consumerId, category, text: remark(random, { negative: true, author: "buyer", reason: reasonOf[category] }) });
  schedule.add(filedAt + random.int(1, 29) * msPerMinute, "complaint.responded", { complaintId });
  schedule.add(filedAt + random.int(31, 11 * 60) * msPerMinute, "complaint.solution_proposed", { complaintId, text: "已与经纪人沟通并给出处理方案" });
  const closedAt = filedAt + (random.chance(rate.closedWithin24h) ? random.int(12 * 60, 23 * 60) : random.int(25 * 60, 72 * 60)) * msPerMinute;
  const satisfaction = random.chance(rate.satisfiedShare) ? random.int(4, 5) : random.int(1, 3);
  schedule.add(closedAt, "complaint.closed", { complaintId, satisfaction });
}
