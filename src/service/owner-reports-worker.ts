// The owners' reports of some weeks, read and built on a thread of their own from a connection of
// its own, and posted to the service a part at a time for it to insert (owner-reports.ts).
import { on } from "node:events";
import { parentPort, workerData } from "node:worker_threads";
import { openDatabase } from "../store/database.js";
import { weekParts, type WeeksMessage, type WeeksTask } from "./owner-reports.js";

const { url, weeks, perPart } = workerData as WeeksTask;
// One part at a time, each once the service has taken the last: parts posted at once are all
// received in one turn of its event loop (113 parts of a city's week held it 2.7 s).
const taken = on(parentPort!, "message");
const post = async (message: WeeksMessage) => {
  parentPort!.postMessage(message);
  await taken.next();
};
const database = openDatabase(url);
try {
  for await (const message of weekParts(database.db, weeks, perPart)) await post(message);
  await taken.return!(); // the port let go of, the thread ends once the connection is closed
} finally {
  await database.close();
}
