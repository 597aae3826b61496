// A city over a number of days: listings resampled from the real data, the agents who maintain
// them, showings and feedback, follows and views, consents and calls, owners' words, and sales.
import { notSlug } from "../domain/events/schema.js";
import { lastYear, msPerDay, msPerHour, msPerMinute, startOfBusinessDate, type Instant } from "../domain/time.js";
import { consentedAt, newBuyer, recordConsent, type Buyer } from "./buyers.js";
import { simulateSale } from "./deals.js";
import type { ListingSeed } from "./listings-data.js";
import { Random } from "./random.js";
import * as rate from "./rates.js";
import { Schedule, type SimEvent } from "./schedule.js";
import { reasons, remark, type Reason } from "./texts.js";

export interface SimulationOptions {
  city: string;
  brand: string;
  days: number;
  seed: number;
  scale: number;
  /** First simulated day, YYYY-MM-DD (business time). */
  start: string;
}

interface Listing {
  id: string;
  ownerId: string;
  agentId: string;
  seed: ListingSeed;
  askingPriceFen: number;
  publishedDay: number;
  endDay: number;
  showingsPerDay: number;
  followsPerDay: number;
  replacementDay: number | null;
  /** A new maintainer, who does the listing's work from the change on (agentAt). */
  handover: { at: Instant; toAgentId: string } | null;
  /** Sales drawn for it: one stopped before signing puts the listing back on the market. */
  salesDrawn: number;
}

/** What an owner unhappy with a showing whose feedback came in time says: not "no showings", the showing being one. */
const showingComplaints: readonly Reason[] = ["price", "attitude", "slow_response"];

/** Who does a listing's work at `at`: its maintainer, or the new one from a change on. */
function agentAt(listing: Listing, at: Instant): string {
  return listing.handover !== null && at >= listing.handover.at ? listing.handover.toAgentId : listing.agentId;
}

/** A listing lives as long as its row had been on the site when scraped, at least a week. */
const lifetimeOf = (seed: ListingSeed) => Math.max(7, seed.ageDays);

export class Simulation {
  private readonly random: Random;
  private readonly schedule: Schedule;
  private readonly firstDayAt: Instant;
  private readonly agents: number;
  private readonly listingsPerDay: number;
  private readonly priceFactor: number;
  private active: Listing[] = [];
  private buyers: Buyer[] = [];
  private published = 0;
  private owed = 0;
  private readonly communityPrefix: string;
  private readonly seeds: readonly ListingSeed[];
  private readonly longestLifeDays: number;
  private readonly stockOnFirstDay: number;

  constructor(private readonly options: SimulationOptions, seeds: readonly ListingSeed[]) {
    const perYear = rate.listingsPerYear[options.city];
    if (perYear === undefined) throw new Error(`no listing volume known for ${options.city}: one of ${Object.keys(rate.listingsPerYear).join(", ")}`);
    const brand = notSlug("--brand", options.brand);
    if (brand !== null) throw new Error(brand);
    const first = startOfBusinessDate(options.start);
    if (first === null) throw new Error(`--start must be YYYY-MM-DD, got ${options.start}`);
    // Every event must have an instant the contract takes.
    if (first + (options.days - 1) * msPerDay > startOfBusinessDate(`${lastYear}-12-31`)!) throw new Error(`--start ${options.start} and --days ${options.days} run past ${lastYear}, the last year an event may fall in`);
    this.firstDayAt = first;
    this.listingsPerDay = (perYear * options.scale) / 365;
    // Two cities, or two brands of a city, of one seed live different histories.
    this.random = new Random(options.seed, `${options.city}/${options.brand}`);
    this.schedule = new Schedule({ city: options.city, brand: options.brand, idPrefix: `${options.city}-${options.brand}-${options.seed}` }, first, options.days);
    // Only Beijing has listing data: elsewhere its communities are resampled under the city's name, so that no two cities share one.
    this.communityPrefix = options.city === "beijing" ? "" : `${options.city}/`;
    // Parking spaces are listed on the site too: a home is what the commitments are about.
    this.seeds = seeds.filter((seed) => seed.layout !== "车位");
    const lifetimes = this.seeds.map(lifetimeOf);
    this.longestLifeDays = Math.max(...lifetimes);
    // A steady flow leaves standing as many listings as its mean lifetime's days of it (86 days in the data).
    this.stockOnFirstDay = this.listingsPerDay * (lifetimes.reduce((sum, days) => sum + days, 0) / lifetimes.length);
    this.agents = Math.max(1, Math.round(perYear * options.scale * rate.agentsPerListingYear));
    this.priceFactor = rate.priceFactor[options.city] ?? rate.defaultPriceFactor;
  }

