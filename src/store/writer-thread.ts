// A writer on a thread of its own (writer-scope.ts), as its caller sees it: SQLite's connection in
// a worker (sqlite-worker.ts), or PostgreSQL's (postgres-worker.ts). Both speak writer-protocol.ts.
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from "node:worker_threads";
import type { CompiledQuery, QueryResult } from "kysely";
import { isDeferrable } from "./deferred.js";
import { isCopy } from "./postgres-copy.js";
import { signalled, writerStoppedCode, type LaterOutcome, type Failure, type StatementResult, type ThreadData, type ThreadReply, type ThreadRequest } from "./writer-protocol.js";
import { workerModule } from "./worker-module.js";

/**
 * Longer than any statement's lock wait (SQLite's busy_timeout, 5 s) and all a call may wait for
 * behind it (a sweep's commit; PostgreSQL's writer gives a silent server 30 s, answerWithinMs): a
 * thread silent for longer is stuck, and is ended.
 */
const answerWithinMs = 10 * 60_000;

/**
 * The writer thread, and two ways to reach it: a request sent without waiting, or a call that
 * sleeps until its answer is there. A call does not wait for the event loop: the worker answers on
 * a port of its own and raises a shared signal, and the caller takes the answer off that port.
 */
export class Thread {
  private readonly worker: Worker;
  private readonly signal = new Int32Array(new SharedArrayBuffer(4));
  private readonly answers: MessagePort;
  private stopped = false;
  private stoppedBy = "the writer thread has stopped";
  /** Commits (and locks) sent and not yet answered, oldest first. */
  private readonly outcomes: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];
  private readonly waiting: Array<() => void> = [];
  /** A commit failed: the worker refuses everything until it is reset. */
  private refused = false;
  /** A transaction is open on the thread: no reset may fall in the middle of it. */
  private open = false;

  /** `module`: the worker's, in this folder (sqlite-worker, postgres-worker). */
  constructor(module: string, settings: object) {
    const url = workerModule(import.meta.url, module);
    const channel = new MessageChannel();
    this.answers = channel.port1;
    const data: ThreadData<object> = { ...settings, answers: channel.port2, signal: this.signal };
    // No inherited flags: a worker refuses some (`--input-type`), and needs none.
    this.worker = new Worker(url, { workerData: data, transferList: [channel.port2], execArgv: [] });
    this.worker.on("message", (outcome: LaterOutcome) => this.settle("error" in outcome ? outcome.error : null));
    // An error the worker did not catch ends it (its exit wakes a caller asleep on the signal);
    // unheard here, it would end the whole process. The writes it fails say why.
    this.worker.on("error", (error) => {
      this.stoppedBy = `the writer thread has stopped: ${error.message}`;
      // A call may have failed already, before this event: the cause is said here too.
      process.emitWarning(this.stoppedBy, { code: writerStoppedCode });
    });
    this.worker.on("exit", () => {
      this.stopped = true;
      this.open = false;
      while (this.outcomes.length > 0) this.settle(this.stoppedFailure);
      this.resetWhenDone();
    });
    this.worker.unref();
  }

  /** What every write on a thread that ended is told: the store may take it again (unavailable.ts), as the next write has a new thread. */
  private get stoppedFailure(): Failure {
    return { message: this.stoppedBy, code: writerStoppedCode };
  }

  /** The thread has ended (a crash, or closed): its outcomes are all settled, and it takes nothing more. */
  get ended(): boolean {
    return this.stopped;
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
    this.send({ kind: "begin" }); // should it fail, the transaction's first call says so
    this.open = true;
  }

  /** Sends the open transaction's commit; its outcome comes later. */
  commitLater(): Promise<void> {
    this.open = false;
    return this.later({ kind: "commit" });
  }

  /** Sends a request whose outcome comes later, in order with the commits': a commit, or PostgreSQL's lock. */
  later(request: ThreadRequest & { kind: "commit" | "lock" | "unlock" }): Promise<void> {
    if (this.stopped) return Promise.reject(errorOf(this.stoppedFailure));
    this.send(request);
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
    } catch (error) {
      // A thread that ended took its transaction with it: nothing is left to roll back, and what
      // the caller must hear is why the transaction failed (Kysely throws a rollback's error in its place).
      if (!this.stopped) throw error;
    } finally {
      this.resetWhenDone();
    }
  }

  private settle(failure: Failure | null): void {
    const waiter = this.outcomes.shift()!;
    if (failure === null) waiter.resolve();
    else {
      this.refused = true;
      waiter.reject(errorOf(failure));
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

  /** Ends the worker once it has done everything sent before. */
  async close(): Promise<void> {
    if (this.stopped) return;
    const exited = new Promise<void>((resolve) => this.worker.once("exit", () => resolve()));
    this.worker.ref();
    this.send({ kind: "close" });
    await exited;
  }

  /** A statement of the open transaction: an insert nobody reads is sent without waiting (deferred.ts), anything else is a call. */
  execute<R>(query: CompiledQuery, name?: string): QueryResult<R> {
    const deferred = isDeferrable(query);
    const request: ThreadRequest = { kind: "query", sql: query.sql, parameters: query.parameters, deferred, ...(name === undefined ? {} : { name }) };
    // A copy's data (postgres-copy.ts) is handed over, not copied: once sent it is gone from here, and
    // a message handing it over again would be dropped, not refused.
    const data = isCopy(query.sql) ? (query.parameters[0] as Uint8Array) : null;
    if (data !== null && data.byteLength === 0) throw new Error(`a copy's data was handed over already: ${query.sql}`);
    const handed = data === null ? [] : [data.buffer as ArrayBuffer];
    if (!deferred) return resultOf(this.call(request, handed));
    this.send(request, handed);
    return { rows: [] };
  }

  send(request: ThreadRequest, handed: ArrayBuffer[] = []): void {
    if (this.stopped) throw errorOf(this.stoppedFailure);
    this.worker.postMessage(request, handed);
  }

  call(request: ThreadRequest, handed: ArrayBuffer[] = []): StatementResult {
    // Anything but `answered` means the thread has ended.
    const before = Atomics.compareExchange(this.signal, 0, signalled.answered, signalled.asked);
    if (before !== signalled.answered) {
      if (!this.stopped) this.stoppedBy = `the writer thread has stopped: ${before === signalled.gone ? "it exited" : "a call before this one was left unanswered"}`;
      this.stopped = true;
    }
    try {
      this.send(request, handed);
    } catch (error) {
      // Nothing was sent (a parameter that cannot cross to a thread, say): the thread is as it was,
      // and the caller hears why, not that the thread stopped (its rollback said so, hiding the cause).
      if (!this.stopped) Atomics.store(this.signal, 0, signalled.answered);
      throw error;
    }
    if (!this.answered()) {
      this.stoppedBy = `the writer thread gave no answer in ${answerWithinMs / 60_000} minutes`;
      this.end();
    }
    const answer = receiveMessageOnPort(this.answers)?.message as ThreadReply | undefined;
    if (answer === undefined) {
      // The thread ended during the call. Its error, if it had one, comes as an event only once the
      // event loop turns, and is said then (the "error" handler above).
      if (!this.stopped) this.stoppedBy = "the writer thread has stopped: it ended during a call; its error, if any, follows";
      this.end();
    }
    if ("error" in answer) throw errorOf(answer.error);
    return answer;
  }

  /**
   * Sleeps until the signal no longer reads `asked`, or for answerWithinMs. A wake alone is no
   * answer: the thread raises the signal, then wakes the caller, and preempted between the two, its
   * wake for one call can fall in the next call, before that one's answer is there.
   */
  private answered(): boolean {
    const until = performance.now() + answerWithinMs;
    while (Atomics.load(this.signal, 0) === signalled.asked) {
      const left = until - performance.now();
      if (left <= 0) return false;
      Atomics.wait(this.signal, 0, signalled.asked, left);
    }
    return true;
  }

  /**
   * Gives the thread up: ended, so that its connection ends too, and with it an open transaction
   * and PostgreSQL's lease of the lock (a thread left running would hold them for ever). The next
   * write has a new thread. One that has exited is left be: its error, still to come as an event,
   * would be lost.
   */
  private end(): never {
    this.stopped = true;
    if (Atomics.load(this.signal, 0) !== signalled.gone) void this.worker.terminate();
    throw errorOf(this.stoppedFailure);
  }
}

/** One at a time, in the order asked: Kysely's single-connection discipline over a writer. */
export class Turns {
  /** Those waiting for a turn or holding it. */
  count = 0;
  private last: Promise<void> = Promise.resolve();

  /** Waits for the turns asked before this one; returns what ends it. */
  async take(): Promise<() => void> {
    this.count++;
    const previous = this.last;
    let end!: () => void;
    this.last = new Promise((resolve) => { end = resolve; });
    await previous;
    return () => {
      this.count--;
      end();
    };
  }
}

/** A statement's answer as Kysely takes it. */
export function resultOf<R>(answer: StatementResult): QueryResult<R> {
  if ("rows" in answer) return { rows: answer.rows as R[] };
  return { rows: [], numAffectedRows: BigInt(answer.changes), insertId: BigInt(answer.lastInsertRowid) };
}

const errorOf = (failure: Failure): Error => Object.assign(new Error(failure.message), { code: failure.code });
