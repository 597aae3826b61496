// SQLite on a thread of its own. better-sqlite3 executes on the calling thread, so on the event loop
// every statement of a write held up the engine's work; here the connection lives in a worker
// (sqlite-worker.ts) and the engine's thread goes on while SQLite writes: on this 2-core machine
// the projection of one part of a sweep is written while the engine breaches the next.
//
// Inside a transaction, a multi-row insert whose result nobody reads is sent without waiting for
// its answer (deferred.ts); the worker executes in order.
//
// A query outside any transaction (a report, a page of claims) runs on a second, reading
// connection on the caller's thread: rows copied between threads cost more than reading them
// (290,000 rows: ~3 µs a row to clone). It still waits its turn behind a write, as before.
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from "node:worker_threads";
import SQLite from "better-sqlite3";
import { isDeferrable } from "./deferred.js";
import { signalled, type ThreadData, type ThreadReply, type ThreadRequest, type ThreadSettings } from "./sqlite-protocol.js";
import { withStatementCache } from "./sqlite-statements.js";
import {
  SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler,
  type CompiledQuery, type DatabaseConnection, type Dialect, type Driver, type Kysely, type QueryResult,
} from "kysely";

// Under vitest the source runs as TypeScript; the worker is the build's (`npm test` builds first).
const workerUrl = import.meta.url.endsWith(".ts") ? new URL("../../dist/src/store/sqlite-worker.js", import.meta.url) : new URL("./sqlite-worker.js", import.meta.url);

/** Longer than any statement's lock wait (busy_timeout, 5 s) and any sweep's commit. */
const answerWithinMs = 10 * 60_000;

/**
 * The worker, and two ways to reach it: a request sent without waiting, or a call that sleeps
 * until its answer is there. A call does not go through the event loop (a round trip through it
 * cost ~60 µs, a write's four of them a quarter of a single event's ingest): the worker answers on a
 * port of its own and raises a shared signal, and the caller takes the answer off that port.
 */
class Thread {
  readonly worker: Worker;
  private readonly signal = new Int32Array(new SharedArrayBuffer(4));
  private readonly answers: MessagePort;
  private stopped = false;

  constructor(settings: ThreadSettings) {
    const channel = new MessageChannel();
    this.answers = channel.port1;
    const data: ThreadData = { ...settings, answers: channel.port2, signal: this.signal };
    // No inherited flags: a worker refuses some (`--input-type`), and needs none.
    this.worker = new Worker(workerUrl, { workerData: data, transferList: [channel.port2], execArgv: [] });
    this.worker.on("exit", () => { this.stopped = true; });
    this.worker.unref();
  }

  send(request: ThreadRequest): void {
    if (this.stopped) throw new Error("the SQLite thread has stopped");
    this.worker.postMessage(request);
  }

  call(request: ThreadRequest): Exclude<ThreadReply, { error: unknown }> {
    if (Atomics.compareExchange(this.signal, 0, signalled.answered, signalled.asked) !== signalled.answered) this.stopped = true;
    this.send(request);
    if (Atomics.wait(this.signal, 0, signalled.asked, answerWithinMs) === "timed-out") throw new Error(`the SQLite thread gave no answer in ${answerWithinMs / 60_000} minutes`);
    const answer = receiveMessageOnPort(this.answers)?.message as ThreadReply | undefined;
    if (answer === undefined) {
      this.stopped = true;
      throw new Error("the SQLite thread has stopped");
    }
    if ("error" in answer) throw Object.assign(new Error(answer.error.message), { code: answer.error.code });
    return answer;
  }
}

class ThreadConnection implements DatabaseConnection {
  inTransaction = false;

  constructor(private readonly thread: Thread, private readonly reader: ReturnType<typeof withStatementCache> | null) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    if (!this.inTransaction && this.reader !== null && /^\s*(select|with)\b/i.test(query.sql)) {
      const statement = this.reader.prepare(query.sql);
      if (statement.readonly) return { rows: statement.all(query.parameters) as R[] };
    }
    if (this.inTransaction && isDeferrable(query)) {
      this.thread.send({ kind: "query", sql: query.sql, parameters: query.parameters, deferred: true });
      return { rows: [] };
    }
    const answer = this.thread.call({ kind: "query", sql: query.sql, parameters: query.parameters, deferred: false });
    if ("rows" in answer) return { rows: answer.rows as R[] };
    return { rows: [], numAffectedRows: BigInt(answer.changes), insertId: BigInt(answer.lastInsertRowid) };
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

  constructor(private readonly thread: Thread, private readonly reader: ReturnType<typeof withStatementCache> | null) {
    this.connection = new ThreadConnection(thread, reader);
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
    this.thread.send({ kind: "begin" }); // should it fail, the transaction's first call says so
    this.connection.inTransaction = true;
  }

  async commitTransaction(): Promise<void> {
    this.connection.inTransaction = false;
    this.thread.call({ kind: "commit" });
  }

  async rollbackTransaction(): Promise<void> {
    this.connection.inTransaction = false;
    this.thread.call({ kind: "rollback" });
  }

  async destroy(): Promise<void> {
    const worker = this.thread.worker;
    const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
    worker.ref();
    worker.postMessage({ kind: "close" } satisfies ThreadRequest);
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
      const thread = new Thread(settings);
      // A memory database exists only on its thread. The reading connection cannot write, whatever it is given.
      const reader = settings.path === ":memory:" ? null : new SQLite(settings.path, { timeout: 5_000 });
      reader?.pragma("query_only = 1");
      return new ThreadDriver(thread, reader === null ? null : withStatementCache(reader));
    },
    createIntrospector: (db: Kysely<unknown>) => new SqliteIntrospector(db),
    createQueryCompiler: () => new SqliteQueryCompiler(),
  };
}
