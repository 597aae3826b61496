// Adds a batch's activity (domain/reports/activity.ts) to the report tables, in the write's transaction.
import { sql, type Kysely, type Transaction } from "kysely";
import type { Activity } from "../domain/reports/activity.js";
import type { Tables } from "./database.js";
import { insertRows, partition } from "./bulk.js";

/** The earlier of the stored instant and the new one (SQL's MIN over two values, null-safe). */
const earliest = (column: string) => sql<number>`case when ${sql.ref(column)} is null or excluded.${sql.ref(column.split(".")[1]!)} < ${sql.ref(column)} then excluded.${sql.ref(column.split(".")[1]!)} else ${sql.ref(column)} end`;

/**
 * `newShowings`: showings no row holds yet (the engine's changes), inserted rather than upserted
 * (on PostgreSQL a plain insert goes as COPY); any other showing's row is upserted.
 */
export async function writeActivity(trx: Transaction<Tables> | Kysely<Tables>, activity: Activity, newShowings: ReadonlySet<string> = new Set()): Promise<void> {
  await insertRows(trx, activity.listings, (l) => ({
    listing_id: l.listingId, city: l.city, brand: l.brand, owner_id: l.ownerId, maintainer_id: l.maintainerId,
    community_id: l.communityId, layout: l.layout, area_sqm: l.areaSqm, published_at: l.publishedAt, delisted_at: null,
  }), (rows) => trx.insertInto("listings").values(rows).onConflict((oc) => oc.column("listing_id").doUpdateSet((eb) => ({
    owner_id: eb.ref("excluded.owner_id"), maintainer_id: eb.ref("excluded.maintainer_id"), community_id: eb.ref("excluded.community_id"),
    layout: eb.ref("excluded.layout"), area_sqm: eb.ref("excluded.area_sqm"),
    // A listing published again is active again from then on (a literal null: a parameter here
    // would keep the statement's compiled text from being reused, bulk.ts).
    published_at: eb.ref("excluded.published_at"), delisted_at: sql<null>`null`,
  }))));
  await insertRows(trx, activity.prices, (p) => ({ listing_id: p.listingId, at: p.at, price_fen: p.priceFen }), (rows) => trx.insertInto("listing_prices").values(rows)
    .onConflict((oc) => oc.columns(["listing_id", "at"]).doUpdateSet((eb) => ({ price_fen: eb.ref("excluded.price_fen") }))));
  for (const d of activity.delistings) {
    await trx.updateTable("listings").set({ delisted_at: d.at }).where("listing_id", "=", d.listingId).where("published_at", "<=", d.at).execute();
  }
  for (const m of activity.maintainers) {
    await trx.updateTable("listings").set({ maintainer_id: m.agentId }).where("listing_id", "=", m.listingId).execute();
  }
  await insertRows(trx, activity.listingDays, (r) => ({
    listing_id: r.listingId, day: r.day, views: r.counts.views, follows: r.counts.follows,
    promotions: r.counts.promotions, progress_reports: r.counts.progressReports,
  }), (rows) => trx.insertInto("listing_days").values(rows).onConflict((oc) => oc.columns(["listing_id", "day"]).doUpdateSet({
    views: sql`listing_days.views + excluded.views`, follows: sql`listing_days.follows + excluded.follows`,
    promotions: sql`listing_days.promotions + excluded.promotions`,
    progress_reports: sql`listing_days.progress_reports + excluded.progress_reports`,
  })));
  await insertRows(trx, activity.deals, (d) => ({ deal_id: d.dealId, listing_id: d.listingId, city: d.city, brand: d.brand, signed_at: d.signedAt, price_fen: d.priceFen }), (rows) => trx.insertInto("deals").values(rows)
    .onConflict((oc) => oc.column("deal_id").doNothing()));
  const showingRow = (r: Activity["showings"][number]) => ({ showing_id: r.showingId, listing_id: r.listingId, recorded_at: r.recordedAt, feedback_at: null });
  const [unnamedBefore, namedBefore] = partition(activity.showings, (r) => newShowings.has(r.showingId));
  await insertRows(trx, unnamedBefore, showingRow, (rows) => trx.insertInto("showings").values(rows));
  await insertRows(trx, namedBefore, showingRow, (rows) => trx.insertInto("showings").values(rows)
    .onConflict((oc) => oc.column("showing_id").doUpdateSet((eb) => ({ listing_id: eb.ref("excluded.listing_id"), recorded_at: eb.ref("excluded.recorded_at") }))));
  await insertRows(trx, activity.feedback, (r) => ({ showing_id: r.showingId, listing_id: r.listingId, recorded_at: null, feedback_at: r.at }), (rows) => trx.insertInto("showings").values(rows)
    .onConflict((oc) => oc.column("showing_id").doUpdateSet({ feedback_at: earliest("showings.feedback_at") })));
  await insertRows(trx, activity.complaints, (c) => ({ complaint_id: c.complaintId, city: c.city, brand: c.brand, consumer_id: c.consumerId, filed_at: c.filedAt, closed_at: null, rating: null, rated_at: null }), (rows) => trx.insertInto("complaints").values(rows)
    .onConflict((oc) => oc.column("complaint_id").doUpdateSet((eb) => ({
      city: eb.ref("excluded.city"), brand: eb.ref("excluded.brand"), consumer_id: eb.ref("excluded.consumer_id"), filed_at: eb.ref("excluded.filed_at"),
    }))));
  const complaintRow = { city: null, brand: null, consumer_id: null, filed_at: null, closed_at: null, rating: null, rated_at: null };
  await insertRows(trx, activity.closings, (c) => ({ ...complaintRow, complaint_id: c.complaintId, closed_at: c.at }), (rows) => trx.insertInto("complaints").values(rows)
    .onConflict((oc) => oc.column("complaint_id").doUpdateSet({ closed_at: earliest("complaints.closed_at") })));
  // The latest rating wins; at the same instant, the one written last.
  const ratedLater = sql`complaints.rated_at is null or excluded.rated_at >= complaints.rated_at`;
  await insertRows(trx, activity.ratings, (r) => ({ ...complaintRow, complaint_id: r.complaintId, rating: r.rating, rated_at: r.at }), (rows) => trx.insertInto("complaints").values(rows)
    .onConflict((oc) => oc.column("complaint_id").doUpdateSet({
      rating: sql`case when ${ratedLater} then excluded.rating else complaints.rating end`,
      rated_at: sql`case when ${ratedLater} then excluded.rated_at else complaints.rated_at end`,
    })));
  await insertRows(trx, activity.figures, (f) => ({ city: f.city, brand: f.brand, day: f.day, figure: f.figure, count: f.count, total: f.total }), (rows) => trx.insertInto("daily_figures").values(rows)
    .onConflict((oc) => oc.columns(["figure", "day", "city", "brand"]).doUpdateSet({
      count: sql`daily_figures.count + excluded.count`, total: sql`daily_figures.total + excluded.total`,
    })));
}
