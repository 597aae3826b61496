// One line of an NDJSON history, parsed. Its own module, so that the thread that reads a history
// (cli/history-worker.ts) loads the contract and not the engine.

export type HistoryLine = { ok: true; value: unknown } | { ok: false; text: string; error: string };

/** Parses one NDJSON line; an unparseable one is kept, to be rejected with its reason. */
export function parseLine(line: string): HistoryLine {
  try {
    return { ok: true, value: JSON.parse(line) };
  } catch (error) {
    return { ok: false, text: line, error: (error as Error).message };
  }
}
