// One line of an NDJSON history, parsed. Its own module, so that the thread that reads a history
// (cli/history-worker.ts) loads the contract and not the engine.
import { parseJson } from "./json.js";

export type UnparsedLine = { ok: false; text: string; error: string };
export type HistoryLine = { ok: true; value: unknown } | UnparsedLine;

/** A line whose bytes are not UTF-8, as the service refuses such a body; `text` is its decoding, with U+FFFD. */
export function notUtf8(text: string): UnparsedLine {
  return { ok: false, text, error: "the line is not UTF-8 text" };
}

/** Parses one NDJSON line; an unparseable one, or one nested too deep (json.ts), is kept, to be rejected with its reason. */
export function parseLine(line: string): HistoryLine {
  const parsed = parseJson(line);
  return parsed.ok ? parsed : { ok: false, text: line, error: parsed.error };
}
