// The SQLite connection's own thread (sqlite-thread.ts), by the rules of writer-rules.ts. A failed
// commit is rolled back here.
import { parentPort, workerData } from "node:worker_threads";
import SQLite from "better-sqlite3";
import { execute, withStatementCache } from "./sqlite-statements.js";
import type { LaterOutcome, Failure, SqliteSettings, ThreadData, ThreadReply, ThreadRequest } from "./writer-protocol.js";
import { failure, WriterRules } from "./writer-rules.js";

const data = workerData as ThreadData<SqliteSettings>;
const rules = new WriterRules(data);

let opened: ReturnType<typeof withStatementCache> | Failure;
try {
  const sqlite = new SQLite(data.path);
  for (const pragma of data.pragmas) sqlite.pragma(pragma);
  opened = withStatementCache(sqlite);
} catch (error) {
  opened = failure(error);
}

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

function commit(): LaterOutcome {
  let error: unknown;
  if (rules.mayCommit) {
    try {
      run("commit", []);
      return { committed: true };
    } catch (caught) {
      error = caught;
    }
  }
  // A refused transaction never began; a failed one is still open, unless SQLite ended it itself.
  if (rules.refused === null) rollBack();
  return rules.refuseFrom(error);
}

parentPort!.on("message", (request: ThreadRequest) => {
  switch (request.kind) {
    case "close":
      if (!("message" in opened)) opened.close();
      rules.close();
      return;
    case "commit":
      parentPort!.postMessage(commit());
      return;
    case "reset":
      rules.reset();
      return;
    case "lock":
    case "unlock":
      throw new Error(`SQLite has no ${request.kind}: one writer per file`);
  }
  if (!rules.admits(request)) return;
  try {
    rules.ran(request, request.kind === "query" ? run(request.sql, request.parameters) : run(request.kind, []));
  } catch (error) {
    rules.failedWith(request, error);
  }
});
