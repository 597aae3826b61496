// A history file for replay, in batches of validated events and invalid lines, in the file's
// order. A large file is read on a second thread: there its lines are read, parsed and checked
// against the contract while this thread's engine applies the batch before (history-worker.ts).
// A small one is read here: starting a thread would cost more than it saves.
import { statSync } from "node:fs";
import { Worker } from "node:worker_threads";
import { checkSources, validateEvent } from "../domain/events/validate.js";
import { parseLine } from "../domain/events/history-line.js";
import { WireReader, type HistoryItem, type WireBatch } from "../engine/event-wire.js";
import { linesOf } from "./ndjson-lines.js";
import { PostedBatches, workerModule } from "../store/worker-module.js";

export type { HistoryItem };

export interface HistoryBatch {
  items: HistoryItem[];
  /** How far into the file the reader is, for a progress bar. */
  bytesRead: number;
}

export interface ReaderSettings {
  path: string;
  phoneKey: string;
  /** The contract's checks as source (checkSources): the thread then starts without loading TypeBox. */
  checks: Record<string, string>;
  batchSize: number;
  window: number;
  /** Whether the thread takes the events' digests (engine/event-wire.ts). */
  digestsHere: boolean;
}

/** A history being read; `close` stops its reading thread, whether it was read to the end or not at all. */
export interface History extends AsyncIterable<HistoryBatch> {
  close(): Promise<void>;
}

export interface ReadingOptions {
  /** Overrides the choice of a second thread by the file's size. */
  thread?: boolean;
}

const workerUrl = workerModule(import.meta.url, "history-worker");

const batchSize = 2_000;
/** From this size on a file is read on a second thread (a thread takes ~0.4 s to start here). */
const threadFromBytes = 16 * 2 ** 20;
/**
 * From this size on the reading thread takes the events' digests. Below it the reading thread is
 * the busier one from start to end, so the engine's thread takes them as it rebuilds each event;
 * above it the engine's work on its growing state makes it the busier one (docs/benchmarks.md).
 */
const digestsWhileReadingFromBytes = 2 ** 30;

/**
 * The file's non-blank lines in batches, in the file's order. A large file's reading thread starts
 * now, so that the caller's own setup (loading a catalogue) overlaps it.
 */
export function readHistory(path: string, phoneKey: string, options: ReadingOptions = {}): History {
  const size = statSync(path).size;
  if (options.thread ?? size >= threadFromBytes) return new ThreadedHistory(path, phoneKey, size >= digestsWhileReadingFromBytes);
  return { [Symbol.asyncIterator]: () => readHere(path, phoneKey), close: async () => undefined };
}

async function* readHere(path: string, phoneKey: string): AsyncGenerator<HistoryBatch> {
  let items: HistoryItem[] = [];
  let bytesRead = 0;
  for await (const chunk of linesOf(path)) {
    bytesRead = chunk.bytesRead;
    for (const line of chunk.lines) {
      const parsed = typeof line === "string" ? parseLine(line) : line;
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

/** The file read on a second thread, which sends its batches as they are read. */
class ThreadedHistory implements History {
  private readonly batches: PostedBatches<WireBatch>;
  private readonly wire = new WireReader();

  constructor(path: string, phoneKey: string, digestsHere: boolean) {
    const settings: ReaderSettings = { path, phoneKey, checks: checkSources(), batchSize, window: 4, digestsHere };
    this.batches = new PostedBatches(new Worker(workerUrl, { workerData: settings }), `the reader of ${path} stopped before the end of the file`);
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<HistoryBatch> {
    for await (const batch of this.batches) yield { items: this.wire.read(batch), bytesRead: batch.position };
  }

  close(): Promise<void> {
    return this.batches.close();
  }
}
