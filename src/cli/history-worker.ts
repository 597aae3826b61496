// The reading half of `anxin replay`, on a thread of its own: it reads a history file, parses each
// line and checks it against the contract, and posts the results in batches, in the file's order.
// A valid event travels as its line with its instant and digest: parsing the line again costs the
// engine's thread less than receiving the parsed object would. An event whose phone was redacted
// travels as the accepted object alone, an invalid line as its text. Up to `window` batches are in
// flight; each one the engine takes back returns a credit.
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { parentPort, workerData } from "node:worker_threads";
import { validateEvent, type AcceptedEvent } from "../domain/events/validate.js";
import { parseLine } from "../domain/events/history-line.js";
import type { ReaderSettings, WireBatch } from "./history-reader.js";

const { path, phoneKey, batchSize, window } = workerData as ReaderSettings;
const port = parentPort!;
let credits = window;
let resume: (() => void) | null = null;
port.on("message", () => {
  credits++;
  resume?.();
  resume = null;
});

const input = createReadStream(path, { encoding: "utf8" });
let lines: string[] = [];
let instants = new Float64Array(batchSize);
let digests = new Float64Array(batchSize);
let redacted: Array<[number, AcceptedEvent]> = [];

async function post(): Promise<void> {
  while (credits === 0) await new Promise<void>((resolve) => (resume = resolve));
  credits--;
  const batch: WireBatch = { lines, instants, digests, redacted, bytesRead: input.bytesRead };
  port.postMessage(batch, [instants.buffer, digests.buffer]);
  lines = [];
  instants = new Float64Array(batchSize);
  digests = new Float64Array(batchSize);
  redacted = [];
}

for await (const line of createInterface({ input, crlfDelay: Infinity })) {
  if (line.trim() === "") continue;
  const parsed = parseLine(line);
  const value = parsed.ok ? (parsed.value as { data?: unknown }) : null;
  const validation = value === null ? null : validateEvent(value, { phoneKey });
  const i = lines.length;
  lines.push(line);
  if (validation?.ok) {
    const event = validation.event;
    instants[i] = event.at;
    digests[i] = event.digest;
    if (event.data !== value!.data) {
      redacted.push([i, event]);
      lines[i] = ""; // the phone in clear stays on this thread
    }
  } else {
    instants[i] = Number.NaN;
  }
  if (lines.length === batchSize) await post();
}
if (lines.length > 0) await post();
port.postMessage(null);
port.close();
