// The process's replica of the engine, and the one way to change it. Every write takes the log's
// lock, catches up with what other processes appended, applies through the engine, appends to the
// log and writes the changed state, all in one transaction. The log is the truth.
import { sql, type Transaction } from "kysely";
import type { Catalogue } from "../domain/catalogue/index.js";
import type { AcceptedEvent } from "../domain/events/validate.js";
import type { Instant } from "../domain/time.js";
import { activityOf } from "../domain/reports/activity.js";
import { Engine } from "../engine/engine.js";
import { writeActivity } from "../store/activity.js";
import { insertRows } from "../store/bulk.js";
import { logLockKey, openableOnThread, type Database, type Tables } from "../store/database.js";
import { forgetChanges, isNewRowConflict, writeChanges } from "../store/projection.js";
import { WireReader } from "../engine/event-wire.js";
import { applyLogRow, eventRow, logRowApplier, tickRow } from "./log-rows.js";
import { readLog, readLogOnThreadFrom } from "./log-reader.js";
import { outbox } from "./webhooks.js";

export interface Clock {
  now(): Instant;
}

/** What a write appends to the log: accepted events, or a tick that processed deadlines. */
export type Appended = AcceptedEvent | { tickAt: Instant };
/** What a write does in its transaction, after catching up: applies to the engine, and says what to append to the log. */
export type Apply = (now: Instant, trx: Transaction<Tables>, flush: () => Promise<void>) => Appended[] | Promise<Appended[]>;

/** A write found the engine's rebuild due, which it did not expect: it is tried again (Replica.write). */
class RebuildPending extends Error {}

/** Asked of the engine while it cannot answer: it may hold what a failed write applied, or is being rebuilt. */
export class EngineRebuilding extends Error {
  constructor() {
    super("this process is rebuilding its engine from the log after a failed write; send the request again shortly");
  }
}

export class Replica {
  /** The engine, as a write has it: inside a write it is caught up; outside one, answer from `current`. */
  engine: Engine;
  private lastSeq = 0;
  /** Whether the engine holds every row of the log up to lastSeq: false until caught up, and after a failed write. */
  private caughtUp = false;
  /** The writer's lease under which the engine was last caught up (Database.writerLease). */
  private caughtUpLease: number | null = null;
  /** The engine is fresh, or a write failed after applying to it: the next write starts from a fresh engine. */
  private rebuildFirst = true;
  /** A rebuild read ahead of the write that needs it, while under way (rebuildAhead). */
  private rebuilding: Promise<number> | null = null;
  /** Whether rows the engine takes for new are inserted, not upserted: until a write finds one in the store (write). */
  private newRows = true;
  /** Writes on the writer that applied to the engine and have not settled: a write elsewhere waits for them. */
  private readonly applied = new Set<Promise<unknown>>();

  /** `readLogOnThreadFrom`: a rebuild reads a log this many rows long or longer on a thread (default log-reader.ts's). */
  constructor(private readonly options: { database: Database; catalogue: Catalogue; phoneKey: string; clock: Clock; readLogOnThreadFrom?: number }) {
    this.engine = this.freshEngine();
  }

  /**
   * The engine to answer from (checks, reads): refused from a failed write until the engine rebuilt
   * from the log is caught up. Until then it may hold what the write applied and the log does not
   * (a consent granted, a claim paid), or only the start of the log (a consent's withdrawal not yet
   * replayed): a pre-call check would allow a call the log forbids. A write under way is answered
   * from as soon as it has applied, before its commit (which a check does not wait for): should the
   * commit fail, what was answered meanwhile was the sender's event the store did not keep.
   */
  get current(): Engine {
    if (this.rebuildFirst || !this.caughtUp) throw new EngineRebuilding();
    return this.engine;
  }

  private get database(): Database {
    return this.options.database;
  }

  /**
   * One write: lock, catch up from the log, apply, append, project. If anything fails the
   * transaction rolls back and the engine is rebuilt from the log before the next write, so memory
   * never holds what the database does not. A write on the engine's writer (a batch, a sweep)
   * that follows a good one under the same lease does not catch up: nobody else can have appended
   * (database.ts, writerLease), and a read there would wait for the commits before it. Should one
   * fail, those applied after it fail with it (writer-scope.ts); they find the rebuild pending, and
   * a write elsewhere (it may hold the lock as soon as a failed lease ends) waits until they have.
   */
  async write(apply: Apply, how: { onWriter?: boolean } = {}): Promise<number> {
    let [rebuildHere, upserting] = [false, false];
    for (;;) {
      try {
        return await this.writeOnce(apply, how, rebuildHere);
      } catch (error) {
        // A write before it failed while it waited: tried again, once, after the rebuild (writeOnce).
        if (error instanceof RebuildPending && !rebuildHere) {
          rebuildHere = true;
          continue;
        }
        // A row taken for new was in the store, its writer replaying otherwise: upsert all, write
        // again. Once per write: a batch pipelined behind the one that met it fails with the same
        // conflict, after `newRows` is already off.
        if (!isNewRowConflict(error) || upserting) throw error;
        [this.newRows, upserting] = [false, true];
      }
    }
  }