  /** Every day's events in time order. Asia/Shanghai has no daylight saving: a day is 24 hours. */
  *days(): Generator<SimEvent[]> {
    for (let day = 0; day < this.options.days; day++) {
      this.live(day);
      yield this.schedule.take(day);
    }
  }

  private at(day: number, hourFrom: number, hourTo: number): Instant {
    return this.firstDayAt + day * msPerDay + hourFrom * msPerHour + this.random.int(0, (hourTo - hourFrom) * 60 - 1) * msPerMinute;
  }

  private live(day: number): void {
    this.owed += day === 0 ? this.stockOnFirstDay : this.listingsPerDay;
    for (; this.owed >= 1; this.owed--) this.publish(day);
    const still: Listing[] = [];
    for (const listing of this.active) {
      if (day >= listing.endDay && this.end(listing, day)) continue;
      this.tend(listing, day);
      still.push(listing);
    }
    this.active = still;
  }

  /**
   * A listing drawn from the data. The market on the first day is the stock a steady flow leaves
   * standing: there, a listing of a long life is met more often than one of a short life, in
   * proportion to its lifetime, and part-way through it.
   */
  private draw(day: number): { seed: ListingSeed; lifetimeDays: number; livedDays: number } {
    if (day > 0) {
      const seed = this.random.pick(this.seeds);
      return { seed, lifetimeDays: lifetimeOf(seed), livedDays: 0 };
    }
    for (;;) {
      const seed = this.random.pick(this.seeds);
      const lifetimeDays = lifetimeOf(seed);
      if (this.random.chance(lifetimeDays / this.longestLifeDays)) return { seed, lifetimeDays, livedDays: this.random.int(0, lifetimeDays - 1) };
    }
  }

  private publish(day: number): void {
    const { seed, lifetimeDays, livedDays } = this.draw(day);
    const n = ++this.published;
    // A listing of the first day's stock was published before it: its weekly rhythm and its
    // chances over a lifetime run from then.
    const listing: Listing = {
      id: `L${n}`, ownerId: `O${n}`, agentId: this.agent(), seed,
      askingPriceFen: Math.round(seed.askingPriceFen * this.priceFactor), publishedDay: day - livedDays, endDay: day + lifetimeDays - livedDays,
      showingsPerDay: seed.showings / lifetimeDays, followsPerDay: seed.followers / lifetimeDays, replacementDay: null, handover: null, salesDrawn: 0,
    };
    const daysLeft = listing.endDay - day;
    const replacementChance = (rate.replacementRequestsPerYear / rate.listingsPerYear["beijing"]!) * (daysLeft / lifetimeDays);
    // Requested at least a week before the listing ends, so that the change (up to six days on) falls while it is on the market.
    if (this.random.chance(replacementChance)) listing.replacementDay = day + this.random.int(0, Math.max(0, daysLeft - 8));
    this.active.push(listing);
    // New listings go up overnight, before the day's showings and follows.
    this.schedule.add(this.at(day, 0, 7), "listing.published", {
      listingId: listing.id, ownerId: listing.ownerId, agentId: listing.agentId, communityId: `${this.communityPrefix}${seed.community}`, layout: seed.layout, areaSqm: seed.areaSqm, askingPriceFen: listing.askingPriceFen,
    });
  }

  /** An agent, named with the store they work in: the contract has no store, so an agent's id carries it. */
  private agent(): string {
    const n = this.random.int(1, this.agents);
    return `ST${Math.ceil(n / rate.agentsPerStore)}-A${n}`;
  }

