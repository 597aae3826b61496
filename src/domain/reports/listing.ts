// The owner's listing report (the listing-maintenance assistant, domain.md "Owner transparency"):
// over a period, the listing's views, followers and showings beside the average of listings of the
// same layout in the same community; promotions; progress reports against the weekly standard;
// showing feedback against the 48-hour standard; asking prices against the community's prices.
import { noCounts, type ListingCounter } from "./activity.js";
import { formatInstant, msPerDay, msPerHour, startOfNextBusinessDay, type Instant } from "../time.js";

/** Beijing 2025 service standards, measured for every listing (a commitment pays only where it is live). */
export const standards = { feedbackHours: 48, progressEveryDays: 7 } as const;

export interface ListingReportInput {
  listing: { listingId: string; city: string; brand: string; ownerId: string; maintainerId: string; communityId: string; layout: string; areaSqm: number };
  from: Instant;
  to: Instant;
  /** When the listing was published and taken down (null while on the market). */
  onMarket: { from: Instant; to: Instant | null };
  /** The listing's counts per business day in the period. */
  days: ReadonlyArray<{ day: string; counts: Record<ListingCounter, number> }>;
  /** Each other listing of the same layout in the community active in the period, with its totals. */
  peers: ReadonlyArray<Record<ListingCounter, number>>;
  /** Showings of the listing recorded in the period, with the first feedback to the owner. */
  showings: ReadonlyArray<{ showingId: string; recordedAt: Instant; feedbackAt: Instant | null }>;
  /** Asking prices: the one in force at `from` and every change up to `to`. */
  prices: ReadonlyArray<{ at: Instant; priceFen: number }>;
  community: {
    /** Current asking prices per m² of the community's active listings. */
    askingFenPerSqm: readonly number[];
    /** Deals signed in the community in the 90 days before `to`, per m². */
    dealFenPerSqm: readonly number[];
  };
}

export interface FeedbackTimeliness {
  due: number;
  onTime: number;
  late: number;
  missing: number;
  /** Showings whose feedback is not yet due. */
  pending: number;
  met: boolean | null;
}

const average = (values: readonly number[]): number | null => (values.length === 0 ? null : Math.round(values.reduce((a, b) => a + b, 0) / values.length));

/** A report never counts the future: a range running past now ends now (and is never empty). */
export function untilNow(range: { from: Instant; to: Instant }, now: Instant): { from: Instant; to: Instant } {
  return { from: range.from, to: Math.min(range.to, Math.max(now, range.from + 1)) };
}

/** When feedback on a showing entered at `recordedAt` is due: 48 h from 00:00 of the next business day. */
export function feedbackDueAt(recordedAt: Instant): Instant {
  return startOfNextBusinessDay(recordedAt) + standards.feedbackHours * msPerHour;
}

export function feedbackTimeliness(showings: ListingReportInput["showings"], now: Instant): FeedbackTimeliness {
  const result = { due: 0, onTime: 0, late: 0, missing: 0, pending: 0 };
  for (const s of showings) {
    const dueAt = feedbackDueAt(s.recordedAt);
    if (s.feedbackAt !== null && s.feedbackAt <= dueAt) result.onTime++;
    else if (dueAt > now) result.pending++;
    else if (s.feedbackAt !== null && s.feedbackAt <= now) result.late++;
    else result.missing++;
  }
  result.due = result.onTime + result.late + result.missing;
  return { ...result, met: result.due === 0 ? null : result.late + result.missing === 0 };
}

/**
 * The part of the period the listing was on the market, cut into whole weeks from its first day; a
 * week meets the standard with at least one progress report. A week before publication owes none.
 */
export function weeklyProgress(from: Instant, to: Instant, reportDays: ReadonlyArray<{ at: Instant; reports: number }>) {
  const weekMs = standards.progressEveryDays * msPerDay;
  const weeks: Array<{ from: Instant; reports: number }> = [];
  for (let start = from; start + weekMs <= to; start += weekMs) weeks.push({ from: start, reports: 0 });
  for (const d of reportDays) {
    // A report's day starts at midnight; the first day of a period starting later is still week 0.
    const week = weeks[Math.max(0, Math.floor((d.at - from) / weekMs))];
    if (week !== undefined) week.reports += d.reports;
  }
  const met = weeks.filter((w) => w.reports > 0).length;
  return { weeks: weeks.length, weeksMet: met, met: weeks.length === 0 ? null : met === weeks.length };
}

export function listingReport(input: ListingReportInput, dayStart: (day: string) => Instant) {
  const totals = noCounts();
  for (const d of input.days) for (const counter of Object.keys(totals) as ListingCounter[]) totals[counter] += d.counts[counter];
  const peerAverage = (counter: ListingCounter) => (input.peers.length === 0 ? null : Math.round((input.peers.reduce((t, p) => t + p[counter], 0) / input.peers.length) * 10) / 10);
  const progress = weeklyProgress(Math.max(input.from, input.onMarket.from), Math.min(input.to, input.onMarket.to ?? input.to), input.days.map((d) => ({ at: dayStart(d.day), reports: d.counts.progressReports })));
  const current = input.prices.at(-1)?.priceFen ?? null;
  const communityAsking = average(input.community.askingFenPerSqm);
  return {
    listing: input.listing,
    period: { from: input.from, to: input.to },
    activity: {
      views: totals.views, follows: totals.follows, showings: totals.showings,
      community: { listings: input.peers.length, views: peerAverage("views"), follows: peerAverage("follows"), showings: peerAverage("showings") },
    },
    promotions: totals.promotions,
    progress: { reports: totals.progressReports, ...progress },
    feedback: feedbackTimeliness(input.showings, input.to),
    prices: {
      history: input.prices.map((p) => ({ at: p.at, priceFen: p.priceFen })),
      currentFen: current,
      currentFenPerSqm: current === null || input.listing.areaSqm <= 0 ? null : Math.round(current / input.listing.areaSqm),
      community: {
        askingListings: input.community.askingFenPerSqm.length,
        askingFenPerSqm: communityAsking,
        deals90d: input.community.dealFenPerSqm.length,
        dealFenPerSqm: average(input.community.dealFenPerSqm),
      },
    },
  };
}

export type ListingReport = ReturnType<typeof listingReport>;

/** The report as published: instants in business time. */
export function listingReportView(report: ListingReport) {
  return {
    ...report,
    period: { from: formatInstant(report.period.from), to: formatInstant(report.period.to) },
    prices: { ...report.prices, history: report.prices.history.map((p) => ({ at: formatInstant(p.at), priceFen: p.priceFen })) },
  };
}
