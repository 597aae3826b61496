// The service: a thin shell around the engine. Events, decisions and ticks go in as writes on this
// process's replica of the engine (replica.ts): each takes the log's lock, catches up with what
// other processes appended, applies, appends to the log and writes the changed state, all in one
// transaction. The log is the truth.
import type { Transaction } from "kysely";
import type { Catalogue } from "../domain/catalogue/index.js";
import { checkEvent, type Rejection } from "../domain/events/validate.js";
import { canonicalJson } from "../domain/events/canonical.js";
import type { EventType } from "../domain/events/schema.js";
import { formatInstant, type Instant } from "../domain/time.js";
import { keptKey } from "../domain/phone.js";
import type { Engine, Outcome } from "../engine/engine.js";
import type { Database, Tables } from "../store/database.js";
import { migrate } from "../store/migrations.js";
import { isStoreUnavailable } from "../store/unavailable.js";
import { writeActivity } from "../store/activity.js";
import { activityOf } from "../domain/reports/activity.js";
import { eventOfLogRow } from "./log-rows.js";
import { GroupCommit } from "./group-commit.js";
import { runWeeklyReports, type Write } from "./owner-reports.js";
import { warnDueSoon } from "./due-soon.js";
import { Replica, type Clock } from "./replica.js";

export type { Clock } from "./replica.js";

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
  /** A start, or a rebuild after a failed write, reads a log this many rows long or longer on a thread (default log-reader.ts's readLogOnThreadFrom). */
  readLogOnThreadFrom?: number;
}

export interface SubmitOptions {
  /** The shell's own admission rule (an API key's scope); a refusal is kept like any rejection. */
  admit?: (input: unknown) => Rejection | null;
  /** Who sends it (an API key's hash), kept with a rejection so that they can read it back. */
  sender?: string;
}

export const maxBatchEvents = 1_000;

/** An event to submit, with its sender's admission rule. */
type Submission = { input: unknown } & SubmitOptions;

