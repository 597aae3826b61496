// The SQLite connection's own thread (sqlite-thread.ts): it executes statements in the order they
// arrive. A deferred statement is answered only if it fails; then every later statement of the
// transaction fails with its error until the rollback, so that a commit never keeps half a write.
import { parentPort, workerData } from "node:worker_threads";
import SQLite from "better-sqlite3";
import { withStatementCache } from "./sqlite-statements.js";
import type { ThreadReply, ThreadRequest, ThreadSettings } from "./sqlite-thread.js";

const port = parentPort!;
const { path, pragmas } = workerData as ThreadSettings;

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

function execute(request: Extract<ThreadRequest, { kind: "query" }>): ThreadReply {
  if ("message" in opened) throw Object.assign(new Error(opened.message), { code: opened.code });
  const statement = opened.prepare(request.sql);
  if (statement.reader) return { id: request.id, rows: statement.all(request.parameters) };
  const { changes, lastInsertRowid } = statement.run(request.parameters);
  return { id: request.id, changes, lastInsertRowid: Number(lastInsertRowid) };
}

port.on("message", (request: ThreadRequest) => {
  if (request.kind === "close") {
    if (!("message" in opened)) opened.close();
    port.close();
    return;
  }
  const deferred = request.kind === "query" && request.deferred;
  if (request.kind === "rollback") failed = null;
  if (failed !== null) {
    if (!deferred) port.postMessage({ id: request.id, error: failed } satisfies ThreadReply);
    return;
  }
  try {
    const reply = execute(request.kind === "query" ? request : { kind: "query", id: request.id, sql: request.kind, parameters: [], deferred: false });
    if (!deferred) port.postMessage(reply);
  } catch (error) {
    if (deferred) failed = failure(error);
    else port.postMessage({ id: request.id, error: failure(error) } satisfies ThreadReply);
  }
});
