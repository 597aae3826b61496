// 0009 and 0010, apart from migrations.ts to keep each file short: who a row belongs to, so that
// a retried or concurrent registration makes one webhook and a rejected input is read by its sender
// and its brand's and cities' readers only.
import { sql, type Kysely, type Migration } from "kysely";

export function scopeMigrations(): Record<string, Migration> {
  return {
    "0009-one-webhook-per-url": {
      async up(db: Kysely<any>) {
        // A key registers a URL once: a registration sent again is the same webhook. Two sent at
        // once could both be made, every notice then delivered twice. The oldest of such is kept,
        // with the kinds of all of them; the others' deliveries go with them (those of kinds the
        // oldest also had were copies; an integrator that kept a younger one's secret is told by
        // its signatures failing, docs/integration.md).
        const younger = sql`select w.id from webhooks w where exists (select 1 from webhooks o where o.key_hash = w.key_hash and o.url = w.url and (o.created_at < w.created_at or (o.created_at = w.created_at and o.id < w.id)))`;
        const hooks = await db.selectFrom("webhooks").select(["id", "key_hash", "url", "kinds", "created_at"]).orderBy("created_at").orderBy("id").execute();
        const oldest = new Map<string, { id: string; kinds: Set<string>; merged: boolean }>();
        for (const hook of hooks) {
          const kinds = JSON.parse(hook.kinds) as string[];
          const kept = oldest.get(`${hook.key_hash} ${hook.url}`);
          if (kept === undefined) oldest.set(`${hook.key_hash} ${hook.url}`, { id: hook.id, kinds: new Set(kinds), merged: false });
          else {
            for (const kind of kinds) kept.kinds.add(kind);
            kept.merged = true;
          }
        }
        for (const { id, kinds, merged } of oldest.values()) {
          if (merged) await db.updateTable("webhooks").set({ kinds: JSON.stringify([...kinds]) }).where("id", "=", id).execute();
        }
        await sql`delete from deliveries where webhook_id in (${younger})`.execute(db);
        await sql`delete from webhooks where id in (${younger})`.execute(db);
        await db.schema.createIndex("webhooks_by_url").on("webhooks").columns(["key_hash", "url"]).unique().execute();
      },
    },
    "0010-rejected-by-scope": {
      async up(db: Kysely<any>) {
        // A rejected input is shown to the API key that sent it and to whoever sends or watches its
        // brand and city, not to every caller. Rows kept before hold none of these, and are shown
        // only to readers of every brand and city.
        for (const column of ["sender", "brand", "city"]) await db.schema.alterTable("rejected").addColumn(column, "text").execute();
      },
    },
  };
}
