// Writes nobody waits for. Inside a transaction, a multi-row insert whose result nobody reads
// (bulk.ts marks them) may be sent without waiting for its answer, so that the engine goes on while
// the database writes; SQLite's thread does (sqlite-thread.ts). A connection executes in order, so
// a later read sees the insert; if it fails, the transaction's next awaited statement fails with
// its error, at the latest the commit, so nothing half-written is kept.
import type { CompiledQuery } from "kysely";

const deferrable = new WeakSet<CompiledQuery>();

export function deferred<Q extends CompiledQuery>(query: Q): Q {
  deferrable.add(query);
  return query;
}

export const isDeferrable = (query: CompiledQuery): boolean => deferrable.has(query);
