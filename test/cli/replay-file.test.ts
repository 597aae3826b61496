// `anxin replay FILE` reads the file in batches, a large one on a second thread: either way the
// engine must see exactly the file's lines, in the file's order, with bad lines kept; streaming and
// sorting agree.
import { execFileSync } from "node:child_process";
import { mkdtempSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { readHistory, type HistoryItem } from "../../src/cli/history-reader.js";
import { validateEvent } from "../../src/domain/events/validate.js";
import { replayFile } from "../../src/cli/replay.js";
import { dataDir } from "../../src/cli/simulate.js";
import { snapshot } from "../../src/engine/snapshot.js";
import { loadListings } from "../../src/simulator/listings-data.js";
import { Simulation } from "../../src/simulator/world.js";
import { bundled, phoneKey, run } from "../support/scenario.js";

// A simulated month, in time order: several batches of the reader. Among its lines, bad ones (not
// JSON, an unknown type, a phone that is not one), a blank line and a repeated event.
const events = [...new Simulation({ city: "beijing", brand: "lianjia", days: 30, seed: 11, scale: 0.005, start: "2025-03-01" }, loadListings(dataDir())).days()].flat();
const lines: string[] = events.map((e) => JSON.stringify(e));
lines.splice(10, 0, "not json {");
lines.splice(2_500, 0, JSON.stringify({ ...events[7], id: "odd-type", type: "no.such.type" }));
lines.splice(4_100, 0, JSON.stringify({ ...events[40], id: "odd-phone", type: "call.placed", data: { callId: "X1", agentId: "A1", phone: "+861234567", purpose: "marketing" } }));
// Lines nested past the stack of any walk over them (each ended a replay until 2026-11-27).
const deep = (inner: string) => `${"[".repeat(100_000)}${inner}${"]".repeat(100_000)}`;
const deepLines = [deep(""), `{"id":"deep","type":"owner.message","data":${deep('"\\u0000"')}}`];
lines.splice(3_000, 0, ...deepLines);
const repeated = JSON.stringify(events[2_990]);
lines.splice(lines.indexOf(repeated) + 1, 0, "", repeated);

function write(name: string, content: string[]): string {
  const path = join(mkdtempSync(join(tmpdir(), "anxin-history-")), name);
  writeFileSync(path, `${content.join("\n")}\n`);
  return path;
}

const silent = { io: { out: () => undefined, err: () => undefined, interactive: false }, label: "test" };
const sorted = write("sorted.ndjson", lines);
const idOf = (item: HistoryItem) => ("accepted" in item ? item.accepted.id : item.invalid.ok ? (item.invalid.value as { id: string }).id : item.invalid.text);

describe.each([
  { where: "on a second thread", thread: true },
  { where: "on the engine's thread", thread: false },
])("reading a history for replay $where", ({ thread }) => {
  it("gives every non-blank line back once, in the file's order, in batches, to the end of the file", async () => {
    const items: HistoryItem[] = [];
    let batches = 0;
    let bytesRead = 0;
    for await (const batch of readHistory(sorted, phoneKey, { thread })) {
      items.push(...batch.items);
      batches++;
      bytesRead = batch.bytesRead;
    }
    expect(lines.length).toBeGreaterThan(5_000);
    expect(batches).toBeGreaterThan(2);
    expect(items.map(idOf)).toEqual(lines.filter((l) => l !== "").map((l) => (l.startsWith("{") && !deepLines.includes(l) ? (JSON.parse(l) as { id: string }).id : l)));
    expect(items.filter((i) => "invalid" in i).map(idOf)).toEqual(["not json {", "odd-type", ...deepLines, "odd-phone"]);
    expect(bytesRead).toBe(statSync(sorted).size);
  });

  it("gives each valid line back as validating it here would, phones redacted", async () => {
    const items: HistoryItem[] = [];
    for await (const batch of readHistory(sorted, phoneKey, { thread })) items.push(...batch.items);
    const here = lines.filter((l) => l !== "").map((l) => (l.startsWith("{") ? validateEvent(JSON.parse(l), { phoneKey }) : null));
    expect(items.map((i) => ("accepted" in i ? i.accepted : null))).toEqual(here.map((v) => (v?.ok ? v.event : null)));
    expect(items.filter((i) => "accepted" in i && "phoneHash" in i.accepted.data).length).toBeGreaterThan(10);
  });

  it("replays a file in time order to the same state as the same lines sorted in memory, and a shuffled file too", async () => {
    // The valid lines are in time order, so that the file is streamed, not sorted.
    const instants = lines.flatMap((l) => {
      const validation = l.startsWith("{") ? validateEvent(JSON.parse(l), { phoneKey }) : null;
      return validation?.ok ? [validation.event.at] : [];
    });
    expect(instants.every((at, i) => i === 0 || at >= instants[i - 1]!)).toBe(true);
    const expected = JSON.stringify(run(lines.filter((l) => l !== "")));
    const options = { catalogue: () => bundled, phoneKey };
    expect(JSON.stringify(snapshot((await replayFile(sorted, options, silent, { thread })).state))).toBe(expected);
    const reversed = write("reversed.ndjson", [...lines].reverse());
    expect(JSON.stringify(snapshot((await replayFile(reversed, options, silent, { thread })).state))).toBe(expected);
  });

  it("refuses a line that is not UTF-8, as the service refuses such a body, in a file in time order and in one to be sorted", async () => {
    // Decoded, its Latin-1 \xe9 would be U+FFFD, and "latin-\xe9" and "latin-\xe8" one id.
    const valid = lines.slice(0, 200).filter((l) => l !== "");
    const [before, after] = JSON.stringify({ ...events[3], id: "latin-\u00e9" }).split("\u00e9");
    const latin1 = Buffer.concat([Buffer.from(before!), Buffer.from([0xe9]), Buffer.from(after!)]);
    const bytes = (content: string[]) => Buffer.concat([Buffer.from(content.slice(0, 100).join("\n") + "\n"), latin1, Buffer.from("\n" + content.slice(100).join("\n") + "\n")]);
    const expected = run(valid);
    for (const content of [valid, [...valid].reverse()]) {
      const path = join(mkdtempSync(join(tmpdir(), "anxin-history-")), "latin1.ndjson");
      writeFileSync(path, bytes(content));
      const replayed = snapshot((await replayFile(path, { catalogue: () => bundled, phoneKey }, silent, { thread })).state);
      expect(replayed.counts).toEqual({ ...expected.counts, rejected: expected.counts.rejected + 1 });
      expect(replayed.rejected.filter((r) => !expected.rejected.some((e) => e.id === r.id && e.message === r.message))).toEqual([
        expect.objectContaining({ id: null, code: "invalid_json", message: "not JSON: the line is not UTF-8 text" }),
      ]);
    }
  });

  it("stops the reader when the engine stops reading", async () => {
    for await (const batch of readHistory(sorted, phoneKey, { thread })) {
      expect(batch.items.length).toBeGreaterThan(0);
      break;
    }
  });
});

describe("a reading thread started before the catalogue is loaded", () => {
  it("is stopped when the history is closed unread, and when the catalogue is not valid, so that the process ends", () => {
    // More lines than the reader sends ahead unasked: a thread left running would wait for the
    // engine to take them, and keep the process alive.
    const long = write("long.ndjson", [...lines, ...lines, ...lines]);
    const dist = (module: string) => JSON.stringify(pathToFileURL(join(import.meta.dirname, "../../dist/src/cli", module)).href);
    const script = join(mkdtempSync(join(tmpdir(), "anxin-close-")), "close.mjs");
    writeFileSync(script, [
      `import { readHistory } from ${dist("history-reader.js")};`,
      `import { replayFile } from ${dist("replay.js")};`,
      `await readHistory(${JSON.stringify(long)}, "k", { thread: true }).close();`,
      `const silent = { io: { out: () => undefined, err: () => undefined, interactive: false }, label: "test" };`,
      `const invalid = () => { throw new Error("catalogue draft.yaml is not valid"); };`,
      `await replayFile(${JSON.stringify(long)}, { catalogue: invalid, phoneKey: "k" }, silent, { thread: true }).catch((error) => console.log(error.message));`,
    ].join("\n"));
    expect(execFileSync(process.execPath, [script], { encoding: "utf8", timeout: 30_000 })).toBe("catalogue draft.yaml is not valid\n");
  });
});
