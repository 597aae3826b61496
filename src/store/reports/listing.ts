// The queries behind owners' listing reports, in bulk: one listing on demand, or every active
// listing for the weekly run, with the same few queries either way.
import type { Kysely } from "kysely";
import { listingCounters, noCounts, type ListingCounter } from "../../domain/reports/activity.js";
import { listingReport, type ListingReport, type ListingReportInput } from "../../domain/reports/listing.js";
import { businessDate, msPerDay, startOfBusinessDate, type Instant } from "../../domain/time.js";
import type { Tables } from "../database.js";
import type { ListingTable } from "./tables.js";
import { chunks } from "../bulk.js";

/** How far back "the community's recent prices" look for signed deals. */
const recentDealsDays = 90;

type Listing = ListingReportInput["listing"];

/** Rows for the ids given in chunks (or for all when ids is undefined). */
async function inChunks<T>(ids: readonly string[] | undefined, query: (ids: string[] | undefined) => Promise<T[]>): Promise<T[]> {
  if (ids === undefined) return query(undefined);
  const out: T[] = [];
  for (const part of chunks([...ids])) out.push(...(await query(part)));
  return out;
}

function activeIn(from: Instant, to: Instant) {
  return <Q extends { where: (...args: any[]) => Q }>(q: Q): Q =>
    q.where("listings.published_at", "<", to).where((eb: any) => eb.or([eb("listings.delisted_at", "is", null), eb("listings.delisted_at", ">=", from)]));
}

const listingOf = (r: ListingTable): Listing => ({
  listingId: r.listing_id, city: r.city, brand: r.brand, ownerId: r.owner_id, maintainerId: r.maintainer_id,
  communityId: r.community_id, layout: r.layout, areaSqm: Number(r.area_sqm),
});

