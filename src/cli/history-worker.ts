// The reading half of `anxin replay`, on a thread of its own: it reads a history file, parses each
// line and checks it against the contract, and posts the results in batches, in the file's order,
// accepted events taken apart (engine/event-wire.ts) so that the engine's thread need not parse their
// lines again. An accepted event's phone is replaced by its hash and mask here; an invalid line
// crosses as its text, and the engine redacts any phone in it when it keeps the rejection. Up to
// `window` batches are in flight; each one the engine takes back returns a credit. The contract's
// checks come as source from the engine's thread, made by TypeBox there: loading TypeBox here took
// half of this thread's start, while the engine waited for its first batch.
import { parentPort, workerData } from "node:worker_threads";
import { acceptorFrom } from "../domain/events/accept.js";
import type { CheckedEvent } from "../domain/events/validate.js";
import type { ReaderSettings } from "./history-reader.js";
import { WireWriter } from "../engine/event-wire.js";
import { linesOf } from "./ndjson-lines.js";
import { creditsFrom } from "../store/worker-module.js";

const { path, phoneKey, checks, batchSize, window, digestsHere } = workerData as ReaderSettings;
/** An invalid line is rejected on the engine's thread, which says why. */
const accepted = acceptorFrom(checks, phoneKey);
const port = parentPort!;
const credit = creditsFrom(port, window);

const writer = new WireWriter(digestsHere);
let bytesRead = 0;

/** The engine waits for the first batch while this thread's code is still cold: it is kept small. */
const firstBatchSize = Math.min(batchSize, 200);
let first = true;

async function post(): Promise<void> {
  await credit();
  first = false;
  const { batch, transfer } = writer.take(bytesRead);
  port.postMessage(batch, transfer);
}

/**
 * The event a line holds if the contract accepts it, else null: the line then crosses as text, and
 * the engine's thread parses it again to say why (history-line.ts). The contract's checks refuse
 * what nests deeper than an event without walking it, so its depth is not measured here.
 */
function acceptedLine(line: string): CheckedEvent | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  return accepted(value, line);
}

for await (const chunk of linesOf(path)) {
  bytesRead = chunk.bytesRead;
  for (const line of chunk.lines) {
    const event = typeof line === "string" ? acceptedLine(line) : null;
    if (event !== null) writer.accepted(event);
    else if (typeof line === "string") writer.invalid(line);
    else writer.unparsed(line);
    if (writer.size === (first ? firstBatchSize : batchSize)) await post();
  }
}
if (writer.size > 0) await post();
port.postMessage(null);
port.close();
