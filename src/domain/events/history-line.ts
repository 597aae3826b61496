// One line of an NDJSON history, parsed. Its own module, so that the thread that reads a history
// (cli/history-worker.ts) loads the contract and not the engine.
import { parseJson } from "./json.js";

export type HistoryLine = { ok: true; value: unknown } | { ok: false; text: string; error: string };

/** Parses one NDJSON line; an unparseable one, or one nested too deep (json.ts), is kept, to be rejected with its reason. */
export function parseLine(line: string): HistoryLine {
  const parsed = parseJson(line);
  return parsed.ok ? parsed : { ok: false, text: line, error: parsed.error };
}
