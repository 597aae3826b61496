// What a writer's thread (sqlite-worker.ts, postgres-worker.ts) and its caller (writer-thread.ts)
// say to each other.
import type { MessagePort } from "node:worker_threads";

export interface SqliteSettings {
  path: string;
  pragmas: string[];
}

export interface PostgresSettings {
  url: string;
  /** The advisory lock's key that serialises appending to the log. */
  lockKey: number;
  /**
   * How long the server may leave the statements sent to it without any answer before the writer
   * gives its connection up, failing them as the store being unavailable. A call waits on the
   * event loop, so this bounds how long a server that stops answering can hold it.
   */
  answerWithinMs: number;
}

/** Waiting for the log's lock is waiting for other processes' turns (a rebuild replays the whole log under it), not for a server that stopped answering. */
export const lockWithinMs = 10 * 60_000;

/** What the worker is given: its settings, where to answer, and the signal it raises when it has. */
export type ThreadData<S> = S & {
  answers: MessagePort;
  signal: Int32Array;
};

/** The signal's values: a caller sleeps while it reads `asked`; `gone` once the thread has ended. */
export const signalled = { answered: 0, asked: 1, gone: 2 } as const;

export type ThreadRequest =
  /** `name`: PostgreSQL prepares the statement under that name, once per connection. */
  | { kind: "query"; sql: string; parameters: readonly unknown[]; deferred: boolean; name?: string }
  | { kind: "begin" | "rollback" }
  /** Answered later, on the worker's own channel, so that the next transaction need not wait for it. */
  | { kind: "commit" }
  /** PostgreSQL: take or give up the log's lock between transactions, answered later like a commit. */
  | { kind: "lock" | "unlock" }
  /** Ends the refusals that follow a failed commit (the caller has seen every outcome). */
  | { kind: "reset" }
  | { kind: "close" };

export type Failure = { message: string; code: string | undefined };
/** The code of a failure because the writer thread ended (a crash): the next write has a new thread. */
export const writerStoppedCode = "ANXIN_WRITER_STOPPED";

/** What one statement gives: its rows, or what it changed. Both engines' writers answer so. */
export type StatementResult = { rows: unknown[] } | { changes: number; lastInsertRowid: number };

export type ThreadReply = StatementResult | { error: Failure };

/** The outcome of a request answered later (a commit, a lock), posted on the worker's channel in order. */
export type LaterOutcome = { committed: true } | { error: Failure };
