// PostgreSQL's writer connection, on a thread of its own (postgres-writer.ts). pg sends a
// connection's next statement only once the event loop has read the answer to the one before, and
// the engine's thread does not yield while it applies a batch: from there the server would idle
// while the engine works. Here statements go out as soon as each is answered. The rules are
// SQLite's writer's (sqlite-worker.ts): statements in the order they arrive, a statement sent
// without waiting answered by nobody, its failure failing every later statement of the
// transaction; a commit answered later, and after a failed one everything refused until the
// caller resets. A failed commit also closes the connection, which ends its hold on the log's lock.
import { parentPort, workerData } from "node:worker_threads";
import pg from "pg";
import "./postgres-pool.js"; // int8 read as numbers, as on the event loop
import type { StatementResult } from "./sqlite-statements.js";
import { signalled, type CommitOutcome, type Failure, type PostgresSettings, type ThreadData, type ThreadReply, type ThreadRequest } from "./writer-protocol.js";

const port = parentPort!;
const { url, lockKey, answers, signal } = workerData as ThreadData<PostgresSettings>;

function answer(reply: ThreadReply): void {
  answers.postMessage(reply);
  Atomics.store(signal, 0, signalled.answered);
  Atomics.notify(signal, 0);
}

process.on("exit", () => {
  Atomics.store(signal, 0, signalled.gone);
  Atomics.notify(signal, 0);
});

const failure = (error: unknown): Failure => ({ message: error instanceof Error ? error.message : String(error), code: (error as { code?: string }).code });

/** Connected by `lock`: a statement never runs on a connection that does not hold the lock. */
let client: pg.Client | null = null;

async function close(): Promise<void> {
  const closing = client;
  client = null;
  await closing?.end().catch(() => {});
}

async function lock(): Promise<CommitOutcome> {
  try {
    if (client === null) {
      const connecting = new pg.Client({ connectionString: url });
      // A connection the server ends fails its statement with the cause; unheard, the error would end the thread.
      connecting.on("error", () => { if (client === connecting) client = null; });
      client = connecting;
      await connecting.connect();
    }
    await client.query("select pg_advisory_lock($1)", [lockKey]);
    return { committed: true };
  } catch (error) {
    await close();
    return { error: failure(error) };
  }
}

async function unlock(): Promise<void> {
  try {
    await client?.query("select pg_advisory_unlock($1)", [lockKey]);
  } catch {
    await close(); // the lock ends with the session
  }
}

async function run(request: ThreadRequest & { kind: "query" | "begin" | "commit" | "rollback" }): Promise<StatementResult> {
  if (client === null) throw new Error("the writer's connection to PostgreSQL was lost");
  if (request.kind !== "query") {
    const { command } = await client.query(request.kind);
    if (request.kind === "commit" && command === "ROLLBACK") throw new Error("the transaction was aborted");
    return { changes: 0, lastInsertRowid: 0 };
  }
  const values = [...request.parameters];
  const { command, rowCount, rows } = await client.query(request.name === undefined ? { text: request.sql, values } : { name: request.name, text: request.sql, values });
  return command === "INSERT" || command === "UPDATE" || command === "DELETE" || command === "MERGE"
    ? (rows.length > 0 ? { rows } : { changes: rowCount ?? 0, lastInsertRowid: 0 })
    : { rows };
}

/** The current transaction's failure, of a statement nobody waited for. */
let failed: Failure | null = null;
/** A failed commit: every request is refused until "reset". */
let refusing: Failure | null = null;

async function commit(): Promise<CommitOutcome> {
  if (refusing === null && failed === null) {
    try {
      await run({ kind: "commit" });
      return { committed: true };
    } catch (caught) {
      failed = failure(caught);
    }
  }
  await close(); // no transaction is left half-done on it, and the lock is given up
  refusing ??= failed;
  failed = null;
  return { error: refusing! };
}

async function handle(request: ThreadRequest): Promise<void> {
  switch (request.kind) {
    case "close":
      await close();
      port.close();
      answers.close();
      return;
    case "commit":
      port.postMessage(await commit());
      return;
    case "lock":
      port.postMessage(refusing === null ? await lock() : { error: refusing });
      return;
    case "unlock":
      await unlock();
      port.postMessage({ committed: true } satisfies CommitOutcome);
      return;
    case "reset":
      refusing = null;
      return;
  }
  // Sent without waiting: a deferred insert, and the begin (its failure fails the first call).
  const unanswered = request.kind === "begin" || (request.kind === "query" && request.deferred);
  if (refusing !== null) {
    if (!unanswered) answer(request.kind === "rollback" ? { changes: 0, lastInsertRowid: 0 } : { error: refusing });
    return;
  }
  if (request.kind === "rollback") failed = null;
  if (failed !== null) {
    if (!unanswered) answer({ error: failed });
    return;
  }
  try {
    const reply = await run(request);
    if (!unanswered) answer(reply);
  } catch (error) {
    if (unanswered) failed = failure(error);
    else answer({ error: failure(error) });
  }
}

// One request at a time, in the order they came.
const queue: ThreadRequest[] = [];
let draining = false;
port.on("message", (request: ThreadRequest) => {
  queue.push(request);
  if (draining) return;
  draining = true;
  void (async () => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) await handle(next);
    draining = false;
  })();
});
