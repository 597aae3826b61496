// PostgreSQL through pg's pool, which outlives the server's restarts, with the bulk inserts
// prepared once per connection. PostgreSQL parses and plans every statement it is sent; a 500-row
// insert is a 20 kB text with thousands of parameters, and planning it cost the server as much as
// executing it (500-row inserts of log rows: 32k rows/s sent as text, 50k by name, at 0.55× the
// server's CPU). Texts registered here are sent by name, so that each connection parses each once.
import pg from "pg";
import { copyIn, isCopy } from "./postgres-copy.js";

// int8 columns hold fen and epoch milliseconds, always below 2^53: read them as numbers.
pg.types.setTypeParser(20, (text) => {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new Error(`int8 ${text} is beyond a safe integer`);
  return value;
});

const names = new Map<string, string>();

/**
 * Has `text` prepared by name on every connection that runs it. The server keeps it for the
 * connection's life, so only a fixed set of texts belongs here (bulk.ts: one per table and full
 * chunk, for either engine; SQLite's texts are never sent here and only sit in this small map).
 */
export function prepareByName(text: string): void {
  if (!names.has(text)) names.set(text, `anxin_${names.size + 1}`);
}

/** The name `text` is prepared under, if it is one of those. */
export const preparedName = (text: string): string | undefined => names.get(text);

class NamingClient extends pg.Client {
  constructor(config?: pg.ClientConfig) {
    super(config);
    // A connection the server closes while in use (a restart, a failover, a terminated backend)
    // fails its running statement with the cause, and is then dropped by the pool. The pool
    // listens to its idle connections only: unheard here, the error would end the process.
    this.on("error", () => {});
  }

  // Kysely runs every statement as query(text, parameters).
  override query(...args: unknown[]): never {
    const [text, values, callback] = args;
    if (typeof text === "string" && isCopy(text)) return copyIn(this, text, (values as [Uint8Array])[0]) as never;
    const name = typeof text === "string" ? preparedName(text) : undefined;
    const call = super.query as (...a: unknown[]) => never;
    return name === undefined ? call.apply(this, args) : call.call(this, { name, text, values }, callback);
  }
}

export function postgresPool(url: string): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: 10, Client: NamingClient });
  // An idle connection the server closed is dropped and opened afresh when next needed.
  pool.on("error", () => {});
  return pool;
}
