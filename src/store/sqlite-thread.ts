// SQLite, with a second writer on a thread of its own for the writes worth it. better-sqlite3
// executes on the thread that calls it. Most writes are short (an event, a decision) and run on
// the event loop as they always did: a call to another thread costs tens of microseconds, four of
// them a quarter of a single event's ingest. A transaction begun inside `onWriterThread` (the
// deadline sweep, a batch of events) runs on a connection in a worker (sqlite-worker.ts) instead,
// and its inserts that nobody reads are sent without waiting (deferred.ts): on this 2-core machine
// SQLite writes one part of a sweep while the engine breaches the next. Its commit is not waited
// for either: the next transaction on the thread may begin (a batch be applied) while SQLite
// commits the one before, and `onWriterThread` returns once its own commits are durable. Should a
// commit fail, the thread refuses what was sent after it until every outcome is in. Both
// connections take turns under one lock, and the event loop's waits until the thread has
// committed, so they never wait on each other's write lock and a read sees every write answered.
import { AsyncLocalStorage } from "node:async_hooks";
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from "node:worker_threads";
import SQLite from "better-sqlite3";
import { isDeferrable } from "./deferred.js";
import { signalled, type CommitOutcome, type Failure, type ThreadData, type ThreadReply, type ThreadRequest, type ThreadSettings } from "./sqlite-protocol.js";
import { execute, withStatementCache, type StatementResult } from "./sqlite-statements.js";
import {
  SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler,
  type CompiledQuery, type DatabaseConnection, type Dialect, type Driver, type Kysely, type QueryResult,
} from "kysely";

/** Inside `onWriterThread`: the outcomes of the commits its transactions sent. */
const writerThread = new AsyncLocalStorage<Promise<void>[]>();

/** Runs `work`, whose transactions begin on the writer thread; returns once their commits are durable. */
export async function onWriterThread<T>(work: () => Promise<T>): Promise<T> {
  const commits: Promise<void>[] = [];
  const result = await writerThread.run(commits, work);
  await Promise.all(commits);
  return result;
}

// Under vitest the source runs as TypeScript; the worker is the build's (`npm test` builds first).
const workerUrl = import.meta.url.endsWith(".ts") ? new URL("../../dist/src/store/sqlite-worker.js", import.meta.url) : new URL("./sqlite-worker.js", import.meta.url);

/** Longer than any statement's lock wait (busy_timeout, 5 s) and any sweep's commit. */
const answerWithinMs = 10 * 60_000;

/**
 * The writer thread, and two ways to reach it: a request sent without waiting, or a call that
 * sleeps until its answer is there. A call does not wait for the event loop: the worker answers on
 * a port of its own and raises a shared signal, and the caller takes the answer off that port.
 */
