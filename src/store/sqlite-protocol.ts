// What SQLite's thread (sqlite-worker.ts) and its caller (sqlite-thread.ts) say to each other.
import type { MessagePort } from "node:worker_threads";
import type { StatementResult } from "./sqlite-statements.js";

export interface ThreadSettings {
  path: string;
  pragmas: string[];
}

/** What the worker is given: the settings, where to answer, and the signal it raises when it has. */
export interface ThreadData extends ThreadSettings {
  answers: MessagePort;
  signal: Int32Array;
}

/** The signal's values: a caller sleeps while it reads `asked`; `gone` once the thread has ended. */
export const signalled = { answered: 0, asked: 1, gone: 2 } as const;

export type ThreadRequest =
  | { kind: "query"; sql: string; parameters: readonly unknown[]; deferred: boolean }
  | { kind: "begin" | "rollback" }
  /** Answered later, on the worker's own channel, so that the next transaction need not wait for it. */
  | { kind: "commit" }
  /** Ends the refusals that follow a failed commit (the caller has seen every outcome). */
  | { kind: "reset" }
  | { kind: "close" };

export type Failure = { message: string; code: string | undefined };

export type ThreadReply = StatementResult | { error: Failure };

/** The outcome of a commit, posted on the worker's channel in the order of the commits. */
export type CommitOutcome = { committed: true } | { error: Failure };
