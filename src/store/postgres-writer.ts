// PostgreSQL's writer (writer-scope.ts). Every write takes the log's lock, so that processes append
// in turn. A write inside `onWriter` (a batch, a sweep) runs instead on a connection of its own, in
// a worker (postgres-worker.ts), that holds the lock between transactions: a lease. While the lease
// lasts no other process can append, so a write need not catch up first and nothing makes it wait
// for the one before: its statements follow that one's commit, and the engine applies the next
// batch while the server writes this one. After a failed commit the worker refuses what was sent
// behind it, as SQLite's does, and gives the lease up. The lease is also given up once no write is
// waiting for it, and renewed after `tenureMs`, so that other processes get their turn.
import { performance } from "node:perf_hooks";
import { PostgresDialect, PostgresDriver, type CompiledQuery, type DatabaseConnection, type Driver, type QueryResult } from "kysely";
import type pg from "pg";
import { preparedName } from "./postgres-pool.js";
import type { PostgresSettings } from "./writer-protocol.js";
import { awaitedByWriter, insideWriter } from "./writer-scope.js";
import { Thread, Turns } from "./writer-thread.js";

/** How long a lease lasts while writes keep coming, before others may take their turn. */
const tenureMs = 1_000;

/** Kysely's own pooled connection, which its driver releases and discards. */
type PoolConnection = Parameters<PostgresDriver["releaseConnection"]>[0];

/** The writer's connection as Kysely sees it, one transaction at a time. */
class LeasedConnection implements DatabaseConnection {
  constructor(readonly thread: Thread) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    return this.thread.execute(query, preparedName(query.sql));
  }

  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error("streaming is not used");
  }
}

class LeasingDriver extends PostgresDriver {
  private connection: LeasedConnection | null = null;
  private lease: { number: number; since: number } | null = null;
  private leases = 0;
  /** Writes waiting for, or holding, their turn on the writer. */
  private readonly turns = new Turns();
  private endTurn: (() => void) | null = null;

  constructor(pool: pg.Pool, private readonly settings: PostgresSettings) {
    super({ pool });
  }

  /** Inside `onWriter`, during a transaction: the lease's number (a new lease means others may have appended). */
  leaseNumber(): number | null {
    return insideWriter() && this.endTurn !== null ? this.lease?.number ?? null : null;
  }

  get leased(): boolean {
    return this.lease !== null;
  }

  override async acquireConnection(): Promise<DatabaseConnection> {
    if (!insideWriter()) return super.acquireConnection();
    const end = await this.turns.take();
    try {
      // A thread that ended (it crashed) is replaced; its session, and with it the lease's lock, ended with it.
      if (this.connection?.thread.ended === true) [this.connection, this.lease] = [null, null];
      const connection = (this.connection ??= new LeasedConnection(new Thread("postgres-worker", this.settings)));
      const thread = connection.thread;
      if (thread.refusing) await thread.idle();
      if (this.lease !== null && performance.now() - this.lease.since >= tenureMs) this.giveUp(thread);
      if (this.lease === null) {
        await thread.later({ kind: "lock" });
        this.lease = { number: ++this.leases, since: performance.now() };
      }
      this.endTurn = end;
      return connection;
    } catch (error) {
      end();
      throw error;
    }
  }

  override async beginTransaction(connection: DatabaseConnection, settings: Parameters<Driver["beginTransaction"]>[1]): Promise<void> {
    if (connection instanceof LeasedConnection) connection.thread.begin();
    else await super.beginTransaction(connection, settings);
  }

  override async commitTransaction(connection: DatabaseConnection): Promise<void> {
    if (!(connection instanceof LeasedConnection)) return super.commitTransaction(connection);
    const commit = connection.thread.commitLater();
    // A failed commit closed the worker's connection, and with it the lease.
    commit.catch(() => { this.lease = null; });
    awaitedByWriter(commit);
  }

  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    if (connection instanceof LeasedConnection) connection.thread.rollback();
    else await super.rollbackTransaction(connection as PoolConnection);
  }

  override async releaseConnection(connection: DatabaseConnection): Promise<void> {
    if (!(connection instanceof LeasedConnection)) return super.releaseConnection(connection as PoolConnection);
    const end = this.endTurn!;
    this.endTurn = null;
    end();
    // Once its commits are answered: the next batch has usually come by then, and keeps the lease.
    void connection.thread.idle().then(() => {
      if (this.turns.count === 0) this.giveUp(connection.thread);
    });
  }

  private giveUp(thread: Thread): void {
    if (this.lease === null) return;
    this.lease = null;
    // The worker's unlock never fails (a connection that cannot unlock is closed); a stopped worker's session has ended.
    thread.later({ kind: "unlock" }).catch(() => {});
  }

  override async destroy(): Promise<void> {
    const thread = this.connection?.thread;
    if (thread !== undefined) {
      await thread.idle();
      await thread.close();
    }
    await super.destroy();
  }
}

/** A Kysely dialect for PostgreSQL whose writes inside `onWriter` take turns on a lease of the log's lock. */
export class LeasingDialect extends PostgresDialect {
  private driver: LeasingDriver | null = null;

  constructor(private readonly pool: pg.Pool, private readonly settings: PostgresSettings) {
    super({ pool });
  }

  override createDriver(): Driver {
    this.driver = new LeasingDriver(this.pool, this.settings);
    return this.driver;
  }

  leaseNumber(): number | null {
    return this.driver?.leaseNumber() ?? null;
  }

  /** Whether the writer holds a lease: a write joining it then waits for no lock. */
  leased(): boolean {
    return this.driver?.leased ?? false;
  }
}
