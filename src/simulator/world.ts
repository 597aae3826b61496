// A city over a number of days: listings resampled from the real data, the agents who maintain
// them, showings and feedback, follows and views, consents and calls, owners' words, and sales.
import { msPerDay, msPerHour, msPerMinute, startOfBusinessDate, type Instant } from "../domain/time.js";
import { simulateSale } from "./deals.js";
import type { ListingSeed } from "./listings-data.js";
import { Random } from "./random.js";
import * as rate from "./rates.js";
import { Schedule, type SimEvent } from "./schedule.js";
import { remark, type Reason } from "./texts.js";

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
}

interface Buyer {
  id: string;
  phone: string;
  consented: boolean;
}

const meanLifetimeDays = 86;
/** Mobile prefixes in use in China, so that every simulated number is a valid E.164 number. */
const mobilePrefixes = ["130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153", "155", "156", "157", "158", "159", "180", "181", "182", "183", "185", "186", "187", "188", "189"]; // the mean age of the real listings: the stock on the first day

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

  constructor(private readonly options: SimulationOptions, private readonly seeds: readonly ListingSeed[]) {
    const perYear = rate.listingsPerYear[options.city];
    if (perYear === undefined) throw new Error(`no listing volume known for ${options.city}: one of ${Object.keys(rate.listingsPerYear).join(", ")}`);
    const first = startOfBusinessDate(options.start);
    if (first === null) throw new Error(`--start must be YYYY-MM-DD, got ${options.start}`);
    this.firstDayAt = first;
    this.random = new Random(options.seed);
    this.schedule = new Schedule({ city: options.city, brand: options.brand, idPrefix: `${options.city}-${options.seed}` }, first, options.days);
    this.listingsPerDay = (perYear * options.scale) / 365;
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
    this.owed += day === 0 ? (this.listingsPerDay * meanLifetimeDays) : this.listingsPerDay;
    for (; this.owed >= 1; this.owed--) this.publish(day);
    const still: Listing[] = [];
    for (const listing of this.active) {
      if (day >= listing.endDay) this.end(listing, day);
      else {
        this.tend(listing, day);
        still.push(listing);
      }
    }
    this.active = still;
  }

  private publish(day: number): void {
    const seed = this.random.pick(this.seeds);
    const n = ++this.published;
    const lifetime = Math.max(7, seed.ageDays);
    // On the first day the market already holds listings part-way through their lives.
    const lived = day === 0 ? this.random.int(0, lifetime - 1) : 0;
    const listing: Listing = {
      id: `L${n}`, ownerId: `O${n}`, agentId: `A${this.random.int(1, this.agents)}`, seed,
      askingPriceFen: Math.round(seed.askingPriceFen * this.priceFactor), publishedDay: day, endDay: day + lifetime - lived,
      showingsPerDay: seed.showings / lifetime, followsPerDay: seed.followers / lifetime, replacementDay: null,
    };
    const replacementChance = rate.replacementRequestsPerYear / rate.listingsPerYear["beijing"]!;
    if (this.random.chance(replacementChance)) listing.replacementDay = day + this.random.int(0, Math.max(0, listing.endDay - day - 1));
    this.active.push(listing);
    // New listings go up overnight, before the day's showings and follows.
    this.schedule.add(this.at(day, 0, 7), "listing.published", {
      listingId: listing.id, ownerId: listing.ownerId, agentId: listing.agentId, communityId: seed.community, layout: seed.layout, areaSqm: seed.areaSqm, askingPriceFen: listing.askingPriceFen,
    });
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
    if (age % rate.progressReportEveryDays === 3) this.schedule.add(this.at(day, 18, 21), "owner.progress_reported", { listingId: listing.id, agentId: listing.agentId, note: "本周带看与推广情况已汇报" });
    if (r.chance(rate.promotionsPerListingMonth / 30)) this.schedule.add(this.at(day, 9, 18), "listing.promoted", { listingId: listing.id, agentId: listing.agentId, channel: r.pick(["app_top", "video", "vr_tour", "community_board"]), note: "推广" });
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
    this.schedule.add(at, "showing.recorded", { showingId, listingId: listing.id, buyerId: buyer.id, agentId: listing.agentId });
    if (r.chance(rate.feedbackInTime)) {
      this.schedule.add(at + r.int(30, 40 * 60) * msPerMinute, "showing.feedback_sent", { showingId, listingId: listing.id, ownerId: listing.ownerId, text: "买家反馈已告知业主" });
    } else if (r.chance(rate.feedbackLateShare)) {
      this.schedule.add(at + r.int(4 * 24, 6 * 24) * msPerHour, "showing.feedback_sent", { showingId, listingId: listing.id, ownerId: listing.ownerId, text: "反馈晚了" });
    }
    if (r.chance(rate.showingReviewShare)) {
      const praise = r.chance(rate.praiseRate);
      this.schedule.add(at + r.int(1, 48) * msPerHour, "review.submitted", { reviewId: `R${showingId}`, authorId: listing.ownerId, stage: "showing", rating: praise ? r.int(4, 5) : r.int(1, 3), text: remark(r, { negative: !praise }), listingId: listing.id });
    }
    if (r.chance(rate.marketingCallPerShowing)) this.call(buyer, listing, at + r.int(20, 30) * msPerHour);
  }

  /** Buyers come back: most showings are new buyers, some are buyers seen before. */
  private buyer(): Buyer {
    const r = this.random;
    if (this.buyers.length > 0 && r.chance(0.3)) return r.pick(this.buyers);
    const buyer: Buyer = { id: `B${this.published}-${r.int(0, 1_000_000)}`, phone: `+86${r.pick(mobilePrefixes)}${String(r.int(0, 99_999_999)).padStart(8, "0")}`, consented: false };
    if (this.buyers.length < 2_000) this.buyers.push(buyer);
    else this.buyers[r.int(0, this.buyers.length - 1)] = buyer;
    return buyer;
  }

  private call(buyer: Buyer, listing: Listing, at: Instant): void {
    const r = this.random;
    const withoutConsent = r.chance(rate.callWithoutConsentShare);
    if (!buyer.consented && !withoutConsent) {
      if (!r.chance(rate.buyerConsentShare)) return; // no consent, and agents who check do not call
      buyer.consented = true;
      this.schedule.add(at - 10 * msPerMinute, "consent.granted", { phone: buyer.phone, scope: "marketing_calls", consumerId: buyer.id, channel: "app" });
    }
    const callId = `K${listing.id}-${at}`;
    this.schedule.add(at, "call.placed", { callId, phone: buyer.phone, agentId: listing.agentId, purpose: "marketing" });
    if (withoutConsent && !buyer.consented && r.chance(rate.reportedShare)) {
      this.schedule.add(at + r.int(1, 48) * msPerHour, "call.reported", { reportId: `RP${callId}`, phone: buyer.phone, reporterId: buyer.id, callId });
    }
    if (buyer.consented && r.chance(rate.consentRevokedShare)) {
      buyer.consented = false;
      this.schedule.add(at + r.int(1, 10) * msPerDay, "consent.revoked", { phone: buyer.phone, scope: "marketing_calls" });
    }
  }

  private ownerMessage(listing: Listing, day: number): void {
    const r = this.random;
    const negative = r.chance(rate.ownerMessageNegativeShare);
    const reason: Reason = listing.showingsPerDay < 0.1 ? "few_showings" : r.pick(["no_feedback", "price", "attitude", "slow_response", "few_showings"]);
    this.schedule.add(this.at(day, 8, 23), "owner.message", { listingId: listing.id, ownerId: listing.ownerId, text: remark(r, { negative, reason }) });
  }

  private replace(listing: Listing, day: number): void {
    const r = this.random;
    const at = this.at(day, 9, 20);
    this.schedule.add(at, "owner.replacement_requested", { listingId: listing.id, ownerId: listing.ownerId });
    const toAgentId = `A${r.int(1, this.agents)}`;
    const after = r.chance(rate.replacedWithinThreeDays) ? r.int(1, 48) * msPerHour : r.int(4, 6) * msPerDay;
    this.schedule.add(at + after, "listing.maintainer_changed", { listingId: listing.id, fromAgentId: listing.agentId, toAgentId: toAgentId === listing.agentId ? `${toAgentId}b` : toAgentId, requestedByOwner: true });
  }

  private end(listing: Listing, day: number): void {
    const r = this.random;
    if (r.chance(rate.dealShare)) {
      const sellerLeaseShare = rate.sellerLeasePerYear / (rate.listingsPerYear["beijing"]! * rate.dealShare);
      simulateSale({ dealId: `D${listing.id}`, listingId: listing.id, askingPriceFen: listing.askingPriceFen, buyerId: this.buyer().id, sellerId: listing.ownerId, signAt: this.at(day, 10, 18), sellerLeaseShare }, r, this.schedule);
      if (r.chance(rate.otherLeasesPerSellerLease * sellerLeaseShare)) {
        this.schedule.add(this.at(day, 10, 18), "lease.signed", { leaseId: `LS${listing.id}`, tenantId: `T${listing.id}`, use: r.chance(0.9) ? "residential" : "commercial", commissionFen: r.int(2_000, 9_000) * 100 });
      }
      return;
    }
    const consent = !r.chance(rate.delistWithoutConsentPerYear / (rate.listingsPerYear["beijing"]! * (1 - rate.dealShare)));
    this.schedule.add(this.at(day, 9, 20), "listing.delisted", { listingId: listing.id, ownerConsent: consent, reason: consent ? "owner_withdrew" : "agent_error" });
  }
}