/** Reports over [from, to) for the listings named (or every listing active then), keyed by listing. */
export async function listingReports(db: Kysely<Tables>, options: { listingIds?: readonly string[]; from: Instant; to: Instant }): Promise<Map<string, ListingReport>> {
  const { from, to, listingIds } = options;
  const active = activeIn(from, to);
  const targetRows = await inChunks(listingIds, (ids) => {
    const q = active(db.selectFrom("listings").selectAll());
    return (ids === undefined ? q : q.where("listing_id", "in", ids)).execute();
  });
  const onMarket = new Map(targetRows.map((r) => [r.listing_id, { from: Number(r.published_at), to: r.delisted_at === null ? null : Number(r.delisted_at) }]));
  const targets = targetRows.map(listingOf);
  if (targets.length === 0) return new Map();
  const communities = listingIds === undefined ? undefined : [...new Set(targets.map((t) => t.communityId))];
  const neighbours = listingIds === undefined ? targets : (await inChunks(communities, (ids) => active(db.selectFrom("listings").selectAll()).where("community_id", "in", ids!).execute())).map(listingOf);
  const neighbourIds = listingIds === undefined ? undefined : neighbours.map((n) => n.listingId);

  const [dayRows, showingRows, priceRows, dealRows] = await Promise.all([
    inChunks(neighbourIds, (ids) => {
      const q = db.selectFrom("listing_days").selectAll().where("day", ">=", businessDate(from)).where("day", "<=", businessDate(to - 1));
      return (ids === undefined ? q : q.where("listing_id", "in", ids)).execute();
    }),
    inChunks(neighbourIds, (ids) => {
      const q = db.selectFrom("showings").selectAll().where("recorded_at", ">=", from).where("recorded_at", "<", to);
      return (ids === undefined ? q : q.where("listing_id", "in", ids)).execute();
    }),
    inChunks(neighbourIds, (ids) => {
      const q = db.selectFrom("listing_prices").selectAll().where("at", "<", to).orderBy("at");
      // Every listing active in the period: not the prices of every listing ever, which grow with the years.
      return q.where("listing_id", "in", ids ?? ((eb) => active(eb.selectFrom("listings").select("listings.listing_id")))).execute();
    }),
    inChunks(communities, (ids) => {
      const q = db.selectFrom("deals").innerJoin("listings", "listings.listing_id", "deals.listing_id")
        .select(["listings.community_id", "listings.area_sqm", "deals.price_fen"])
        .where("deals.signed_at", ">=", to - recentDealsDays * msPerDay).where("deals.signed_at", "<", to);
      return (ids === undefined ? q : q.where("listings.community_id", "in", ids)).execute();
    }),
  ]);

  // Each listing's counts per business day: its listing-days' counters, and its showings counted from their rows.
  const days = new Map<string, Map<string, Record<ListingCounter, number>>>();
  const countsOf = (listingId: string, day: string) => {
    let mine = days.get(listingId);
    if (mine === undefined) days.set(listingId, (mine = new Map()));
    let counts = mine.get(day);
    if (counts === undefined) mine.set(day, (counts = noCounts()));
    return counts;
  };
  for (const r of dayRows) {
    const counts = countsOf(r.listing_id, r.day);
    counts.views += Number(r.views);
    counts.follows += Number(r.follows);
    counts.promotions += Number(r.promotions);
    counts.progressReports += Number(r.progress_reports);
  }
  for (const r of showingRows) countsOf(r.listing_id, businessDate(Number(r.recorded_at))).showings++;
  const totals = new Map<string, Record<ListingCounter, number>>();
  for (const [listingId, mine] of days) {
    const total = noCounts();
    for (const counts of mine.values()) for (const c of listingCounters) total[c] += counts[c];
    totals.set(listingId, total);
  }
  const showings = groupBy(showingRows, (s) => s.listing_id);
  const prices = groupBy(priceRows, (p) => p.listing_id);
  const dealsPerSqm = groupBy(dealRows.filter((d) => Number(d.area_sqm) > 0), (d) => d.community_id);
  const byPlace = groupBy(neighbours, (n) => `${n.communityId}|${n.layout}`);
  const byCommunity = groupBy(neighbours, (n) => n.communityId);
  const currentPerSqm = (n: Listing) => {
    const last = prices.get(n.listingId)?.at(-1);
    return last === undefined || n.areaSqm <= 0 ? [] : [Number(last.price_fen) / n.areaSqm];
  };
  // A community's prices, once for all its listings (not once per listing: a large one has hundreds).
  const community = memoised((communityId: string) => ({
    askingFenPerSqm: (byCommunity.get(communityId) ?? []).flatMap(currentPerSqm),
    dealFenPerSqm: (dealsPerSqm.get(communityId) ?? []).map((d) => Number(d.price_fen) / Number(d.area_sqm)),
  }));

  const reports = new Map<string, ListingReport>();
  for (const listing of targets) {
    const history = (prices.get(listing.listingId) ?? []).map((p) => ({ at: Number(p.at), priceFen: Number(p.price_fen) }));
    const before = history.filter((p) => p.at < from).at(-1);
    reports.set(listing.listingId, listingReport({
      listing, from, to, onMarket: onMarket.get(listing.listingId)!,
      days: [...(days.get(listing.listingId) ?? [])].map(([day, counts]) => ({ day, counts })).sort((a, b) => (a.day < b.day ? -1 : 1)),
      peers: (byPlace.get(`${listing.communityId}|${listing.layout}`) ?? []).filter((p) => p.listingId !== listing.listingId).map((p) => totals.get(p.listingId) ?? noCounts()),
      showings: (showings.get(listing.listingId) ?? []).map((s) => ({ showingId: s.showing_id, recordedAt: Number(s.recorded_at), feedbackAt: s.feedback_at === null ? null : Number(s.feedback_at) })),
      prices: [...(before === undefined ? [] : [before]), ...history.filter((p) => p.at >= from)],
      community: community(listing.communityId),
    }, (day) => startOfBusinessDate(day)!));
  }
  return reports;
}

function memoised<T>(compute: (key: string) => T): (key: string) => T {
  const known = new Map<string, T>();
  return (key) => {
    let value = known.get(key);
    if (value === undefined) known.set(key, (value = compute(key)));
    return value;
  };
}

function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const group = groups.get(k);
    if (group === undefined) groups.set(k, [row]);
    else group.push(row);
  }
  return groups;
}
