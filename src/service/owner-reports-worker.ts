// The owners' reports of some weeks, read and built on a thread of their own from a connection of
// its own, and posted to the service a part at a time for it to insert (owner-reports.ts).
import { parentPort, workerData } from "node:worker_threads";
import { openDatabase } from "../store/database.js";
import { weekRows, type WeeksMessage, type WeeksTask } from "./owner-reports.js";

const { url, weeks, perPart } = workerData as WeeksTask;
const post = (message: WeeksMessage) => parentPort!.postMessage(message);
const database = openDatabase(url);
try {
  for (const from of weeks) {
    const rows = await weekRows(database.db, from);
    for (let i = 0; i < rows.length; i += perPart) post({ week: from, rows: rows.slice(i, i + perPart) });
    post({ week: from, whole: true });
  }
} finally {
  await database.close();
}
