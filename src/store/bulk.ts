// Multi-row inserts, compiled once per statement and row count. Kysely turns every value of a
// 500-row insert into nodes and compiles them all again on each call, which profiled as costly as
// the database executing the statement; here the SQL of a shape is kept and only the parameters
// change. The statement is still written with Kysely's builder, so it is typed and dialect-correct.
import { CompiledQuery, InsertQueryNode, PostgresAdapter, sql, type Compilable, type Kysely, type Transaction } from "kysely";
import { deferred } from "./deferred.js";
import { copyData } from "./postgres-copy.js";
import { prepareByName } from "./postgres-pool.js";
import type { Tables } from "./database.js";

const chunkRows = 500;
/** SQL texts by shape, most recently used last; a 500-row text is some 20 kB. */
const compiled = new Map<string, string>();
const compiledLimit = 128;

/** Items that pass `test`, and those that do not: rows no row holds yet (inserted) apart from the rest (upserted). */
export function partition<T>(items: Iterable<T>, test: (item: T) => boolean): [T[], T[]] {
  const passed: T[] = [];
  const failed: T[] = [];
  for (const item of items) (test(item) ? passed : failed).push(item);
  return [passed, failed];
}

export function chunks<T>(rows: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += chunkRows) out.push(rows.slice(i, i + chunkRows));
  return out;
}

/**
 * Inserts the rows of `items` in statements of up to 500 rows; `statement` builds the insert for
 * some rows (with its conflict clause). Items become rows a chunk at a time, so that a sweep of
 * 100,000 claims never holds 100,000 rows. Every row must have the same columns, none undefined,
 * for the compiled text to be reused; otherwise that chunk is compiled as Kysely would. On
 * PostgreSQL, an insert without a conflict clause or returning goes as COPY (postgres-copy.ts),
 * unless `how.copy` is false.
 */
export async function insertRows<T, R extends object, O = unknown>(
  trx: Transaction<Tables> | Kysely<Tables>,
  items: readonly T[],
  rowOf: (item: T) => R,
  statement: (rows: R[]) => Compilable<O>,
  how: { copy?: boolean } = {},
): Promise<O[]> {
  const out: O[] = [];
  let copies: boolean | undefined;
  for (let from = 0; from < items.length; from += chunkRows) {
    const chunk = items.slice(from, from + chunkRows).map(rowOf);
    const parameters = flatParameters(chunk);
    // The one-row statement names the table, columns, conflict clause and dialect; the count does the rest.
    const one = statement(chunk.slice(0, 1)).compile();
    const insert = InsertQueryNode.is(one.query) ? one.query : null;
    copies ??= how.copy !== false && insert !== null && insert.onConflict === undefined && insert.returning === undefined
      && trx.getExecutor().adapter instanceof PostgresAdapter;
    let query: CompiledQuery<O>;
    if (copies && parameters !== null) {
      const columns = Object.keys(chunk[0]!);
      const key = `copy\n${one.sql}`;
      const text = recall(key) ?? remember(key, sql`copy ${sql.table(insert!.into!.table.identifier.name)} (${sql.join(columns.map((c) => sql.ref(c)))}) from stdin`.compile(trx).sql);
      query = CompiledQuery.raw(text, [copyData(parameters, columns.length)]) as CompiledQuery<O>;
    } else {
      const key = parameters === null ? null : `${chunk.length}\n${one.sql}`;
      const text = key === null ? undefined : recall(key);
      if (text !== undefined) query = CompiledQuery.raw(text, parameters!) as CompiledQuery<O>;
      else {
        query = statement(chunk).compile();
        if (key !== null && query.parameters.length === parameters!.length) {
          remember(key, query.sql);
          if (chunk.length === chunkRows) prepareByName(query.sql);
        }
      }
    }
    // An insert that returns nothing is not waited for (deferred.ts).
    if (insert !== null && insert.returning === undefined) deferred(query);
    out.push(...(await trx.executeQuery(query)).rows);
  }
  return out;
}

/** The rows' values in Kysely's parameter order (row by row, columns as the first row has them), or null if rows differ. */
function flatParameters(rows: readonly object[]): unknown[] | null {
  const columns = Object.keys(rows[0]!);
  const parameters: unknown[] = [];
  for (const row of rows) {
    const record = row as Record<string, unknown>;
    let count = 0;
    for (const column in record) {
      if (column !== columns[count]) return null;
      const value = record[column];
      if (value === undefined || (typeof value === "object" && value !== null)) return null; // a default, or an expression
      parameters.push(value);
      count++;
    }
    if (count !== columns.length) return null;
  }
  return parameters;
}

/** The text kept under `key`, now the most recently used. */
function recall(key: string): string | undefined {
  const text = compiled.get(key);
  if (text !== undefined) {
    compiled.delete(key);
    compiled.set(key, text);
  }
  return text;
}

function remember(key: string, text: string): string {
  compiled.set(key, text);
  if (compiled.size > compiledLimit) compiled.delete(compiled.keys().next().value!);
  return text;
}
