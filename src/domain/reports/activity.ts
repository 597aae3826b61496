// What the reports count that no commitment keeps: a listing's daily views, follows, showings,
// promotions and progress reports; its description and asking prices; signed deals; complaints
// with their closing and rating; and daily figures per city and brand (deposits in and out of
// custody, losses, reviews). Pure: accepted events in, increments out; the store adds them up.
import type { AcceptedEvent } from "../events/validate.js";
import { businessDate, type Instant } from "../time.js";

export const listingCounters = ["views", "follows", "showings", "promotions", "progressReports"] as const;
export type ListingCounter = (typeof listingCounters)[number];
/** What a listing-day counts; its showings are counted from the showings themselves, which the reports keep anyway. */
export type DayCounter = Exclude<ListingCounter, "showings">;

/**
 * Daily figures per city and brand, counted per event: `total` is a sum beside the count, in fen.
 * Reviews are bucketed for NPS on the 1–5 scale: 5 promotes, 4 is passive, 1–3 detracts. Deals
 * and complaints are not figures: an event sent twice under new ids would count twice, so they
 * are counted from their own rows, once each.
 */
export const dailyFigures = ["deposits_custody", "deposits_outside", "losses", "reviews_promoter", "reviews_passive", "reviews_detractor"] as const;
export type DailyFigure = (typeof dailyFigures)[number];

export interface ListingDay {
  listingId: string;
  day: string;
  counts: Record<DayCounter, number>;
}

export interface ListingDescription {
  listingId: string;
  city: string;
  brand: string;
  ownerId: string;
  maintainerId: string;
  communityId: string;
  layout: string;
  areaSqm: number;
  publishedAt: Instant;
}

export interface FigureDay {
  city: string;
  brand: string;
  day: string;
  figure: DailyFigure;
  count: number;
  total: number;
}

export interface Activity {
  listingDays: ListingDay[];
  listings: ListingDescription[];
  prices: Array<{ listingId: string; at: Instant; priceFen: number }>;
  delistings: Array<{ listingId: string; at: Instant }>;
  maintainers: Array<{ listingId: string; agentId: string }>;
  deals: Array<{ dealId: string; listingId: string; city: string; brand: string; signedAt: Instant; priceFen: number }>;
  showings: Array<{ showingId: string; listingId: string; recordedAt: Instant }>;
  /** Feedback to the owner; the earliest per showing counts, even if it arrives before the showing. */
  feedback: Array<{ showingId: string; listingId: string; at: Instant }>;
  complaints: Array<{ complaintId: string; city: string; brand: string; consumerId: string; filedAt: Instant }>;
  closings: Array<{ complaintId: string; at: Instant }>;
  /** The consumer's rating of a complaint's handling (1–5); the latest per complaint counts. */
  ratings: Array<{ complaintId: string; at: Instant; rating: number }>;
  figures: FigureDay[];
}

export const noCounts = (): Record<ListingCounter, number> => ({ views: 0, follows: 0, showings: 0, promotions: 0, progressReports: 0 });