  private tend(listing: Listing, day: number): void {
    const r = this.random;
    const age = day - listing.publishedDay;
    for (let k = r.poisson(listing.showingsPerDay); k > 0; k--) this.showing(listing, day);
    for (let k = r.poisson(listing.followsPerDay); k > 0; k--) {
      this.schedule.add(this.at(day, 7, 23), "listing.followed", { listingId: listing.id, consumerId: `C${r.int(1, 5_000_000)}` });
    }
    if (age % 7 === 6) {
      const views = r.poisson(listing.followsPerDay * 7 * rate.viewsPerFollower);
      if (views > 0) this.schedule.add(this.at(day, 23, 24), "listing.viewed", { listingId: listing.id, count: views });
    }
    if (age % rate.progressReportEveryDays === 3) {
      const at = this.at(day, 18, 21);
      this.schedule.add(at, "owner.progress_reported", { listingId: listing.id, agentId: agentAt(listing, at), note: "本周带看与推广情况已汇报" });
    }
    if (r.chance(rate.promotionsPerListingMonth / 30)) {
      const at = this.at(day, 9, 18);
      this.schedule.add(at, "listing.promoted", { listingId: listing.id, agentId: agentAt(listing, at), channel: r.pick(["app_top", "video", "vr_tour", "community_board"]), note: "推广" });
    }
    if (r.chance(rate.priceChangePerListing / (listing.endDay - listing.publishedDay))) {
      listing.askingPriceFen = Math.round(listing.askingPriceFen * (0.95 + 0.04 * r.float()));
      this.schedule.add(this.at(day, 9, 20), "listing.price_changed", { listingId: listing.id, askingPriceFen: listing.askingPriceFen });
    }
    if (r.chance(rate.ownerMessagePerListingMonth / 30)) this.ownerMessage(listing, day);
    if (r.chance(rate.maintenanceDamagePerListing / 30)) {
      this.schedule.add(this.at(day, 9, 20), "maintenance.damage", { listingId: listing.id, ownerId: listing.ownerId, kind: r.pick(["key_lost", "lock_damaged", "careless_upkeep"]), lossFen: r.int(200, 8_000) * 100 });
    }
    if (listing.replacementDay === day) this.replace(listing, day);
  }

  private showing(listing: Listing, day: number): void {
    const r = this.random;
    const buyer = this.buyer();
    const showingId = `S${listing.id}-${day}-${r.int(0, 1_000_000)}`;
    const at = this.at(day, 9, 21);
    this.schedule.add(at, "showing.recorded", { showingId, listingId: listing.id, buyerId: buyer.id, agentId: agentAt(listing, at) });
    const inTime = r.chance(rate.feedbackInTime);
    if (inTime) {
      this.schedule.add(at + r.int(30, 40 * 60) * msPerMinute, "showing.feedback_sent", { showingId, listingId: listing.id, ownerId: listing.ownerId, text: "买家反馈已告知业主" });
    } else if (r.chance(rate.feedbackLateShare)) {
      this.schedule.add(at + r.int(4 * 24, 6 * 24) * msPerHour, "showing.feedback_sent", { showingId, listingId: listing.id, ownerId: listing.ownerId, text: "反馈晚了" });
    }
    if (r.chance(rate.showingReviewShare)) {
      const praise = r.chance(rate.praiseRate);
      // An owner unhappy with a showing whose feedback did not come says so.
      const reason: Reason = inTime ? r.pick(showingComplaints) : "no_feedback";
      this.schedule.add(at + r.int(1, 48) * msPerHour, "review.submitted", { reviewId: `R${showingId}`, authorId: listing.ownerId, stage: "showing", rating: praise ? r.int(4, 5) : r.int(1, 3), text: remark(r, { negative: !praise, reason }), listingId: listing.id });
    }
    // The next day, in working hours.
    if (r.chance(rate.marketingCallPerShowing)) this.call(buyer, listing, this.at(day + 1, 9, 20));
  }

  /** Buyers come back: most showings are new buyers, some are buyers seen before. */
  private buyer(): Buyer {
    const r = this.random;
    if (this.buyers.length > 0 && r.chance(rate.returningBuyerShare)) return r.pick(this.buyers);
    const buyer = newBuyer(r, `B${this.published}-${r.int(0, 1_000_000)}`);
    if (this.buyers.length < rate.returningBuyerPool) this.buyers.push(buyer);
    else this.buyers[r.int(0, this.buyers.length - 1)] = buyer;
    return buyer;
  }

