// PostgreSQL through pg's pool, which outlives the server's restarts, with the bulk inserts
// prepared once per connection. PostgreSQL parses and plans every statement it is sent; a 500-row
// insert is a 20 kB text with thousands of parameters, and planning it cost the server as much as
// executing it (500-row inserts of log rows: 32k rows/s sent as text, 50k by name, at 0.55× the
// server's CPU). Texts registered here are sent by name, so that each connection parses each once.
import pg from "pg";
import { copyIn, isCopy } from "./postgres-copy.js";
import { lockWithinMs } from "./writer-protocol.js";

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

/** A write waiting for the log's lock (service.ts) waits for other processes' turns, bounded as the writer's wait is. */
const waitsForTurn = (text: string) => text.startsWith("select pg_advisory_xact_lock");

type BoundedConfig = pg.ClientConfig & { answerWithinMs?: number | null };

class NamingClient extends pg.Client {
  private readonly answerWithinMs: number | null;

  constructor(config?: BoundedConfig) {
    super(config);
    this.answerWithinMs = config?.answerWithinMs ?? null;
    // A connection the server closes while in use (a restart, a failover, a terminated backend)
    // fails its running statement with the cause, and is then dropped by the pool. The pool
    // listens to its idle connections only: unheard here, the error would end the process.
    this.on("error", () => {});
  }

  // Kysely runs every statement as query(text, parameters).
  override query(...args: unknown[]): never {
    const [text, values, callback] = args;
    const sent = (() => {
      if (typeof text === "string" && isCopy(text)) return copyIn(this, text, (values as [Uint8Array])[0]) as never;
      const name = typeof text === "string" ? preparedName(text) : undefined;
      const call = super.query as (...a: unknown[]) => never;
      return name === undefined ? call.apply(this, args) : call.call(this, { name, text, values }, callback);
    })();
    if (this.answerWithinMs === null || !((sent as unknown) instanceof Promise)) return sent;
    // A server that stops answering (frozen, or the network cut) would hold the statement, and the
    // request waiting for it, for ever: after that long without a byte from it, the connection is
    // given up, which fails the statement as the store being unavailable (unavailable.ts) and has
    // the pool drop the connection. A long read that keeps sending rows is not.
    const stream = this.connection.stream;
    const silence = setTimeout(() => stream.destroy(), typeof text === "string" && waitsForTurn(text) ? lockWithinMs : this.answerWithinMs);
    const heard = () => silence.refresh();
    stream.on("data", heard);
    return (sent as Promise<unknown>).finally(() => {
      clearTimeout(silence);
      stream.off("data", heard);
    }) as never;
  }
}

/**
 * `answerWithinMs`: how long the server may be silent on a statement before its connection is
 * given up, and how long a connection may take to be made (null: as long as it takes, for a
 * migration).
 */
export function postgresPool(url: string, options: { answerWithinMs: number | null; max?: number }): pg.Pool {
  const { answerWithinMs, max = 10 } = options;
  const config: pg.PoolConfig & BoundedConfig = { connectionString: url, max, Client: NamingClient, answerWithinMs, ...(answerWithinMs === null ? {} : { connectionTimeoutMillis: answerWithinMs }) };
  const pool = new pg.Pool(config);
  // An idle connection the server closed is dropped and opened afresh when next needed.
  pool.on("error", () => {});
  return pool;
}