class Thread {
  readonly worker: Worker;
  private readonly signal = new Int32Array(new SharedArrayBuffer(4));
  private readonly answers: MessagePort;
  private stopped = false;
  /** Commits sent and not yet answered, oldest first. */
  private readonly outcomes: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];
  private readonly waiting: Array<() => void> = [];
  /** A commit failed: the worker refuses everything until it is reset. */
  private refused = false;
  /** A transaction is open on the thread: no reset may fall in the middle of it. */
  private open = false;

  constructor(settings: ThreadSettings) {
    const channel = new MessageChannel();
    this.answers = channel.port1;
    const data: ThreadData = { ...settings, answers: channel.port2, signal: this.signal };
    // No inherited flags: a worker refuses some (`--input-type`), and needs none.
    this.worker = new Worker(workerUrl, { workerData: data, transferList: [channel.port2], execArgv: [] });
    this.worker.on("message", (outcome: CommitOutcome) => this.settle("error" in outcome ? outcome.error : null));
    this.worker.on("exit", () => {
      this.stopped = true;
      this.open = false;
      while (this.outcomes.length > 0) this.settle({ message: "the SQLite thread has stopped", code: undefined });
      this.resetWhenDone();
    });
    this.worker.unref();
  }

  get busy(): boolean {
    return this.outcomes.length > 0 || this.refused;
  }

  get refusing(): boolean {
    return this.refused;
  }

  /** Once every commit sent has its outcome, and a refusal is over. */
  async idle(): Promise<void> {
    while (this.busy) await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  begin(): void {
    this.open = true;
    this.send({ kind: "begin" }); // should it fail, the transaction's first call says so
  }

  /** Sends the open transaction's commit; its outcome comes later. */
  commitLater(): Promise<void> {
    this.open = false;
    this.send({ kind: "commit" });
    // A process must not end while a commit it waits for is under way.
    if (this.outcomes.length === 0) this.worker.ref();
    const outcome = new Promise<void>((resolve, reject) => this.outcomes.push({ resolve, reject }));
    outcome.catch(() => {}); // its waiter hears of it; until then it is not unhandled
    return outcome;
  }

  rollback(): void {
    this.open = false;
    try {
      this.call({ kind: "rollback" });
    } finally {
      this.resetWhenDone();
    }
  }

  private settle(failure: Failure | null): void {
    const waiter = this.outcomes.shift()!;
    if (failure === null) waiter.resolve();
    else {
      this.refused = true;
      waiter.reject(Object.assign(new Error(failure.message), { code: failure.code }));
    }
    if (this.outcomes.length === 0) this.worker.unref();
    this.resetWhenDone();
  }

  /** The worker refused what followed a failed commit; once none of it is left, it may go on. */
  private resetWhenDone(): void {
    if (this.outcomes.length > 0 || this.open) return;
    if (this.refused && !this.stopped) this.send({ kind: "reset" });
    this.refused = false;
    for (const resolve of this.waiting.splice(0)) resolve();
  }

  send(request: ThreadRequest): void {
    if (this.stopped) throw new Error("the SQLite thread has stopped");
    this.worker.postMessage(request);
  }

  call(request: ThreadRequest): StatementResult {
    // Anything but `answered` means the thread has ended.
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

type Statements = ReturnType<typeof withStatementCache>;

function resultOf<R>(answer: StatementResult): QueryResult<R> {
  if ("rows" in answer) return { rows: answer.rows as R[] };
  return { rows: [], numAffectedRows: BigInt(answer.changes), insertId: BigInt(answer.lastInsertRowid) };
}

/** The one connection Kysely sees: the event loop's, or during a transaction begun on it, the thread's. */
class SqliteConnection implements DatabaseConnection {
  /** The writer thread, while a transaction runs on it. */
  thread: Thread | null = null;
  /** The writer thread, once there is one. */
  writer: Thread | null = null;

  constructor(private readonly statements: Statements) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const thread = this.thread;
    if (thread !== null) {
      if (!isDeferrable(query)) return resultOf(thread.call({ kind: "query", sql: query.sql, parameters: query.parameters, deferred: false }));
      thread.send({ kind: "query", sql: query.sql, parameters: query.parameters, deferred: true });
      return { rows: [] };
    }
    await this.afterWriter();
    return resultOf(execute(this.statements, query.sql, query.parameters));
  }

  /** The event loop's connection goes on once every commit sent to the writer thread is in. */
  async afterWriter(): Promise<void> {
    if (this.writer?.busy === true) await this.writer.idle();
  }

  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error("streaming is not used");
  }
}

/** Kysely's single-connection discipline (one statement sequence at a time) over both connections. */
class SqliteDriver implements Driver {
  private readonly connection: SqliteConnection;
  private queue: Promise<void> = Promise.resolve();
  private release: (() => void) | null = null;
  private readonly statements: Statements;

  constructor(private readonly settings: ThreadSettings, sqlite: SQLite.Database) {
    this.statements = withStatementCache(sqlite);
    this.connection = new SqliteConnection(this.statements);
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
    // A memory database exists only on its own connection.
    if (writerThread.getStore() !== undefined && this.settings.path !== ":memory:") {
      const thread = (this.connection.writer ??= new Thread(this.settings));
      // After a failed commit, what follows waits until the thread is no longer refusing.
      if (thread.refusing) await thread.idle();
      thread.begin();
      this.connection.thread = thread;
      return;
    }
    await this.connection.afterWriter();
    execute(this.statements, "begin", []);
  }

  async commitTransaction(): Promise<void> {
    this.end("commit");
  }

  async rollbackTransaction(): Promise<void> {
    this.end("rollback");
  }

  /**
   * On the event loop a failed commit leaves the transaction open, for Kysely's rollback to end it.
   * The thread's commit is answered later, to `onWriterThread`, and a failed one ends there.
   */
  private end(kind: "commit" | "rollback"): void {
    const thread = this.connection.thread;
    if (thread === null) {
      execute(this.statements, kind, []);
      return;
    }
    this.connection.thread = null;
    if (kind === "rollback") thread.rollback();
    else writerThread.getStore()!.push(thread.commitLater()); // begun on the thread, so inside onWriterThread
  }

  async destroy(): Promise<void> {
    await this.connection.afterWriter();
    const worker = this.connection.writer?.worker;
    if (worker !== undefined) {
      const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
      worker.ref();
      worker.postMessage({ kind: "close" } satisfies ThreadRequest);
      await exited;
    }
    this.statements.close();
  }
}

/** A Kysely dialect for SQLite opened with `pragmas`, with a writer thread for `onWriterThread`. */
export function sqliteWithWriterThread(settings: ThreadSettings): Dialect {
  return {
    createAdapter: () => new SqliteAdapter(),
    createDriver: () => {
      const sqlite = new SQLite(settings.path);
      for (const pragma of settings.pragmas) sqlite.pragma(pragma);
      return new SqliteDriver(settings, sqlite);
    },
    createIntrospector: (db: Kysely<unknown>) => new SqliteIntrospector(db),
    createQueryCompiler: () => new SqliteQueryCompiler(),
  };
}
