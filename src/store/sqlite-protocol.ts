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
  | { kind: "begin" | "commit" | "rollback" }
  | { kind: "close" };

export type ThreadReply = StatementResult | { error: { message: string; code: string | undefined } };
