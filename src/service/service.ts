// The service: a thin shell around the engine. Every write takes the log's lock, catches up with
// what other processes appended, applies through the engine, appends to the log and writes the
// changed state, all in one transaction. The log is the truth; each process holds a replica.
import { sql, type Transaction } from "kysely";
import type { Catalogue } from "../domain/catalogue/index.js";
import type { AcceptedEvent, Rejection } from "../domain/events/validate.js";
import { canonicalJson } from "../domain/events/canonical.js";
import type { EventType } from "../domain/events/schema.js";
import { formatInstant, type Instant } from "../domain/time.js";
import { Engine, type Outcome } from "../engine/engine.js";
import { logLockKey, type Database, type Tables } from "../store/database.js";
import { migrate } from "../store/migrations.js";
import { isStoreUnavailable } from "../store/unavailable.js";
import { insertRows } from "../store/bulk.js";
import { forgetChanges, isNewRowConflict, writeChanges } from "../store/projection.js";
import { writeActivity } from "../store/activity.js";
import { activityOf } from "../domain/reports/activity.js";
import { applyLogRow, eventOfLogRow, eventRow, tickRow } from "./log-rows.js";
import { outbox } from "./webhooks.js";
import { GroupCommit } from "./group-commit.js";
import { runWeeklyReports } from "./owner-reports.js";
import { warnDueSoon } from "./due-soon.js";

export interface Clock {
  now(): Instant;
}

export interface ServiceOptions {
  database: Database;
  catalogue: Catalogue;
  phoneKey: string;
  clock: Clock;
  /** How long before its due time an obligation.due_soon notice goes out (default 6 hours). */
  dueSoonMs?: number;
  /**
   * A sweep breaches this many obligations at a time (default 5,000) and writes them while it
   * breaches the next (the engine's writer, writer-scope.ts).
   */
  sweepPart?: number;
}

/** What a write appends to the log: accepted events, or a tick that processed deadlines. */
type Appended = AcceptedEvent | { tickAt: Instant };
/** What a write does in its transaction, after catching up: applies to the engine, and says what to append to the log. */
type Apply = (now: Instant, trx: Transaction<Tables>, flush: () => Promise<void>) => Appended[] | Promise<Appended[]>;

export interface SubmitOptions {
  /** The shell's own admission rule (an API key's scope); a refusal is kept like any rejection. */
  admit?: (input: unknown) => Rejection | null;
}

export const maxBatchEvents = 1_000;

/** An event to submit, with its sender's admission rule. */
type Submission = { input: unknown; admit: SubmitOptions["admit"] };

export class Service {
  engine: Engine;
  private lastSeq = 0;
  /** Whether the engine holds every row of the log up to lastSeq: false until caught up, and after a failed write. */
  private caughtUp = false;
  /** The writer's lease under which the engine was last caught up (Database.writerLease). */
  private caughtUpLease: number | null = null;
  /** A write failed after applying to the engine: the next one starts from a fresh engine. */
  private rebuildFirst = false;
  /** Whether rows the engine takes for new are inserted, not upserted: until a write finds one in the store (write). */
  private newRows = true;
  /** Writes on the writer that applied to the engine and have not settled: a write elsewhere waits for them. */
  private readonly applied = new Set<Promise<unknown>>();
  private readonly singles = new GroupCommit<Submission, Outcome>((submissions) => this.submitEach(submissions), maxBatchEvents, (error) => !isStoreUnavailable(error));
  private readonly options: ServiceOptions;
  private readonly dueSoonMs: number;
  private readonly sweepPart: number;
  /** When the next week's owner reports fall due, once a tick has read the schedule (another process may have run them since). */
  private weeklyReportsAt: Instant | null = null;

  constructor(options: ServiceOptions) {
    this.options = options;
    this.dueSoonMs = options.dueSoonMs ?? 6 * 3_600_000;
    this.sweepPart = options.sweepPart ?? 5_000;
    this.engine = this.freshEngine();
  }

