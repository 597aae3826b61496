// WAL checkpoints on a thread of their own. By default SQLite copies the WAL into the database
// file, and syncs it, inside whichever commit takes the WAL past 1,000 pages: on the event loop,
// in the middle of a write. A long-lived service gives that work to a second connection in a
// worker thread (on the other core) and turns the in-commit checkpoint off; if the worker dies,
// the connection checkpoints for itself again.
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

const everyMs = 100;
/** After a checkpoint the WAL file is cut back to this size. */
const walBytesKept = 64 * 2 ** 20;

// CommonJS for an eval'd worker; the driver is required by the path the service itself resolved.
const workerSource = `
const { parentPort, workerData } = require("node:worker_threads");
const SQLite = require(workerData.driver);
const db = new SQLite(workerData.path, { timeout: 5000 });
const timer = setInterval(() => db.pragma("wal_checkpoint(PASSIVE)"), workerData.everyMs);
parentPort.once("message", () => { clearInterval(timer); db.close(); parentPort.close(); });
`;

export interface Checkpointer {
  stop(): Promise<void>;
}

/** What the service's own connection is opened with when a worker checkpoints for it. */
export const checkpointedPragmas = [`journal_size_limit = ${walBytesKept}`, "wal_autocheckpoint = 0"];

/** Starts the checkpointing thread; `onError` hears if it dies, and should turn the connection's own checkpoints back on. */
export function checkpointInBackground(path: string, onError: (error: Error) => void): Checkpointer {
  const driver = createRequire(import.meta.url).resolve("better-sqlite3");
  // No inherited flags: `--input-type=module` would make the eval'd CommonJS an ES module.
  const worker = new Worker(workerSource, { eval: true, execArgv: [], workerData: { driver, path, everyMs } });
  const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
  worker.once("error", onError);
  worker.unref();
  return {
    async stop() {
      worker.ref(); // so that the process waits for the worker to close its connection
      worker.postMessage("stop");
      await exited;
    },
  };
}
