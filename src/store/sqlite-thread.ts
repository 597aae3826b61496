// SQLite on a thread of its own. better-sqlite3 executes on the calling thread, so on the event loop
// every statement of a write held up the engine's work; here the connection lives in a worker
// (sqlite-worker.ts) and the engine's thread goes on while SQLite writes: on this 2-core machine
// the projection of one part of a sweep is written while the engine breaches the next.
//
// Inside a transaction, a multi-row insert whose result nobody reads (bulk.ts marks them) is
// deferred: sent without waiting for its answer. The worker executes in order, so any later read
// sees it, and a failure fails the transaction's next awaited statement (at the latest its commit).
//
// A query outside any transaction (a report, a page of claims) runs on a second, reading
// connection on the caller's thread: rows copied between threads cost more than reading them
// (290,000 rows: ~3 µs a row to clone). It still waits its turn behind a write, as before.
import { Worker } from "node:worker_threads";
import SQLite from "better-sqlite3";
import { withStatementCache } from "./sqlite-statements.js";
import {
  CompiledQuery, SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler,
  type DatabaseConnection, type Dialect, type Driver, type Kysely, type QueryResult,
} from "kysely";

export interface ThreadSettings {
  path: string;
  pragmas: string[];
}

export type ThreadRequest =
  | { kind: "query"; id: number; sql: string; parameters: readonly unknown[]; deferred: boolean }
  | { kind: "begin" | "commit" | "rollback"; id: number }
  | { kind: "close" };

export type ThreadReply =
  | { id: number; rows: unknown[] }
  | { id: number; changes: number; lastInsertRowid: number }
  | { id: number; error: { message: string; code: string | undefined } };

/** Statements whose results are not read, sent without waiting when inside a transaction. */
const deferrable = new WeakSet<CompiledQuery>();

export function deferred<Q extends CompiledQuery>(query: Q): Q {
  deferrable.add(query);
  return query;
}

// Under vitest the source runs as TypeScript; the worker is the build's (`npm test` builds first).
const workerUrl = import.meta.url.endsWith(".ts") ? new URL("../../dist/src/store/sqlite-worker.js", import.meta.url) : new URL("./sqlite-worker.js", import.meta.url);

class ThreadConnection implements DatabaseConnection {
  inTransaction = false;
  private nextId = 0;
  private readonly waiting = new Map<number, { resolve(reply: ThreadReply): void; reject(error: Error): void }>();
  private broken: Error | null = null;

  constructor(private readonly worker: Worker, private readonly reader: ReturnType<typeof withStatementCache> | null) {
    worker.on("message", (reply: ThreadReply) => {
      const waiter = this.waiting.get(reply.id)!;
      this.waiting.delete(reply.id);
      if (this.waiting.size === 0) worker.unref();
      if ("error" in reply) waiter.reject(Object.assign(new Error(reply.error.message), { code: reply.error.code }));
      else waiter.resolve(reply);
    });
    const fail = (error: Error) => {
      this.broken = error;
      for (const waiter of this.waiting.values()) waiter.reject(error);
      this.waiting.clear();
    };
    worker.on("error", fail);
    worker.on("exit", () => fail(new Error("the SQLite thread has stopped")));
    worker.unref();
  }

  /** Sends a request; resolves with its reply (never for a deferred statement, which is answered only by a failure). */
  send(request: Omit<Extract<ThreadRequest, { kind: "query" }>, "id"> | { kind: "begin" | "commit" | "rollback" }): Promise<ThreadReply> | null {
    if (this.broken !== null) return Promise.reject(this.broken);
    const id = this.nextId++;
    this.worker.postMessage({ ...request, id });
    if (request.kind === "query" && request.deferred) return null;
    if (this.waiting.size === 0) this.worker.ref(); // the process waits for an answer it awaits
    return new Promise((resolve, reject) => this.waiting.set(id, { resolve, reject }));
  }

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    if (!this.inTransaction && this.reader !== null && /^\s*(select|with)\b/i.test(query.sql)) {
      const statement = this.reader.prepare(query.sql);
      if (statement.readonly) return { rows: statement.all(query.parameters) as R[] };
    }
    const reply = this.send({ kind: "query", sql: query.sql, parameters: query.parameters, deferred: this.inTransaction && deferrable.has(query) });
    if (reply === null) return { rows: [] };
    const answer = await reply;
    if ("rows" in answer) return { rows: answer.rows as R[] };
    if ("changes" in answer) return { rows: [], numAffectedRows: BigInt(answer.changes), insertId: BigInt(answer.lastInsertRowid) };
    throw new Error("unreachable: an error reply rejects");
  }

  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error("streaming is not used on SQLite's thread");
  }
}

/** Kysely's single-connection discipline (one statement sequence at a time), over the thread. */
class ThreadDriver implements Driver {
  private readonly connection: ThreadConnection;
  private queue: Promise<void> = Promise.resolve();
  private release: (() => void) | null = null;

  constructor(private readonly worker: Worker, private readonly reader: ReturnType<typeof withStatementCache> | null) {
    this.connection = new ThreadConnection(worker, reader);
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    const previous = this.queue;
    let release!: () => void;
    this.queue = new Promise((resolve) => { release = resolve; });
    await previous;
    this.release = release;
    return this.connection;
  }

  async releaseConnection(): Promise<void> {
    const release = this.release!;
    this.release = null;
    release();
  }

  async beginTransaction(): Promise<void> {
    await this.connection.send({ kind: "begin" });
    this.connection.inTransaction = true;
  }

  async commitTransaction(): Promise<void> {
    this.connection.inTransaction = false;
    await this.connection.send({ kind: "commit" });
  }

  async rollbackTransaction(): Promise<void> {
    this.connection.inTransaction = false;
    await this.connection.send({ kind: "rollback" });
  }

  async destroy(): Promise<void> {
    const exited = new Promise<void>((resolve) => this.worker.once("exit", () => resolve()));
    this.worker.ref();
    this.worker.postMessage({ kind: "close" } satisfies ThreadRequest);
    await exited;
    this.reader?.close();
  }
}

/** A Kysely dialect whose one SQLite connection lives on a worker thread, opened with `pragmas`. */
export function sqliteOnThread(settings: ThreadSettings): Dialect {
  return {
    createAdapter: () => new SqliteAdapter(),
    // No inherited flags: a worker refuses some (`--input-type`), and needs none.
    createDriver: () => {
      const worker = new Worker(workerUrl, { workerData: settings, execArgv: [] });
      // A memory database exists only on its thread. The reading connection cannot write, whatever it is given.
      const reader = settings.path === ":memory:" ? null : new SQLite(settings.path, { timeout: 5_000 });
      reader?.pragma("query_only = 1");
      return new ThreadDriver(worker, reader === null ? null : withStatementCache(reader));
    },
    createIntrospector: (db: Kysely<unknown>) => new SqliteIntrospector(db),
    createQueryCompiler: () => new SqliteQueryCompiler(),
  };
}