/** The increments a batch of accepted events makes, one row per listing-day and per figure-day. */
export function activityOf(events: readonly AcceptedEvent[]): Activity {
  const days = new Map<string, ListingDay>();
  const figures = new Map<string, FigureDay>();
  const activity: Activity = {
    listingDays: [], listings: [], prices: [], delistings: [], maintainers: [], deals: [], showings: [], feedback: [], complaints: [], closings: [], ratings: [], figures: [],
  };
  const count = (listingId: string, at: Instant, counter: DayCounter, n = 1) => {
    const day = businessDate(at);
    const key = `${listingId}|${day}`;
    let row = days.get(key);
    if (row === undefined) days.set(key, (row = { listingId, day, counts: { views: 0, follows: 0, promotions: 0, progressReports: 0 } }));
    row.counts[counter] += n;
  };
  const figure = (event: AcceptedEvent, name: DailyFigure, total = 0) => {
    const day = businessDate(event.at);
    const key = `${event.city}|${event.brand}|${day}|${name}`;
    let row = figures.get(key);
    if (row === undefined) figures.set(key, (row = { city: event.city, brand: event.brand, day, figure: name, count: 0, total: 0 }));
    row.count++;
    row.total += total;
  };
  for (const event of events) {
    switch (event.type) {
      case "listing.published": {
        const d = event.data;
        activity.listings.push({
          listingId: d.listingId, city: event.city, brand: event.brand, ownerId: d.ownerId, maintainerId: d.agentId,
          communityId: d.communityId, layout: d.layout, areaSqm: d.areaSqm, publishedAt: event.at,
        });
        activity.prices.push({ listingId: d.listingId, at: event.at, priceFen: d.askingPriceFen });
        break;
      }
      case "listing.price_changed":
        activity.prices.push({ listingId: event.data.listingId, at: event.at, priceFen: event.data.askingPriceFen });
        break;
      case "listing.delisted":
        activity.delistings.push({ listingId: event.data.listingId, at: event.at });
        break;
      case "listing.maintainer_changed":
        activity.maintainers.push({ listingId: event.data.listingId, agentId: event.data.toAgentId });
        break;
      case "listing.viewed":
        count(event.data.listingId, event.at, "views", event.data.count ?? 1);
        break;
      case "listing.followed":
        count(event.data.listingId, event.at, "follows");
        break;
      case "showing.recorded":
        activity.showings.push({ showingId: event.data.showingId, listingId: event.data.listingId, recordedAt: event.at });
        break;
      case "showing.feedback_sent":
        activity.feedback.push({ showingId: event.data.showingId, listingId: event.data.listingId, at: event.at });
        break;
      case "listing.promoted":
        count(event.data.listingId, event.at, "promotions");
        break;
      case "owner.progress_reported":
        count(event.data.listingId, event.at, "progressReports");
        break;
      case "deal.signed":
        activity.deals.push({ dealId: event.data.dealId, listingId: event.data.listingId, city: event.city, brand: event.brand, signedAt: event.at, priceFen: event.data.priceFen });
        break;
      case "funds.deposited":
        figure(event, event.data.custody ? "deposits_custody" : "deposits_outside", event.data.amountFen);
        break;
      case "funds.loss_confirmed":
        figure(event, "losses", event.data.amountFen);
        break;
      case "complaint.filed":
        activity.complaints.push({ complaintId: event.data.complaintId, city: event.city, brand: event.brand, consumerId: event.data.consumerId, filedAt: event.at });
        break;
      case "complaint.closed":
        activity.closings.push({ complaintId: event.data.complaintId, at: event.at });
        if (event.data.satisfaction !== undefined) activity.ratings.push({ complaintId: event.data.complaintId, at: event.at, rating: event.data.satisfaction });
        break;
      case "review.submitted": {
        const rating = event.data.rating;
        figure(event, rating === 5 ? "reviews_promoter" : rating === 4 ? "reviews_passive" : "reviews_detractor");
        break;
      }
      default:
        break;
    }
  }
  activity.listingDays = [...days.values()];
  activity.figures = [...figures.values()];
  // One row per key, so that a store can upsert a batch in one statement.
  activity.listings = lastBy(activity.listings, (l) => l.listingId);
  activity.prices = lastBy(activity.prices, (p) => `${p.listingId}|${p.at}`);
  activity.deals = lastBy(activity.deals, (d) => d.dealId);
  activity.showings = lastBy(activity.showings, (r) => r.showingId);
  activity.feedback = lastBy([...activity.feedback].sort((a, b) => b.at - a.at), (f) => f.showingId);
  activity.complaints = lastBy(activity.complaints, (c) => c.complaintId);
  activity.closings = lastBy([...activity.closings].sort((a, b) => b.at - a.at), (c) => c.complaintId);
  // The consumer's last word: a complaint closed again (or the closing sent again) is rated once.
  activity.ratings = lastBy([...activity.ratings].sort((a, b) => a.at - b.at), (r) => r.complaintId);
  return activity;
}

function lastBy<T>(rows: readonly T[], key: (row: T) => string): T[] {
  return [...new Map(rows.map((row) => [key(row), row])).values()];
}