  get database(): Database { return this.options.database; }

  /** Migrates, rebuilds the engine from the log, and processes whatever fell due while down. */
  async start(): Promise<{ replayed: number; processed: number }> {
    await migrate(this.database);
    const replayed = await this.write(() => []);
    await this.backfillReports();
    const processed = await this.tick();
    return { replayed, processed };
  }

  /** Once per store, fills what a migration added for the history logged before it. */
  private async backfillReports(): Promise<void> {
    // 0004 and 0005: claim, obligation and risk columns re-projected; listing and daily activity counted from the log.
    await this.once("report-projections", async (trx) => {
      const { state } = this.engine;
      for (const id of state.claims.keys()) state.changes.claims.add(id);
      for (const o of state.obligations.values()) state.changes.obligation(o);
      for (const key of state.risks.keys()) state.changes.risks.add(key);
      for (let after = 0; ;) {
        const rows = await trx.selectFrom("log").selectAll().where("kind", "=", "event").where("seq", ">", after).orderBy("seq").limit(5_000).execute();
        if (rows.length === 0) break;
        await writeActivity(trx, activityOf(rows.map(eventOfLogRow)));
        after = Number(rows.at(-1)!.seq);
      }
    });
    // 0006: an obligation's view moved from its JSON into columns.
    await this.once("obligation-columns", async () => {
      for (const o of this.engine.state.obligations.values()) this.engine.state.changes.obligation(o);
    });
  }

  /** Runs `fill` in a write, unless the store has run it before; what it marks changed is written with it. */
  private async once(name: string, fill: (trx: Transaction<Tables>) => Promise<void>): Promise<void> {
    await this.write(async (now, trx) => {
      if ((await trx.selectFrom("schedules").select("name").where("name", "=", name).executeTakeFirst()) !== undefined) return [];
      await fill(trx);
      await trx.insertInto("schedules").values({ name, done_until: now }).execute();
      return [];
    });
  }

  /** One event, answered once durable. Events sent one at a time are written together on the event loop's next turn (group-commit.ts). */
  submit(input: unknown, options: SubmitOptions = {}): Promise<Outcome> {
    return this.singles.submit({ input, admit: options.admit });
  }

  /**
   * Applies events in order, each on its own merits, in one transaction. A batch is written by the
   * engine's writer (writer-scope.ts), so that the next batch is applied while this one commits.
   */
  submitBatch(inputs: readonly unknown[], options: SubmitOptions = {}): Promise<Outcome[]> {
    return this.submitEach(inputs.map((input) => ({ input, admit: options.admit })));
  }

  private async submitEach(submissions: readonly Submission[]): Promise<Outcome[]> {
    let outcomes: Outcome[] = [];
    await this.write((now) => {
      outcomes = submissions.map(({ input, admit }) => {
        const refusal = admit?.(input) ?? null;
        return refusal === null ? this.engine.submit(input, { now }) : this.engine.refuse(input, refusal, now);
      });
      return outcomes.flatMap((o) => (o.status === "accepted" ? [o.event] : []));
    }, { onWriter: submissions.length > 1 });
    return outcomes;
  }

  /**
   * A person's decision as a command event. The idempotency key names the event: the same key
   * with the same request is answered as a duplicate, with another request as a conflict.
   */
  async command(command: { idempotencyKey: string; type: EventType; city: string; brand: string; data: Record<string, unknown> }): Promise<Outcome> {
    const id = `cmd/${command.idempotencyKey}`;
    let outcome: Outcome | undefined;
    await this.write(async (now, trx) => {
      if (this.engine.state.seen.has(id)) {
        const row = await trx.selectFrom("log").select("body").where("event_id", "=", id).executeTakeFirstOrThrow();
        const earlier = JSON.parse(row.body!) as { type: string; data: unknown };
        const same = earlier.type === command.type && canonicalJson(earlier.data) === canonicalJson(command.data);
        outcome = same
          ? { status: "duplicate", eventId: id }
          : { status: "rejected", eventId: id, rejection: { code: "conflict", message: "this Idempotency-Key was used for another request", field: "idempotency-key" } };
        return [];
      }
      const event = { id, type: command.type, occurredAt: formatInstant(now), city: command.city, brand: command.brand, data: command.data };
      outcome = this.engine.submit(event, { now });
      return outcome.status === "accepted" ? [outcome.event] : [];
    });
    return outcome!;
  }

