// The reading half of `anxin replay`, on a thread of its own: it reads a history file, parses each
// line and checks it against the contract, and posts the results in batches, in the file's order.
// Up to `window` batches are in flight; each one the engine takes back returns a credit.
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { parentPort, workerData } from "node:worker_threads";
import { validateEvent } from "../domain/events/validate.js";
import { parseLine } from "../engine/replay.js";
import type { HistoryBatch, HistoryItem, ReaderSettings } from "./history-reader.js";

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
let items: HistoryItem[] = [];

async function post(): Promise<void> {
  while (credits === 0) await new Promise<void>((resolve) => (resume = resolve));
  credits--;
  port.postMessage({ items, bytesRead: input.bytesRead } satisfies HistoryBatch);
  items = [];
}

for await (const line of createInterface({ input, crlfDelay: Infinity })) {
  if (line.trim() === "") continue;
  const parsed = parseLine(line);
  const validation = parsed.ok ? validateEvent(parsed.value, { phoneKey }) : null;
  items.push(validation?.ok ? { accepted: validation.event } : { invalid: parsed });
  if (items.length === batchSize) await post();
}
if (items.length > 0) await post();
port.postMessage(null);
port.close();
