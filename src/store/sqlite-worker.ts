// The SQLite connection's own thread (sqlite-thread.ts): it executes statements in the order they
// arrive and answers each call on its port, raising the shared signal. A statement sent without
// waiting is answered by nobody; if it fails, every later statement of the transaction fails with
// its error until the rollback, so that a commit never keeps half a write. A commit is answered
// later, on the worker's own channel; if it fails, the transaction is rolled back here, and
// everything after it, sent by a caller who did not know yet, is refused until the caller resets:
// those transactions were built on the failed one.
import { parentPort, workerData } from "node:worker_threads";
import SQLite from "better-sqlite3";
import { execute, withStatementCache } from "./sqlite-statements.js";
import { signalled, type CommitOutcome, type Failure, type SqliteSettings, type ThreadData, type ThreadReply, type ThreadRequest } from "./writer-protocol.js";

const port = parentPort!;
const { path, pragmas, answers, signal } = workerData as ThreadData<SqliteSettings>;

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

const failure = (error: unknown): Failure => ({ message: error instanceof Error ? error.message : String(error), code: (error as { code?: string }).code });

let opened: ReturnType<typeof withStatementCache> | Failure;
try {
  const sqlite = new SQLite(path);
  for (const pragma of pragmas) sqlite.pragma(pragma);
  opened = withStatementCache(sqlite);
} catch (error) {
  opened = failure(error);
}

/** The current transaction's failure, of a statement nobody waited for. */
let failed: Failure | null = null;
/** A failed commit: every request is refused until "reset". */
let refusing: Failure | null = null;

function run(sql: string, parameters: readonly unknown[]): ThreadReply {
  if ("message" in opened) throw Object.assign(new Error(opened.message), { code: opened.code });
  return execute(opened, sql, parameters);
}

/** Ends the transaction a failure left open; a rollback with nothing to undo is no error (execute). */
function rollBack(): void {
  try {
    run("rollback", []);
  } catch {
    // The connection never opened: there is no transaction.
  }
}

function commit(): CommitOutcome {
  if (refusing === null && failed === null) {
    try {
      run("commit", []);
      return { committed: true };
    } catch (caught) {
      failed = failure(caught);
    }
  }
  // A refused transaction never began; a failed one is still open, unless SQLite ended it itself.
  if (refusing === null) rollBack();
  refusing ??= failed;
  failed = null;
  return { error: refusing! };
}

port.on("message", (request: ThreadRequest) => {
  if (request.kind === "close") {
    if (!("message" in opened)) opened.close();
    port.close();
    answers.close();
    return;
  }
  if (request.kind === "commit") {
    port.postMessage(commit());
    return;
  }
  if (request.kind === "reset") {
    refusing = null;
    return;
  }
  // Sent without waiting: a deferred insert, and the begin (its failure fails the first call).
  const unanswered = request.kind === "begin" || (request.kind === "query" && request.deferred);
  if (refusing !== null) {
    // Nothing of a refused transaction ran, so its rollback has nothing to undo.
    if (!unanswered) answer(request.kind === "rollback" ? { changes: 0, lastInsertRowid: 0 } : { error: refusing });
    return;
  }
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