  private async writeOnce(apply: Apply, how: { onWriter?: boolean }, rebuildHere: boolean): Promise<number> {
    if (this.rebuildFirst) await this.rebuildAhead();
    // A rebuild replays the whole log: not on the writer, whose reads hold the event loop.
    if (how.onWriter === true && (this.rebuildFirst || !this.caughtUp)) await this.write(() => []);
    // A rebuild this write did not expect became due while it waited for its turn or the lock (a
    // write before it failed): it gives them back and is tried again, its rebuild read ahead and not
    // on the writer, rather than replay the log holding them. Tried again, it rebuilds where it is.
    const rebuildExpected = rebuildHere || this.rebuildFirst;
    let touched: Engine | null = null;
    // Not when another engine is in place: a write under way may have rebuilt it (it found the rebuild due).
    const rebuildDue = () => { if (touched === this.engine) this.rebuildFirst = true; };
    let settled!: () => void;
    const done = new Promise<void>((resolve) => { settled = resolve; });
    const inTransaction = async (trx: Transaction<Tables>): Promise<number> => {
      const lease = this.database.writerLease();
      if (this.database.engine === "postgres" && lease === null) await sql`select pg_advisory_xact_lock(${logLockKey})`.execute(trx);
      if (how.onWriter === true) this.applied.add(done);
      else await Promise.all(this.applied);
      if (this.rebuildFirst && !rebuildExpected) throw new RebuildPending();
      if (this.rebuildFirst) [this.engine, this.lastSeq, this.caughtUp, this.rebuildFirst] = [this.freshEngine(), 0, false, false];
      touched = this.engine;
      const caughtUp = how.onWriter === true && lease !== null && lease === this.caughtUpLease && this.caughtUp ? 0 : await this.catchUp(trx);
      this.caughtUp = true;
      this.caughtUpLease = lease;
      forgetChanges(this.engine);
      const now = this.now();
      const notify = outbox(trx);
      /** Writes what the engine changed so far (a long write may write in parts). */
      const flush = async () => {
        await notify(this.engine.state.notices, this.engine.state, now);
        await writeChanges(trx, this.engine, { newRows: this.newRows });
      };
      const appended = await apply(now, trx, flush);
      if (appended.length > 0) {
        // Numbered here, so that nothing waits for the insert (a number taken meanwhile fails it).
        await insertRows(trx, appended, (a) => ({ seq: ++this.lastSeq, ...("tickAt" in a ? tickRow(a.tickAt) : eventRow(a, now)) }), (rows) => trx.insertInto("log").values(rows));
        await writeActivity(trx, activityOf(appended.filter((a): a is AcceptedEvent => !("tickAt" in a))), this.newRows ? this.engine.state.changes.showings : undefined);
      }
      await flush();
      return caughtUp;
    };
    const transaction = () => this.database.db.transaction().execute(async (trx) => {
      try {
        return await inTransaction(trx);
      } catch (error) {
        // Here, before the rollback hands the writer's turn or the lock to the next write: it must
        // find the rebuild due (on the writer it would not wait for this write to settle first).
        rebuildDue();
        throw error;
      }
    });
    try {
      return await (how.onWriter === true ? this.database.onWriter(transaction) : transaction());
    } catch (error) {
      rebuildDue(); // a commit that failed, its transaction's work done
      throw error;
    } finally {
      this.applied.delete(done);
      settled();
    }
  }

  /**
   * Rebuilds the engine, if the next write must, from a long log read on a thread, outside any
   * transaction (log-reader.ts): a city-year's rebuild in a write took ten minutes, holding the
   * log's lock and, on SQLite, the event loop. A start's first write must; so must the write after
   * a failed one. The log only grows, so the engine read ahead is what that write's catch-up would
   * have rebuilt, and the write takes only what was appended since. It is built beside the current
   * one and swapped in once the writes applied to that one have settled (their seqs are numbered
   * from it), unless a write has rebuilt meanwhile. Returns how many rows it applied; none for a
   * short log, or if the thread could not read it: the write then rebuilds in its transaction, as
   * before, and says why the store fails.
   */
  rebuildAhead(): Promise<number> {
    this.rebuilding ??= this.readAhead().finally(() => { this.rebuilding = null; });
    return this.rebuilding;
  }

  private async readAhead(): Promise<number> {
    if (!this.rebuildFirst || !openableOnThread(this.database)) return 0;
    const last = await this.database.db.selectFrom("log").select((eb) => eb.fn.max("seq").as("seq")).executeTakeFirst();
    const rows = Number(last?.seq ?? 0);
    if (rows < (this.options.readLogOnThreadFrom ?? readLogOnThreadFrom)) return 0;
    const engine = this.freshEngine();
    const wire = new WireReader();
    const apply = logRowApplier(engine);
    let [applied, lastSeq] = [0, 0];
    try {
      for await (const page of readLog(this.database, 0, rows)) {
        applied += wire.each(page, apply);
        lastSeq = page.position;
        forgetChanges(engine);
      }
    } catch (error) {
      process.emitWarning(`the log could not be read on a thread; the next write reads it: ${(error as Error).message}`);
      return 0;
    }
    await Promise.allSettled([...this.applied]);
    if (!this.rebuildFirst) return 0;
    [this.engine, this.lastSeq, this.caughtUp, this.rebuildFirst] = [engine, lastSeq, false, false];
    return applied;
  }

  private async catchUp(trx: Transaction<Tables>): Promise<number> {
    let applied = 0;
    for (;;) {
      const rows = await trx.selectFrom("log").selectAll().where("seq", ">", this.lastSeq).orderBy("seq").limit(5_000).execute();
      if (rows.length === 0) return applied;
      for (const row of rows) {
        applyLogRow(this.engine, row);
        this.lastSeq = Number(row.seq);
      }
      forgetChanges(this.engine); // their writers wrote them; a rebuild's would hold the whole log
      applied += rows.length;
    }
  }

  /** The clock's time, or the engine's if later: the log's times never go backwards, so replaying it gives the engine the same clock. */
  now(): Instant {
    return Math.max(this.options.clock.now(), this.engine.state.clock);
  }

  private freshEngine(): Engine {
    return new Engine({ catalogue: this.options.catalogue, phoneKey: this.options.phoneKey });
  }
}
