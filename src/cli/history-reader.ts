// A history file for replay, in batches of validated events and invalid lines, in the file's
// order. A large file is read on a second thread: there its lines are read, parsed and checked
// against the contract while this thread's engine applies the batch before (history-worker.ts).
// A small one is read here: starting a thread would cost more than it saves.
import { statSync } from "node:fs";
import { Worker } from "node:worker_threads";
import { validateEvent, type AcceptedEvent } from "../domain/events/validate.js";
import { parseLine, type HistoryLine } from "../domain/events/history-line.js";
import { WireReader, type WireBatch } from "./history-wire.js";
import { linesOf } from "./ndjson-lines.js";

export type HistoryItem = { accepted: AcceptedEvent } | { invalid: HistoryLine };

export interface HistoryBatch {
  items: HistoryItem[];
  /** How far into the file the reader is, for a progress bar. */
  bytesRead: number;
}

export interface ReaderSettings {
  path: string;
  phoneKey: string;
  batchSize: number;
  window: number;
}

// The worker is compiled JavaScript. Under the test runner this module is its TypeScript source,
// and the worker is taken from the build (`npm test` builds first).
const workerUrl = import.meta.url.endsWith(".ts") ? new URL("../../dist/src/cli/history-worker.js", import.meta.url) : new URL("./history-worker.js", import.meta.url);

const batchSize = 2_000;
/** From this size on a file is read on a second thread (a thread takes ~0.4 s to start here). */
const threadFromBytes = 16 * 2 ** 20;

/** The file's non-blank lines in batches, in the file's order; `thread` overrides the choice by size. */
export function readHistory(path: string, phoneKey: string, options: { thread?: boolean } = {}): AsyncGenerator<HistoryBatch> {
  const thread = options.thread ?? statSync(path).size >= threadFromBytes;
  return thread ? readOnThread(path, phoneKey) : readHere(path, phoneKey);
}

async function* readHere(path: string, phoneKey: string): AsyncGenerator<HistoryBatch> {
  let items: HistoryItem[] = [];
  let bytesRead = 0;
  for await (const chunk of linesOf(path)) {
    bytesRead = chunk.bytesRead;
    for (const line of chunk.lines) {
      const parsed = parseLine(line);
      const validation = parsed.ok ? validateEvent(parsed.value, { phoneKey }) : null;
      items.push(validation?.ok ? { accepted: validation.event } : { invalid: parsed });
      if (items.length === batchSize) {
        yield { items, bytesRead };
        items = [];
      }
    }
  }
  if (items.length > 0) yield { items, bytesRead };
}

async function* readOnThread(path: string, phoneKey: string): AsyncGenerator<HistoryBatch> {
  const settings: ReaderSettings = { path, phoneKey, batchSize, window: 4 };
  const worker = new Worker(workerUrl, { workerData: settings });
  const wire = new WireReader();
  const arrived: Array<WireBatch | null> = [];
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const notify = () => {
    wake?.();
    wake = null;
  };
  worker.on("message", (batch: WireBatch | null) => {
    arrived.push(batch);
    notify();
  });
  worker.on("error", (error) => {
    failure ??= error;
    notify();
  });
  worker.on("exit", () => {
    failure ??= new Error(`the reader of ${path} stopped before the end of the file`);
    notify();
  });
  try {
    for (;;) {
      while (arrived.length === 0 && failure === null) await new Promise<void>((resolve) => (wake = resolve));
      const batch = arrived.shift();
      if (batch === undefined) throw failure;
      if (batch === null) return;
      worker.postMessage("more");
      yield { items: wire.read(batch), bytesRead: batch.bytesRead };
    }
  } finally {
    worker.removeAllListeners();
    await worker.terminate();
  }
}
