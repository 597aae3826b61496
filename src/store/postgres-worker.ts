// PostgreSQL's writer connection, on a thread of its own (postgres-writer.ts), by the rules of
// writer-rules.ts. pg sends a connection's next statement only once the event loop has read the
// answer to the one before, and the engine's thread does not yield while it applies a batch: from
// there the server would idle while the engine works. Here statements go out as soon as each is
// answered, and those nobody waits for (a batch's inserts) are pipelined: the next is bound and
// sent while the server executes the one before (binding takes about half as long as the server's
// work, and in series added to it). A failed commit closes the connection, which ends its hold on
// the log's lock.
import { parentPort, workerData } from "node:worker_threads";
import pg from "pg";
import { copyIn, isCopy } from "./postgres-copy.js";
import "./postgres-pool.js"; // int8 read as numbers, as on the event loop
import { lockWithinMs, type LaterOutcome, type PostgresSettings, type StatementResult, type ThreadData, type ThreadRequest } from "./writer-protocol.js";
import { failure, waited, WriterRules, type Statement } from "./writer-rules.js";

const data = workerData as ThreadData<PostgresSettings>;
const { url, lockKey, answerWithinMs } = data;
/** SQLSTATE connection_does_not_exist: what a statement meets on a connection given up (unavailable.ts). */
const lostCode = "08003";
const rules = new WriterRules(data);

/** Connected by `lock`: a statement never runs on a connection that does not hold the lock. */
let client: pg.Client | null = null;
/** Statements sent without waiting, in order; anything else is sent once they are answered. */
let inFlight: Array<Promise<void>> = [];

/**
 * The server's silence. While statements are outstanding and none is answered for
 * `answerWithinMs`, the connection is given up, and pg fails every statement sent on it. Counted
 * from the last answer, not from each statement's sending: pipelined statements wait their turn
 * behind those before them, on a server that is answering.
 */
let outstanding = 0;
let silence: ReturnType<typeof setTimeout> | undefined;

function listen(connection: pg.Client, withinMs: number): void {
  clearTimeout(silence);
  silence = setTimeout(() => connection.connection.stream.destroy(), withinMs);
}

function ask<R extends pg.QueryResultRow>(connection: pg.Client, statement: string | pg.QueryConfig, values?: unknown[], withinMs = answerWithinMs): Promise<pg.QueryResult<R>> {
  outstanding++;
  listen(connection, withinMs);
  const copy = typeof statement === "string" || !isCopy(statement.text) ? null : statement;
  const answer = copy !== null ? copyIn(connection, copy.text, copy.values![0] as Uint8Array) : connection.query<R>(statement as string, values);
  return answer.finally(() => {
    if (--outstanding === 0) clearTimeout(silence);
    else listen(connection, answerWithinMs);
  });
}

async function answered(): Promise<void> {
  while (inFlight.length > 0) {
    const sent = inFlight;
    inFlight = [];
    await Promise.all(sent);
  }
}

async function close(): Promise<void> {
  const closing = client;
  client = null;
  await closing?.end().catch(() => {});
}

async function connect(): Promise<pg.Client> {
  const connecting = new pg.Client({ connectionString: url, application_name: "anxin writer", pipeline: true, connectionTimeoutMillis: answerWithinMs });
  // A connection the server ends fails its statement with the cause; unheard, the error would end the thread.
  const lost = () => { if (client === connecting) client = null; };
  connecting.on("error", lost);
  connecting.on("end", lost);
  client = connecting;
  await connecting.connect();
  return connecting;
}

async function lock(): Promise<LaterOutcome> {
  // The connection kept from the last lease may have been closed by the server since: then a new one.
  for (let fresh = client === null; ; fresh = true) {
    try {
      // Sent alone (a lock waits for every answer before it), so its wait is the only one listened to.
      await ask(client ?? (await connect()), "select pg_advisory_lock($1)", [lockKey], lockWithinMs);
      return { committed: true };
    } catch (error) {
      await close();
      if (fresh) return { error: failure(error) };
    }
  }
}

async function unlock(): Promise<void> {
  try {
    if (client !== null) await ask(client, "select pg_advisory_unlock($1)", [lockKey]);
  } catch {
    await close(); // the lock ends with the session
  }
}

async function run(request: Statement | { kind: "commit" }): Promise<StatementResult> {
  if (request.kind === "rollback") {
    // A rollback that cannot be made closes the connection, with which the server ends the transaction.
    if (client !== null) await ask(client, "rollback").catch(close);
    return { changes: 0, lastInsertRowid: 0 };
  }
  if (client === null) throw Object.assign(new Error("the writer's connection to PostgreSQL was lost"), { code: lostCode });
  if (request.kind !== "query") {
    const { command } = await ask(client, request.kind);
    if (request.kind === "commit" && command === "ROLLBACK") throw new Error("the transaction was aborted");
    return { changes: 0, lastInsertRowid: 0 };
  }
  const values = [...request.parameters];
  const { command, rowCount, rows } = await ask(client, request.name === undefined ? { text: request.sql, values } : { name: request.name, text: request.sql, values });
  return command === "INSERT" || command === "UPDATE" || command === "DELETE" || command === "MERGE" || command === "COPY"
    ? (rows.length > 0 ? { rows } : { changes: rowCount ?? 0, lastInsertRowid: 0 })
    : { rows };
}

async function commit(): Promise<LaterOutcome> {
  let error: unknown;
  if (rules.mayCommit) {
    try {
      await run({ kind: "commit" });
      return { committed: true };
    } catch (caught) {
      error = caught;
    }
  }
  await close(); // no transaction is left half-done on it, and the lock is given up
  return rules.refuseFrom(error);
}

async function handle(request: ThreadRequest): Promise<void> {
  // A statement nobody waits for goes out now; the rules hear of its outcome in order. Should one
  // fail, those sent after it fail too, as the transaction is aborted, and the commit is refused.
  if ((request.kind === "query" || request.kind === "begin") && !waited(request)) {
    if (!rules.admits(request)) return;
    inFlight.push(run(request).then((result) => rules.ran(request, result), (error: unknown) => rules.failedWith(request, error)));
    return;
  }
  await answered();
  switch (request.kind) {
    case "close":
      await close();
      rules.close();
      return;
    case "commit":
      parentPort!.postMessage(await commit());
      return;
    case "lock": {
      const refused = rules.refused;
      parentPort!.postMessage(refused === null ? await lock() : { error: refused } satisfies LaterOutcome);
      return;
    }
    case "unlock":
      await unlock();
      parentPort!.postMessage({ committed: true } satisfies LaterOutcome);
      return;
    case "reset":
      rules.reset();
      return;
  }
  if (!rules.admits(request)) return;
  try {
    rules.ran(request, await run(request));
  } catch (error) {
    rules.failedWith(request, error);
  }
}

// One request at a time, in the order they came.
const queue: ThreadRequest[] = [];
let draining = false;
parentPort!.on("message", (request: ThreadRequest) => {
  queue.push(request);
  if (draining) return;
  draining = true;
  void (async () => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) await handle(next);
    draining = false;
  })();
});
