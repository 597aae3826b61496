// A large log read for a start on a thread of its own (log-reader-worker.ts): there its rows are
// read and their bodies parsed, the larger half of replaying them, while this thread's engine
// applies the page before. A city-year's start replays its 40 million rows so at ~200,000 a second,
// against 51,000–65,000 reading them here (docs/benchmarks.md). A small log is caught up in the
// first write, as any other: a thread takes ~0.4 s to start.
import { Worker } from "node:worker_threads";
import type { WireBatch } from "../engine/event-wire.js";
import type { Database } from "../store/database.js";
import { PostedBatches, workerModule } from "../store/worker-module.js";

export interface LogReading {
  url: string;
  /** The rows after this seq are read, in order, to the last one committed. */
  after: number;
  pageRows: number;
  window: number;
  /** Whether the thread takes the events' digests (engine/event-wire.ts). */
  digestsHere: boolean;
}

const workerUrl = workerModule(import.meta.url, "log-reader-worker");

/** From this many rows behind on, a start reads the log on a thread. */
export const readLogOnThreadFrom = 100_000;
/** From this many rows on the reading thread takes the digests: below it, it is the busier thread (as a history file of 1 GiB). */
const digestsWhileReadingFrom = 5_000_000;

/** The log's rows after `after`, a page at a time, read on a thread; `rows` (how many are expected) sets where the digests are taken. */
export function readLog(database: Database, after: number, rows: number): PostedBatches<WireBatch> {
  const reading: LogReading = { url: database.url, after, pageRows: 5_000, window: 4, digestsHere: rows >= digestsWhileReadingFrom };
  return new PostedBatches(new Worker(workerUrl, { workerData: reading, execArgv: [] }), "the log's reader stopped before the end of the log");
}
