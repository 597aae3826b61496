// Log rows for the store's tests: events named by id, inserted as a batch inserts them (bulk.ts), and read back.
import type { Kysely, Transaction } from "kysely";
import { insertRows } from "../../src/store/bulk.js";
import type { Database, Tables } from "../../src/store/database.js";

export const logRows = (ids: string[]) => ids.map((id, i) => ({ kind: "event" as const, event_id: id, type: "showing.recorded", at: i, received_at: i, city: "beijing", brand: "lianjia", fingerprint: null, body: "{}" }));

/** `count` ids: prefix0, prefix1, … */
export const ids = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}${i}`);

/** Inserts the events' log rows by the bulk statements, so that inside a transaction nobody waits for them (deferred.ts). */
export const insertLog = (db: Transaction<Tables> | Kysely<Tables>, eventIds: string[]) => insertRows(db, logRows(eventIds), (row) => row, (rows) => db.insertInto("log").values(rows));

/** The log's event ids in the order appended. */
export const eventIds = async (database: Database) => (await database.db.selectFrom("log").select("event_id").orderBy("seq").execute()).map((r) => r.event_id);
