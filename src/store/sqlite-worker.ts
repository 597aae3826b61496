// The SQLite connection's own thread (sqlite-thread.ts): it executes statements in the order they
// arrive and answers each call on its port, raising the shared signal. A statement sent without
// waiting is answered by nobody; if it fails, every later statement of the transaction fails with
// its error until the rollback, so that a commit never keeps half a write.
import { parentPort, workerData } from "node:worker_threads";
import SQLite from "better-sqlite3";
import { execute, withStatementCache } from "./sqlite-statements.js";
import { signalled, type ThreadData, type ThreadReply, type ThreadRequest } from "./sqlite-protocol.js";

const port = parentPort!;
const { path, pragmas, answers, signal } = workerData as ThreadData;

function answer(reply: ThreadReply): void {
  answers.postMessage(reply);
  Atomics.store(signal, 0, signalled.answered);
  Atomics.notify(signal, 0);
}

// A caller asleep on the signal learns that no answer will come.
process.on("exit", () => {
  Atomics.store(signal, 0, signalled.gone);
  Atomics.notify(signal, 0);
});

type Failure = { message: string; code: string | undefined };
const failure = (error: unknown): Failure => ({ message: error instanceof Error ? error.message : String(error), code: (error as { code?: string }).code });

let opened: ReturnType<typeof withStatementCache> | Failure;
try {
  const sqlite = new SQLite(path);
  for (const pragma of pragmas) sqlite.pragma(pragma);
  opened = withStatementCache(sqlite);
} catch (error) {
  opened = failure(error);
}

let failed: Failure | null = null;

function run(sql: string, parameters: readonly unknown[]): ThreadReply {
  if ("message" in opened) throw Object.assign(new Error(opened.message), { code: opened.code });
  return execute(opened, sql, parameters);
}

port.on("message", (request: ThreadRequest) => {
  if (request.kind === "close") {
    if (!("message" in opened)) opened.close();
    port.close();
    answers.close();
    return;
  }
  // Sent without waiting: a deferred insert, and the begin (its failure fails the first call).
  const unanswered = request.kind === "begin" || (request.kind === "query" && request.deferred);
  if (request.kind === "rollback") failed = null;
  if (failed !== null) {
    if (!unanswered) answer({ error: failed });
    return;
  }
  try {
    const reply = request.kind === "query" ? run(request.sql, request.parameters) : run(request.kind, []);
    if (!unanswered) answer(reply);
  } catch (error) {
    if (unanswered) failed = failure(error);
    else answer({ error: failure(error) });
  }
});
