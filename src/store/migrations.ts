// One migration set for both engines; the only difference is how an auto-increment key is spelled.
import { Migrator, type Kysely, type Migration, type MigrationProvider } from "kysely";
import type { Database, EngineName } from "./database.js";
import { complaintsRatedDealsOnce } from "./migrations-0011.js";
import { scopeMigrations } from "./migrations-scopes.js";

function migrations(engine: EngineName): Record<string, Migration> {
  const serial = engine === "postgres" ? "bigserial" : "integer";
  const big = engine === "postgres" ? "bigint" : "integer";
  return {
    "0001-log-and-state": {
      async up(db: Kysely<any>) {
        await db.schema.createTable("log")
          .addColumn("seq", serial, (c) => (engine === "postgres" ? c.primaryKey() : c.primaryKey().autoIncrement()))
          .addColumn("kind", "text", (c) => c.notNull())
          .addColumn("event_id", "text", (c) => c.unique())
          .addColumn("type", "text")
          .addColumn("at", big, (c) => c.notNull())
          .addColumn("received_at", big, (c) => c.notNull())
          .addColumn("city", "text")
          .addColumn("brand", "text")
          .addColumn("fingerprint", "text")
          .addColumn("body", "text")
          .execute();
        await db.schema.createTable("rejected")
          .addColumn("seq", serial, (c) => (engine === "postgres" ? c.primaryKey() : c.primaryKey().autoIncrement()))
          .addColumn("event_id", "text")
          .addColumn("type", "text")
          .addColumn("code", "text", (c) => c.notNull())
          .addColumn("message", "text", (c) => c.notNull())
          .addColumn("field", "text", (c) => c.notNull())
          .addColumn("received_at", big, (c) => c.notNull())
          .addColumn("input", "text", (c) => c.notNull())
          .execute();
        await db.schema.createTable("claims")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("commitment", "text", (c) => c.notNull())
          .addColumn("version", "text", (c) => c.notNull())
          .addColumn("city", "text", (c) => c.notNull())
          .addColumn("brand", "text", (c) => c.notNull())
          .addColumn("beneficiary_id", "text")
          .addColumn("kind", "text", (c) => c.notNull())
          .addColumn("amount_fen", big, (c) => c.notNull())
          .addColumn("fund", "text", (c) => c.notNull())
          .addColumn("status", "text", (c) => c.notNull())
          .addColumn("opened_at", big, (c) => c.notNull())
          .addColumn("body", "text", (c) => c.notNull())
          .execute();
        await db.schema.createIndex("claims_by_status").on("claims").columns(["status", "opened_at"]).execute();
        await db.schema.createIndex("claims_by_beneficiary").on("claims").columns(["beneficiary_id"]).execute();
        await db.schema.createTable("obligations")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("commitment", "text", (c) => c.notNull())
          .addColumn("city", "text", (c) => c.notNull())
          .addColumn("brand", "text", (c) => c.notNull())
          .addColumn("subject_id", "text", (c) => c.notNull())
          .addColumn("responsible_id", "text")
          .addColumn("beneficiary_id", "text")
          .addColumn("due_at", big, (c) => c.notNull())
          .addColumn("status", "text", (c) => c.notNull())
          .addColumn("body", "text", (c) => c.notNull())
          .execute();
        await db.schema.createIndex("obligations_due").on("obligations").columns(["status", "due_at"]).execute();
        await db.schema.createIndex("obligations_by_responsible").on("obligations").columns(["responsible_id"]).execute();
        await db.schema.createTable("entries")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("at", big, (c) => c.notNull())
          .addColumn("purpose", "text", (c) => c.notNull())
          .addColumn("claim_id", "text")
          .addColumn("version_key", "text")
          .addColumn("caused_by", "text", (c) => c.notNull())
          .execute();
        await db.schema.createTable("postings")
          .addColumn("entry_id", "text", (c) => c.notNull().references("entries.id"))
          .addColumn("line", "integer", (c) => c.notNull())
          .addColumn("account", "text", (c) => c.notNull())
          .addColumn("amount_fen", big, (c) => c.notNull())
          .addPrimaryKeyConstraint("postings_pk", ["entry_id", "line"])
          .execute();
        await db.schema.createIndex("postings_by_account").on("postings").columns(["account"]).execute();
        await db.schema.createTable("risks")
          .addColumn("key", "text", (c) => c.primaryKey())
          .addColumn("deal_id", "text", (c) => c.notNull())
          .addColumn("rule", "text", (c) => c.notNull())
          .addColumn("decision", "text", (c) => c.notNull())
          .addColumn("city", "text", (c) => c.notNull())
          .addColumn("brand", "text", (c) => c.notNull())
          .addColumn("body", "text", (c) => c.notNull())
          .execute();
        await db.schema.createTable("alerts")
          .addColumn("seq", serial, (c) => (engine === "postgres" ? c.primaryKey() : c.primaryKey().autoIncrement()))
          .addColumn("kind", "text", (c) => c.notNull())
          .addColumn("at", big, (c) => c.notNull())
          .addColumn("claim_id", "text")
          .addColumn("obligation_id", "text")
          .addColumn("deal_id", "text")
          .addColumn("message", "text", (c) => c.notNull())
          .execute();
      },
    },
    "0002-people-and-webhooks": {
      async up(db: Kysely<any>) {
        await db.schema.createTable("users")
          .addColumn("username", "text", (c) => c.primaryKey())
          .addColumn("role", "text", (c) => c.notNull())
          .addColumn("subject_id", "text", (c) => c.notNull())
          .addColumn("cities", "text", (c) => c.notNull())
          .addColumn("brands", "text", (c) => c.notNull())
          .addColumn("password_hash", "text", (c) => c.notNull())
          .addColumn("created_at", big, (c) => c.notNull())
          .execute();
        await db.schema.createTable("sessions")
          .addColumn("token_hash", "text", (c) => c.primaryKey())
          .addColumn("username", "text", (c) => c.notNull().references("users.username"))
          .addColumn("expires_at", big, (c) => c.notNull())
          .execute();
        await db.schema.createTable("api_keys")
          .addColumn("key_hash", "text", (c) => c.primaryKey())
          .addColumn("label", "text", (c) => c.notNull())
          .addColumn("brand", "text", (c) => c.notNull())
          .addColumn("cities", "text", (c) => c.notNull())
          .addColumn("created_at", big, (c) => c.notNull())
          .execute();
        await db.schema.createTable("webhooks")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("key_hash", "text", (c) => c.notNull())
          .addColumn("url", "text", (c) => c.notNull())
          .addColumn("kinds", "text", (c) => c.notNull())
          .addColumn("secret", "text", (c) => c.notNull())
          .addColumn("created_at", big, (c) => c.notNull())
          .execute();
        await db.schema.createTable("deliveries")
          .addColumn("id", serial, (c) => (engine === "postgres" ? c.primaryKey() : c.primaryKey().autoIncrement()))
          .addColumn("webhook_id", "text", (c) => c.notNull())
          .addColumn("kind", "text", (c) => c.notNull())
          .addColumn("body", "text", (c) => c.notNull())
          .addColumn("attempts", "integer", (c) => c.notNull())
          .addColumn("next_at", big, (c) => c.notNull())
          .addColumn("status", "text", (c) => c.notNull())
          .addColumn("last_error", "text")
          .addColumn("created_at", big, (c) => c.notNull())
          .execute();
        await db.schema.createIndex("deliveries_due").on("deliveries").columns(["status", "next_at"]).execute();
      },
    },
    "0003-due-soon-warnings": {
      async up(db: Kysely<any>) {
        await db.schema.alterTable("obligations").addColumn("warned_at", big).execute();
      },
    },
    "0004-claim-times-for-reports": {
      async up(db: Kysely<any>) {
        // Filled by the projection; the service re-projects every claim once at start.
        await db.schema.alterTable("claims").addColumn("breach_at", big).execute();
        await db.schema.alterTable("claims").addColumn("paid_at", big).execute();
        await db.schema.createIndex("claims_paid").on("claims").columns(["paid_at"]).execute();
        await db.schema.createIndex("claims_breach").on("claims").columns(["breach_at"]).execute();
      },
    },
    "0005-report-projections": {
      async up(db: Kysely<any>) {
        // Complaint stages and risk times as columns, so that the scorecard and funds safety are queries.
        await db.schema.alterTable("obligations").addColumn("stage", "text").execute();
        await db.schema.createIndex("obligations_by_subject").on("obligations").columns(["subject_id"]).execute();
        await db.schema.alterTable("risks").addColumn("detected_at", big).execute();
        await db.schema.createIndex("risks_by_time").on("risks").columns(["detected_at"]).execute();
        await db.schema.createTable("listings")
          .addColumn("listing_id", "text", (c) => c.primaryKey())
          .addColumn("city", "text", (c) => c.notNull())
          .addColumn("brand", "text", (c) => c.notNull())
          .addColumn("owner_id", "text", (c) => c.notNull())
          .addColumn("maintainer_id", "text", (c) => c.notNull())
          .addColumn("community_id", "text", (c) => c.notNull())
          .addColumn("layout", "text", (c) => c.notNull())
          .addColumn("area_sqm", "real", (c) => c.notNull())
          .addColumn("published_at", big, (c) => c.notNull())
          .addColumn("delisted_at", big)
          .execute();
        await db.schema.createIndex("listings_by_community").on("listings").columns(["community_id", "layout"]).execute();
        await db.schema.createIndex("listings_by_owner").on("listings").columns(["owner_id"]).execute();
        await db.schema.createTable("listing_prices")
          .addColumn("listing_id", "text", (c) => c.notNull())
          .addColumn("at", big, (c) => c.notNull())
          .addColumn("price_fen", big, (c) => c.notNull())
          .addPrimaryKeyConstraint("listing_prices_pk", ["listing_id", "at"])
          .execute();
        await db.schema.createTable("listing_days")
          .addColumn("listing_id", "text", (c) => c.notNull())
          .addColumn("day", "text", (c) => c.notNull())
          .addColumn("views", big, (c) => c.notNull())
          .addColumn("follows", big, (c) => c.notNull())
          .addColumn("showings", big, (c) => c.notNull())
          .addColumn("promotions", big, (c) => c.notNull())
          .addColumn("progress_reports", big, (c) => c.notNull())
          .addPrimaryKeyConstraint("listing_days_pk", ["listing_id", "day"])
          .execute();
        await db.schema.createTable("deals")
          .addColumn("deal_id", "text", (c) => c.primaryKey())
          .addColumn("listing_id", "text", (c) => c.notNull())
          .addColumn("city", "text", (c) => c.notNull())
          .addColumn("brand", "text", (c) => c.notNull())
          .addColumn("signed_at", big, (c) => c.notNull())
          .addColumn("price_fen", big, (c) => c.notNull())
          .execute();
        await db.schema.createIndex("deals_by_listing").on("deals").columns(["listing_id"]).execute();
        await db.schema.createTable("showings")
          .addColumn("showing_id", "text", (c) => c.primaryKey())
          .addColumn("listing_id", "text", (c) => c.notNull())
          .addColumn("recorded_at", big)
          .addColumn("feedback_at", big)
          .execute();
        await db.schema.createIndex("showings_by_listing").on("showings").columns(["listing_id", "recorded_at"]).execute();
        await db.schema.createIndex("showings_by_time").on("showings").columns(["recorded_at"]).execute();
        await db.schema.createTable("complaints")
          .addColumn("complaint_id", "text", (c) => c.primaryKey())
          .addColumn("city", "text")
          .addColumn("brand", "text")
          .addColumn("consumer_id", "text")
          .addColumn("filed_at", big)
          .addColumn("closed_at", big)
          .execute();
        await db.schema.createIndex("complaints_by_time").on("complaints").columns(["filed_at"]).execute();
        await db.schema.createTable("daily_figures")
          .addColumn("city", "text", (c) => c.notNull())
          .addColumn("brand", "text", (c) => c.notNull())
          .addColumn("day", "text", (c) => c.notNull())
          .addColumn("figure", "text", (c) => c.notNull())
          .addColumn("count", big, (c) => c.notNull())
          .addColumn("total", big, (c) => c.notNull())
          .addPrimaryKeyConstraint("daily_figures_pk", ["figure", "day", "city", "brand"])
          .execute();
        await db.schema.createTable("owner_reports")
          .addColumn("listing_id", "text", (c) => c.notNull())
          .addColumn("week_start", "text", (c) => c.notNull())
          .addColumn("owner_id", "text", (c) => c.notNull())
          .addColumn("body", "text", (c) => c.notNull())
          .addPrimaryKeyConstraint("owner_reports_pk", ["listing_id", "week_start"])
          .execute();
        await db.schema.createTable("schedules")
          .addColumn("name", "text", (c) => c.primaryKey())
          .addColumn("done_until", big, (c) => c.notNull())
          .execute();
      },
    },
    "0006-obligation-columns": {
      async up(db: Kysely<any>) {
        // An obligation's view is built from its columns (projection.ts): ingest writes a third of
        // the bytes it did with the view's JSON, the largest value of a showing's rows. The rows
        // logged before are filled once by the service's start, which re-projects every
        // obligation (service.ts); until then these columns are null.
        for (const [name, type] of [["version", "text"], ["opened_at", big], ["caused_by", "text"], ["fulfilled_at", big], ["fulfilled_by", "text"], ["after_breach", "integer"], ["breached_at", big], ["claim_id", "text"]] as const) {
          await db.schema.alterTable("obligations").addColumn(name, type).execute();
        }
        await db.schema.alterTable("obligations").dropColumn("body").execute();
      },
    },
    "0007-obligations-by-commitment": {
      async up(db: Kysely<any>) {
        // A subject's obligations are always looked up under one commitment (the complaints API, the
        // scorecard, the overdue queue). Keyed by subject alone, PostgreSQL, once it had statistics,
        // merge-joined a year's complaints against every obligation in subject order: 83 ms, not 4.
        await db.schema.dropIndex("obligations_by_subject").execute();
        await db.schema.createIndex("obligations_by_commitment").on("obligations").columns(["commitment", "subject_id"]).execute();
      },
    },
    "0008-showings-counted-once": {
      async up(db: Kysely<any>) {
        // A listing's showings are counted from the showings table, which holds each one for its
        // feedback: counting them again per listing-day cost every showing an upsert at ingest
        // (without it, batched ingest on PostgreSQL ran 1.15–1.18× as fast, paired).
        await db.schema.alterTable("listing_days").dropColumn("showings").execute();
      },
    },
    ...scopeMigrations(),
    "0011-complaints-rated-deals-once": complaintsRatedDealsOnce(big),
  };
}

/**
 * Migrates to the latest schema, or up to the named migration (a store as an earlier release left
 * it, for tests). Kysely's migrator locks, so processes starting together migrate once.
 */
export async function migrate(database: Database, upTo?: string): Promise<void> {
  const provider: MigrationProvider = { getMigrations: async () => migrations(database.engine) };
  const { error } = await database.migrating((db) => {
    const migrator = new Migrator({ db, provider });
    return upTo === undefined ? migrator.migrateToLatest() : migrator.migrateTo(upTo);
  });
  if (error) throw error;
}
