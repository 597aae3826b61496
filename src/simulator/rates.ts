// The rates the simulator draws from, each chosen so that a published figure of domain.md comes
// out at its scale. docs/simulation.md lists them with their sources.

/** Listings covered in a year at scale 1.0 ("Beijing 2025: 300,000+ listings"); other cities by assumption. */
export const listingsPerYear: Record<string, number> = {
  beijing: 300_000, shanghai: 260_000, chengdu: 150_000, wuhan: 130_000, shenzhen: 120_000, hangzhou: 110_000,
  tianjin: 90_000, suzhou: 80_000, xian: 80_000, changsha: 70_000, zhengzhou: 70_000, dongguan: 50_000,
  jinan: 45_000, shenyang: 45_000, dalian: 35_000, kunming: 35_000,
};
/** Agents at scale 1.0 ("16,000 agents" in Beijing), in proportion to listings elsewhere. */
export const agentsPerListingYear = 16_000 / 300_000;
export const agentsPerStore = 12;
/** Asking prices relative to Beijing's (the only city with listing data): an assumption, stated. */
export const priceFactor: Record<string, number> = { beijing: 1, shanghai: 1, shenzhen: 1.05, hangzhou: 0.6, suzhou: 0.45, tianjin: 0.45, wuhan: 0.35, chengdu: 0.3, xian: 0.3, changsha: 0.25 };
export const defaultPriceFactor = 0.3;

// Listing life
export const dealShare = 0.3; // a listing ends in a deal; otherwise it is taken down
export const delistWithoutConsentPerYear = 14; // "delisting 14 payouts" (Beijing)
export const replacementRequestsPerYear = 562; // "maintainer replaced 562 times" (Beijing)
export const replacedWithinThreeDays = 0.98;
export const priceChangePerListing = 0.5;
export const promotionsPerListingMonth = 1;
export const progressReportEveryDays = 7; // "sales progress reported to the owner weekly"
export const viewsPerFollower = 0.75; // "460 views, community average 15" per 30 days
export const maintenanceDamagePerListing = 0.0005;

// Showings
export const feedbackInTime = 0.999; // "feedback kept in time for ~99.9% of showings"
export const feedbackLateShare = 0.5; // of the rest: late; the others never sent
export const showingReviewShare = 0.05;
export const praiseRate = 0.956; // "praise rate after the 48-hour feedback standard: 95.6%"
export const dealReviewShare = 0.3; // of deals, by the buyer

// Consent and calls
export const buyerConsentShare = 0.7;
export const returningBuyerShare = 0.3; // of showings, a buyer seen before
export const returningBuyerPool = 2_000; // the buyers seen before, the latest kept
export const consentMinutesBeforeCall = 10;
export const marketingCallPerShowing = 0.05;
export const callWithoutConsentShare = 0.002;
export const reportedShare = 0.3;
export const consentRevokedShare = 0.02;

// Deals
export const commissionRate = 0.022;
// "16,000 risky deals stopped" of ~1.6 million: a deviating proposal halts the deal, and most are
// stopped; the rest are signed despite the halt, and recorded so.
export const deviatingProposalShare = 0.011;
export const haltHeededShare = 0.9;
export const backOnMarketDays = { from: 7, to: 30 }; // a listing whose sale was stopped
export const signingDaysAfterListingEnds = 2; // negotiated from then: a proposal falls up to 46 h before the signing
export const custodyShare = 0.972; // "funds-custody rate 97.2%"
export const failureShare = 0.03;
export const lossShare = 0.00006; // "96 actual loss events, a rate of 0.006%"
export const arrearsShare = 0.005;
export const arrearsRecoveredShare = 0.7;
export const seizureShare = 0.0003;
export const leakShare = 0.004;
export const leakUndisclosedShare = 0.6;
export const tripWastedShare = 0.003;
export const spreadShare = 0.00005;
export const sellerLeasePerYear = 1_845; // "rental commission waived on 1,845 orders, 10,772,800 CNY"
export const sellerLeaseCommissionFen = 583_900; // 10,772,800 CNY / 1,845
export const otherLeasesPerSellerLease = 3;
export const residentialLeaseShare = 0.9;
export const complaintRate = 0.0182; // "complaint rate 1.82%" of deals
export const closedWithin24h = 0.942; // "94.2% closed in 24 h"
export const satisfiedShare = 0.91; // "complaint-handling satisfaction 91%"

// Owners' words
export const ownerMessagePerListingMonth = 0.08;
export const ownerMessageNegativeShare = 0.2;
export const fewShowingsPerDay = 0.1; // a listing seen less often than this…
export const fewShowingsReasonShare = 0.5; // …gives "few showings" as its reason this often
