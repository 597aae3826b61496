// The rules a writer's thread keeps (sqlite-worker.ts, postgres-worker.ts), whatever its database.
// It executes statements in the order they arrive and answers each call on its port, raising the
// shared signal. A statement sent without waiting is answered by nobody; if it fails, every later
// statement of the transaction fails with its error until the rollback, so that a commit never
// keeps half a write. A commit is answered later, on the worker's own channel; if it fails,
// everything after it, sent by a caller who did not know yet, is refused until the caller resets:
// those transactions were built on the failed one.
import { parentPort } from "node:worker_threads";
import { signalled, type LaterOutcome, type Failure, type ThreadData, type ThreadReply, type ThreadRequest } from "./writer-protocol.js";

export const failure = (error: unknown): Failure => ({ message: error instanceof Error ? error.message : String(error), code: (error as { code?: string }).code });

/** A request for a statement: a query, or a transaction's begin or rollback. */
export type Statement = ThreadRequest & { kind: "query" | "begin" | "rollback" };

export class WriterRules {
  /** The current transaction's failure, of a statement nobody waited for. */
  private failed: Failure | null = null;
  /** A failed commit: every request is refused until "reset". */
  private refusing: Failure | null = null;
  private readonly answers;
  private readonly signal;

  constructor(data: ThreadData<object>) {
    this.answers = data.answers;
    this.signal = data.signal;
    // A caller asleep on the signal learns that no answer will come.
    process.on("exit", () => {
      Atomics.store(this.signal, 0, signalled.gone);
      Atomics.notify(this.signal, 0);
    });
  }

  get refused(): Failure | null {
    return this.refusing;
  }

  /** Whether the statement is to be run; if not, the rules have answered it (if anyone waits). */
  admits(request: Statement): boolean {
    const refusal = this.refusing ?? (request.kind === "rollback" ? null : this.failed);
    if (request.kind === "rollback") this.failed = null;
    if (refusal === null) return true;
    // Nothing of a refused transaction ran, so its rollback has nothing to undo.
    if (waited(request)) this.answer(request.kind === "rollback" ? { changes: 0, lastInsertRowid: 0 } : { error: refusal });
    return false;
  }

  ran(request: Statement, reply: ThreadReply): void {
    if (waited(request)) this.answer(reply);
  }

  failedWith(request: Statement, error: unknown): void {
    if (waited(request)) this.answer({ error: failure(error) });
    // The first failure is the cause: statements pipelined after it fail as the transaction is aborted.
    else this.failed ??= failure(error);
  }

  /** Whether the transaction may commit: nothing in it failed and nothing is refused. */
  get mayCommit(): boolean {
    return this.refusing === null && this.failed === null;
  }

  /** A commit that failed (with `error`), or was not tried: from now on everything is refused. */
  refuseFrom(error?: unknown): LaterOutcome {
    if (error !== undefined) this.failed ??= failure(error);
    this.refusing ??= this.failed;
    this.failed = null;
    return { error: this.refusing! };
  }

  reset(): void {
    this.refusing = null;
  }

  close(): void {
    parentPort!.close();
    this.answers.close();
  }

  private answer(reply: ThreadReply): void {
    this.answers.postMessage(reply);
    Atomics.store(this.signal, 0, signalled.answered);
    Atomics.notify(this.signal, 0);
  }
}

// Sent without waiting: a deferred insert, and the begin (its failure fails the first call).
export const waited = (request: Statement): boolean => request.kind === "rollback" || (request.kind === "query" && !request.deferred);
