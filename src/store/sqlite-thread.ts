// SQLite, with a second writer on a thread of its own for the writes worth it. better-sqlite3
// executes on the thread that calls it. Most writes are short (an event, a decision) and run on
// the event loop as they always did: a call to another thread costs tens of microseconds, four of
// them a quarter of a single event's ingest. A transaction begun inside `onWriter` (the
// deadline sweep, a batch of events) runs on a connection in a worker (sqlite-worker.ts) instead,
// and its inserts that nobody reads are sent without waiting (deferred.ts): on this 2-core machine
// SQLite writes one part of a sweep while the engine breaches the next. Its commit is not waited
// for either: the next transaction on the thread may begin (a batch be applied) while SQLite
// commits the one before, and `onWriter` returns once its own commits are durable. Should a
// commit fail, the thread refuses what was sent after it until every outcome is in. Both
// connections take turns under one lock, and the event loop's waits until the thread has
// committed, so they never wait on each other's write lock and a read sees every write answered.
import SQLite from "better-sqlite3";
import { awaitedByWriter, insideWriter } from "./writer-scope.js";
import type { SqliteSettings } from "./writer-protocol.js";
import { resultOf, Thread, Turns } from "./writer-thread.js";
import { execute, withStatementCache } from "./sqlite-statements.js";
import {
  SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler,
  type CompiledQuery, type DatabaseConnection, type Dialect, type Driver, type Kysely, type QueryResult,
} from "kysely";

type Statements = ReturnType<typeof withStatementCache>;

/** The one connection Kysely sees: the event loop's, or during a transaction begun on it, the thread's. */
class SqliteConnection implements DatabaseConnection {
  /** The writer thread, while a transaction runs on it. */
  thread: Thread | null = null;
  /** The writer thread, once there is one. */
  writer: Thread | null = null;

  constructor(private readonly statements: Statements) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    if (this.thread !== null) return this.thread.execute(query);
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
  private readonly turns = new Turns();
  private release: (() => void) | null = null;
  private readonly statements: Statements;

  constructor(private readonly settings: SqliteSettings, sqlite: SQLite.Database) {
    this.statements = withStatementCache(sqlite);
    this.connection = new SqliteConnection(this.statements);
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    this.release = await this.turns.take();
    return this.connection;
  }

  async releaseConnection(): Promise<void> {
    const release = this.release!;
    this.release = null;
    release();
  }

  async beginTransaction(): Promise<void> {
    // A memory database exists only on its own connection.
    if (insideWriter() && this.settings.path !== ":memory:") {
      // A thread that ended (it crashed) is replaced: its transactions have failed, and the engine is rebuilt before the next write.
      if (this.connection.writer?.ended === true) this.connection.writer = null;
      const thread = (this.connection.writer ??= new Thread("sqlite-worker", this.settings));
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
   * The thread's commit is answered later, to `onWriter`, and a failed one ends there.
   */
  private end(kind: "commit" | "rollback"): void {
    const thread = this.connection.thread;
    if (thread === null) {
      execute(this.statements, kind, []);
      return;
    }
    this.connection.thread = null;
    if (kind === "rollback") thread.rollback();
    else awaitedByWriter(thread.commitLater()); // begun on the thread, so inside onWriter
  }

  async destroy(): Promise<void> {
    await this.connection.afterWriter();
    await this.connection.writer?.close();
    this.statements.close();
  }
}

/** A Kysely dialect for SQLite opened with `pragmas`, with a writer thread for `onWriter`. */
export function sqliteWithWriterThread(settings: SqliteSettings): Dialect {
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