export class Service {
  /** This process's replica of the engine (replica.ts): every write goes through it. */
  readonly replica: Replica;
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
    this.replica = new Replica(options);
  }

  get database(): Database {
    return this.options.database;
  }

  /** The engine to answer checks and reads from: throws EngineRebuilding after a failed write until rebuilt (replica.ts). */
  get engine(): Engine {
    return this.replica.current;
  }

  /** Migrates, rebuilds the engine from the log, and processes whatever fell due while down. */
  async start(): Promise<{ replayed: number; processed: number }> {
    await migrate(this.database);
    const replayed = (await this.replica.rebuildAhead()) + (await this.replica.write(() => []));
    await this.backfillReports();
    const processed = await this.tick();
    return { replayed, processed };
  }

  /** Once per store, fills what a migration added for the history logged before it. */
  private async backfillReports(): Promise<void> {
    // 0004 and 0005: claim, obligation and risk columns re-projected; listing and daily activity counted from the log.
    await this.once("report-projections", async (trx) => {
      const { state } = this.replica.engine;
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
    // 0011: complaints keep their rating, read once from the closings logged before.
    await this.once("complaint-ratings", async (trx) => {
      for (let after = 0; ;) {
        const rows = await trx.selectFrom("log").selectAll().where("kind", "=", "event").where("type", "=", "complaint.closed").where("seq", ">", after).orderBy("seq").limit(5_000).execute();
        if (rows.length === 0) break;
        await writeActivity(trx, { ...activityOf([]), ratings: activityOf(rows.map(eventOfLogRow)).ratings });
        after = Number(rows.at(-1)!.seq);
      }
    });
    // 0006: an obligation's view moved from its JSON into columns.
    await this.once("obligation-columns", async () => {
      for (const o of this.replica.engine.state.obligations.values()) this.replica.engine.state.changes.obligation(o);
    });
  }

  /** Runs `fill` in a write, unless the store has run it before; what it marks changed is written with it. */
  private async once(name: string, fill: (trx: Transaction<Tables>) => Promise<void>): Promise<void> {
    await this.replica.write(async (now, trx) => {
      if ((await trx.selectFrom("schedules").select("name").where("name", "=", name).executeTakeFirst()) !== undefined) return [];
      await fill(trx);
      await trx.insertInto("schedules").values({ name, done_until: now }).execute();
      return [];
    });
  }

  /** One event, answered once durable. Events sent one at a time are written together on the event loop's next turn (group-commit.ts). */
  submit(input: unknown, options: SubmitOptions = {}): Promise<Outcome> {
    return this.singles.submit({ input, ...options });
  }

  /**
   * Applies events in order, each on its own merits, in one transaction. A batch is written by the
   * engine's writer (writer-scope.ts), so that the next batch is applied while this one commits.
   */
  submitBatch(inputs: readonly unknown[], options: SubmitOptions = {}): Promise<Outcome[]> {
    return this.submitEach(inputs.map((input) => ({ input, ...options })));
  }

  private async submitEach(submissions: readonly Submission[]): Promise<Outcome[]> {
    let outcomes: Outcome[] = [];
    await this.replica.write((now) => {
      outcomes = submissions.map(({ input, admit, sender }) => {
        const refusal = admit?.(input) ?? null;
        const receipt = sender === undefined ? { now } : { now, sender };
        return refusal === null ? this.replica.engine.submit(input, receipt) : this.replica.engine.refuse(input, refusal, receipt);
      });
      return outcomes.flatMap((o) => (o.status === "accepted" ? [o.event] : []));
    }, { onWriter: submissions.length > 1 });
    return outcomes;
  }

  /**
   * A person's decision as a command event. The idempotency key names the event (hashed if it
   * holds a phone): the same key with the same request is answered as a duplicate, with another
   * request as a conflict.
   */
  async command(command: { idempotencyKey: string; type: EventType; city: string; brand: string; data: Record<string, unknown> }): Promise<Outcome> {
    const id = `cmd/${keptKey(command.idempotencyKey, this.options.phoneKey)}`;
    let outcome: Outcome | undefined;
    await this.replica.write(async (now, trx) => {
      const event = { id, type: command.type, occurredAt: formatInstant(now), city: command.city, brand: command.brand, data: command.data };
      // Before 2026-11-28 a key holding a phone named its event as sent: a retry of one is that event's.
      const earlierId = [id, `cmd/${command.idempotencyKey}`].find((known) => this.replica.engine.state.seen.has(known));
      if (earlierId !== undefined) {
        const row = await trx.selectFrom("log").select("body").where("event_id", "=", earlierId).executeTakeFirstOrThrow();
        const earlier = JSON.parse(row.body!) as { type: string; data: unknown };
        // Compared as it would be kept (a phone in its text masked: accept.ts), as the earlier one was.
        const kept = checkEvent(event, { phoneKey: this.options.phoneKey });
        const same = kept.ok && earlier.type === command.type && canonicalJson(earlier.data) === canonicalJson(kept.event.data);
        outcome = same
          ? { status: "duplicate", eventId: earlierId }
          : { status: "rejected", eventId: earlierId, rejection: { code: "conflict", message: "this Idempotency-Key was used for another request", field: "idempotency-key" } };
        return [];
      }
      outcome = this.replica.engine.submit(event, { now });
      return outcome.status === "accepted" ? [outcome.event] : [];
    });
    return outcome!;
  }

  /** Keeps an input refused before validation (a body that was not JSON). */
  refuse(input: unknown, rejection: Rejection, options: Omit<SubmitOptions, "admit"> = {}): Promise<Outcome> {
    return this.singles.submit({ input, ...options, admit: () => rejection });
  }

  /** The sweep, then the owners' reports of a week that has ended. A served process runs the two apart (serve.ts). */
  async tick(): Promise<number> {
    const processed = await this.sweep();
    await this.ownerReports();
    return processed;
  }

  /**
   * Breaches every obligation due by now and warns of those falling due soon. Only a sweep that
   * breached something is logged (as a tick); each also catches this replica up with other processes.
   */
  async sweep(): Promise<number> {
    let processed = 0;
    // A sweep is written by the engine's writer, a part while the engine breaches the next. A tick
    // with nothing due joins the writer only while it holds a lease (PostgreSQL; then it reads
    // nothing), rather than wait for the lock; otherwise the writer's reads would hold the event loop.
    const dueBefore = this.replica.engine.nextDueAt();
    const toWriter = (dueBefore !== null && dueBefore <= this.replica.now()) || this.database.writerLeased();
    await this.replica.write(async (now, trx, flush) => {
      // A read on the writer waits for every batch before it: each is made only when it may find something.
      const due = this.replica.engine.nextDueAt();
      if (due !== null && due <= now + this.dueSoonMs) await warnDueSoon(trx, this.replica.engine, now, this.dueSoonMs);
      if (due === null || due > now) return [];
      let part: number;
      do {
        part = this.replica.engine.tick(now, { inclusive: true, limit: this.sweepPart });
        processed += part;
        await flush();
      } while (part === this.sweepPart);
      return processed > 0 ? [{ tickAt: now }] : [];
    }, { onWriter: toWriter });
    return processed;
  }

  /**
   * Generates the owners' reports of the weeks that have ended since the last run, if any has. A
   * city-year's week takes ~12 s, built on a thread and inserted a part a write, between the others
   * (owner-reports.ts); a served process runs it beside the sweep, which need not wait for it.
   */
  async ownerReports(): Promise<void> {
    const now = this.replica.now();
    if (this.weeklyReportsAt !== null && now < this.weeklyReportsAt) return;
    const write: Write = async (work) => {
      await this.replica.write(async (_now, trx) => { await work(trx); return []; });
    };
    this.weeklyReportsAt = (await runWeeklyReports(this.database, write, now)).nextAt;
  }
}
