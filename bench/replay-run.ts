// One measurement in a fresh process: parse-only or full replay of an NDJSON file; prints JSON.
// Run by bench/main.ts: node dist/bench/replay-run.js parse|replay FILE
import { linesOf } from "../src/cli/ndjson-lines.js";
import { replayFile, catalogueOrFail } from "../src/cli/replay.js";

const [mode, file] = process.argv.slice(2);
const started = performance.now();
let events = 0;
if (mode === "parse") {
  // Read as replay reads (ndjson-lines.ts), the fastest way here to get a file's lines.
  for await (const chunk of linesOf(file!)) {
    for (const line of chunk.lines) {
      if (typeof line === "string") JSON.parse(line);
      events++;
    }
  }
} else {
  const io = { out: () => undefined, err: () => undefined, interactive: false };
  const engine = await replayFile(file!, { catalogue: () => catalogueOrFail(), phoneKey: "bench-phone-key" }, { io, label: "replay" });
  events = engine.state.counts.accepted + engine.state.counts.duplicates + engine.state.counts.rejected;
}
const seconds = (performance.now() - started) / 1000;
const usage = process.resourceUsage();
// Replay reads on a second thread: its CPU seconds (both threads) can exceed its wall seconds.
process.stdout.write(JSON.stringify({ mode, events, seconds, cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6, maxRssMb: Math.round(usage.maxRSS / 1024) }));