  /** Keeps an input refused before validation (a body that was not JSON). */
  refuse(input: unknown, rejection: Rejection): Promise<Outcome> {
    return this.singles.submit({ input, admit: () => rejection });
  }

  /**
   * Breaches every obligation due by now and warns of those falling due soon. Only a tick that
   * breached something is logged; each tick also catches this replica up with other processes.
   */
  async tick(): Promise<number> {
    let processed = 0;
    let reportsAt: Instant | null = null;
    // A sweep is written by the engine's writer, a part while the engine breaches the next. A tick
    // with nothing due joins the writer only while it holds a lease (PostgreSQL; then it reads
    // nothing), rather than wait for the lock; otherwise the writer's reads would hold the event loop.
    const dueBefore = this.engine.nextDueAt();
    const toWriter = (dueBefore !== null && dueBefore <= this.now()) || this.database.writerLeased();
    await this.write(async (now, trx, flush) => {
      // A read on the writer waits for every batch before it: each is made only when it may find something.
      const due = this.engine.nextDueAt();
      if (due !== null && due <= now + this.dueSoonMs) await warnDueSoon(trx, this.engine, now, this.dueSoonMs);
      if (this.weeklyReportsAt === null || now >= this.weeklyReportsAt) reportsAt = (await runWeeklyReports(trx, now)).nextAt;
      if (due === null || due > now) return [];
      let part: number;
      do {
        part = this.engine.tick(now, { inclusive: true, limit: this.sweepPart });
        processed += part;
        await flush();
      } while (part === this.sweepPart);
      return processed > 0 ? [{ tickAt: now }] : [];
    }, { onWriter: toWriter });
    // Only once committed: a rolled-back run reported nothing.
    if (reportsAt !== null) this.weeklyReportsAt = reportsAt;
    return processed;
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
  private async write(apply: Apply, how: { onWriter?: boolean } = {}): Promise<number> {
    try {
      return await this.writeOnce(apply, how);
    } catch (error) {
      // A row taken for new was in the store, its writer replaying otherwise: upsert all, write again.
      if (!isNewRowConflict(error)) throw error;
      this.newRows = false;
      return this.writeOnce(apply, how);
    }
  }

  private async writeOnce(apply: Apply, how: { onWriter?: boolean }): Promise<number> {
    // A rebuild replays the whole log: not on the writer, whose reads hold the event loop.
    if (how.onWriter === true && (this.rebuildFirst || !this.caughtUp)) await this.write(() => []);
    let touched: Engine | null = null;
    let settled!: () => void;
    const done = new Promise<void>((resolve) => { settled = resolve; });
    const transaction = () => this.database.db.transaction().execute(async (trx) => {
      const lease = this.database.writerLease();
      if (this.database.engine === "postgres" && lease === null) await sql`select pg_advisory_xact_lock(${logLockKey})`.execute(trx);
      if (how.onWriter === true) this.applied.add(done);
      else await Promise.all(this.applied);
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
    });
    try {
      return await (how.onWriter === true ? this.database.onWriter(transaction) : transaction());
    } catch (error) {
      // Not here: a write under way may still be applying to this engine (it will fail with this one).
      if (touched === this.engine) this.rebuildFirst = true;
      throw error;
    } finally {
      this.applied.delete(done);
      settled();
    }
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
  private now(): Instant {
    return Math.max(this.options.clock.now(), this.engine.state.clock);
  }

  private freshEngine(): Engine {
    return new Engine({ catalogue: this.options.catalogue, phoneKey: this.options.phoneKey });
  }
}
