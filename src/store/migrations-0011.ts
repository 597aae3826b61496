// 0011, apart from migrations.ts to keep each file short: the scorecard rates a complaint once, in
// the period it was filed, and counts a deal once. Per-event daily figures counted a closing or a
// signing sent twice twice; complaints now keep their rating, and deals are counted from their rows.
// The ratings of complaints closed before are filled once from the log by the service's start.
import type { Kysely, Migration } from "kysely";

export function complaintsRatedDealsOnce(big: "bigint" | "integer"): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema.alterTable("complaints").addColumn("rating", "integer").execute();
      await db.schema.alterTable("complaints").addColumn("rated_at", big).execute();
      await db.schema.createIndex("deals_by_time").on("deals").columns(["signed_at"]).execute();
    },
  };
}