  private call(buyer: Buyer, listing: Listing, at: Instant): void {
    const r = this.random;
    const withoutConsent = r.chance(rate.callWithoutConsentShare);
    if (!withoutConsent && !consentedAt(buyer, at)) {
      if (!r.chance(rate.buyerConsentShare)) return; // no consent, and agents who check do not call
      const grantedAt = at - rate.consentMinutesBeforeCall * msPerMinute;
      recordConsent(buyer, grantedAt, true);
      this.schedule.add(grantedAt, "consent.granted", { phone: buyer.phone, scope: "marketing_calls", consumerId: buyer.id, channel: "app" });
    }
    const callId = `K${listing.id}-${at}`;
    const consented = consentedAt(buyer, at);
    this.schedule.add(at, "call.placed", { callId, phone: buyer.phone, agentId: agentAt(listing, at), purpose: "marketing" });
    if (!consented && r.chance(rate.reportedShare)) {
      this.schedule.add(at + r.int(1, 48) * msPerHour, "call.reported", { reportId: `RP${callId}`, phone: buyer.phone, reporterId: buyer.id, callId });
    }
    if (consented && r.chance(rate.consentRevokedShare)) {
      const revokedAt = at + r.int(1, 10) * msPerDay;
      recordConsent(buyer, revokedAt, false);
      this.schedule.add(revokedAt, "consent.revoked", { phone: buyer.phone, scope: "marketing_calls" });
    }
  }

  private ownerMessage(listing: Listing, day: number): void {
    const r = this.random;
    const negative = r.chance(rate.ownerMessageNegativeShare);
    // A listing few come to see (under one showing in ten days) gives that reason half the time.
    const reason: Reason = listing.showingsPerDay < rate.fewShowingsPerDay && r.chance(rate.fewShowingsReasonShare) ? "few_showings" : r.pick(reasons);
    this.schedule.add(this.at(day, 8, 23), "owner.message", { listingId: listing.id, ownerId: listing.ownerId, text: remark(r, { negative, reason }) });
  }

  private replace(listing: Listing, day: number): void {
    const r = this.random;
    const at = this.at(day, 9, 20);
    this.schedule.add(at, "owner.replacement_requested", { listingId: listing.id, ownerId: listing.ownerId });
    const drawn = this.agent();
    const toAgentId = drawn === listing.agentId ? `${drawn}b` : drawn;
    const changedAt = at + (r.chance(rate.replacedWithinThreeDays) ? r.int(1, 48) * msPerHour : r.int(4, 6) * msPerDay);
    this.schedule.add(changedAt, "listing.maintainer_changed", { listingId: listing.id, fromAgentId: listing.agentId, toAgentId, requestedByOwner: true });
    listing.handover = { at: changedAt, toAgentId };
  }

  /** The listing leaves the market: sold or taken down. False if its sale was stopped before signing and it stays on. */
  private end(listing: Listing, day: number): boolean {
    const r = this.random;
    if (r.chance(rate.dealShare)) {
      const sellerLeaseShare = rate.sellerLeasePerYear / (rate.listingsPerYear["beijing"]! * rate.dealShare);
      const dealId = ++listing.salesDrawn === 1 ? `D${listing.id}` : `D${listing.id}-${listing.salesDrawn}`;
      // Negotiated from today, signed some days on, so that its proposals fall on days not yet written.
      const outcome = simulateSale({ dealId, listingId: listing.id, askingPriceFen: listing.askingPriceFen, buyerId: this.buyer().id, sellerId: listing.ownerId, signAt: this.at(day + rate.signingDaysAfterListingEnds, 10, 18), sellerLeaseShare }, r, this.schedule);
      if (outcome === "stopped") {
        listing.endDay = day + r.int(rate.backOnMarketDays.from, rate.backOnMarketDays.to);
        return false;
      }
      if (r.chance(rate.otherLeasesPerSellerLease * sellerLeaseShare)) {
        this.schedule.add(this.at(day, 10, 18), "lease.signed", { leaseId: `LS${listing.id}`, tenantId: `T${listing.id}`, use: r.chance(rate.residentialLeaseShare) ? "residential" : "commercial", commissionFen: r.int(2_000, 9_000) * 100 });
      }
      return true;
    }
    const consent = !r.chance(rate.delistWithoutConsentPerYear / (rate.listingsPerYear["beijing"]! * (1 - rate.dealShare)));
    this.schedule.add(this.at(day, 9, 20), "listing.delisted", { listingId: listing.id, ownerConsent: consent, reason: consent ? "owner_withdrew" : "agent_error" });
    return true;
  }
}
