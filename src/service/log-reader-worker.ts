// The reading half of a start that replays a large log, on a thread of its own: it reads the log's
// rows in order from a connection of its own, parses each event's body and posts them a page at a
// time, taken apart (engine/event-wire.ts), while the service's engine applies the page before.
// Up to `window` pages are in flight; each one the engine takes back returns a credit.
import { parentPort, workerData } from "node:worker_threads";
import type { CheckedEvent } from "../domain/events/validate.js";
import { WireWriter } from "../engine/event-wire.js";
import { openDatabase } from "../store/database.js";
import { creditsFrom } from "../store/worker-module.js";
import type { LogReading } from "./log-reader.js";

const { url, after, pageRows, window, digestsHere } = workerData as LogReading;
const port = parentPort!;
const credit = creditsFrom(port, window);

const writer = new WireWriter(digestsHere, true);
const database = openDatabase(url);
try {
  for (let seq = after; ;) {
    const rows = await database.db.selectFrom("log").select(["seq", "kind", "at", "received_at", "body"]).where("seq", ">", seq).orderBy("seq").limit(pageRows).execute();
    if (rows.length === 0) break;
    for (const row of rows) {
      if (row.kind === "tick") {
        writer.tick(Number(row.at));
        continue;
      }
      // The body is the contract's envelope as accepted (log-rows.ts); only its instant is beside it.
      const event = JSON.parse(row.body!) as CheckedEvent;
      event.at = Number(row.at);
      writer.accepted(event, Number(row.received_at));
    }
    seq = Number(rows.at(-1)!.seq);
    await credit();
    const { batch, transfer } = writer.take(seq);
    port.postMessage(batch, transfer);
  }
  port.postMessage(null);
} finally {
  await database.close();
}
port.close();
