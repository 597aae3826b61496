import type { StatementResult } from "./writer-protocol.js";
import type SQLite from "better-sqlite3";

/**
 * Kysely prepares every query afresh; ingest runs the same few statements (a batch's multi-row
 * inserts, the projection's upserts) over and over, so prepared statements are kept by their SQL,
 * the most recent few hundred. A statement still iterating is never handed out twice.
 */
export function withStatementCache(sqlite: SQLite.Database, size = 256) {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    inTransaction: () => sqlite.inTransaction,
    prepare(sql: string): SQLite.Statement {
      const cached = cache.get(sql);
      if (cached !== undefined && !cached.busy) {
        cache.delete(sql); // re-inserted below: the Map's order is the order of use
        cache.set(sql, cached);
        return cached;
      }
      const statement = sqlite.prepare(sql);
      cache.set(sql, statement);
      if (cache.size > size) cache.delete(cache.keys().next().value!);
      return statement;
    },
  };
}

export function execute(statements: ReturnType<typeof withStatementCache>, sql: string, parameters: readonly unknown[]): StatementResult {
  // SQLite ends a transaction itself on some errors (a full disk, I/O, memory): a rollback then has
  // nothing to undo, and failing it would hide the error that ended the transaction.
  if (sql === "rollback" && !statements.inTransaction()) return { changes: 0, lastInsertRowid: 0 };
  const statement = statements.prepare(sql);
  if (statement.reader) return { rows: statement.all(parameters) };
  const { changes, lastInsertRowid } = statement.run(parameters);
  return { changes, lastInsertRowid: Number(lastInsertRowid) };
}
