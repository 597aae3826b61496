// npm run bench: replay throughput on simulated Beijing histories at 1×, 2×, 4× (against merely
// parsing the same NDJSON), then the service benchmarks (bench/service.ts) and the scale-out
// rounds (bench/scale-out.ts) and the report queries (bench/reports.ts). Every figure is measured
// in a fresh process. --quick for a short run; --only replay|service|scale-out|reports for one part.
import { execFileSync } from "node:child_process";
import { createWriteStream, mkdtempSync, rmSync } from "node:fs";
import { cpus, totalmem, tmpdir } from "node:os";
import { join } from "node:path";
import { dataDir } from "../src/cli/simulate.js";
import { loadListings } from "../src/simulator/listings-data.js";
import { Simulation } from "../src/simulator/world.js";
import { useScratchDir } from "../tools/scratch.js";
import { serveNodeFlags } from "../tools/serve-process.js";

useScratchDir("anxin-bench-");

const quick = process.argv.includes("--quick");
/** `--only replay|service|scale-out|reports` runs one part. */
const only = process.argv.includes("--only") ? process.argv[process.argv.indexOf("--only") + 1] : undefined;
const selected = (part: string) => only === undefined || only === part;
const here = import.meta.dirname;
const baseScale = quick ? 0.005 : 0.01;
const runs = quick ? 1 : 5;

async function writeHistory(path: string, scale: number): Promise<number> {
  const out = createWriteStream(path);
  let count = 0;
  const simulation = new Simulation({ city: "beijing", brand: "lianjia", days: 365, seed: 7, scale, start: "2025-01-01" }, loadListings(dataDir()));
  for (const day of simulation.days()) {
    let chunk = "";
    for (const event of day) chunk += `${JSON.stringify(event)}\n`;
    count += day.length;
    if (!out.write(chunk)) await new Promise<void>((resolve) => out.once("drain", () => resolve()));
  }
  await new Promise<void>((resolve) => out.end(() => resolve()));
  return count;
}

interface Measure { events: number; seconds: number; cpuSeconds: number; maxRssMb: number }

/**
 * Parse and replay in turn, each in a fresh process, `runs` times: the ratio is taken pair by
 * pair, so that it holds when the shared machine's speed drifts; the median pair is reported.
 */
function measurePair(file: string): { parse: Measure; replay: Measure } {
  const once = (mode: "parse" | "replay") => JSON.parse(execFileSync(process.execPath, ["--max-old-space-size=8192", join(here, "replay-run.js"), mode, file], { encoding: "utf8" })) as Measure;
  const pairs = Array.from({ length: runs }, () => ({ parse: once("parse"), replay: once("replay") }));
  pairs.sort((a, b) => a.parse.seconds / a.replay.seconds - b.parse.seconds / b.replay.seconds);
  return pairs[Math.floor(pairs.length / 2)]!;
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

async function replayPart(): Promise<void> {
  console.log(`machine: ${cpus()[0]?.model ?? "?"} × ${cpus().length}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}; the median of ${runs} parse/replay pair(s)`);
  console.log(`\nreplay of a simulated Beijing year (anxin simulate --days 365 --seed 7), streamed, in a fresh process`);
  console.log("(the replay reads, parses and validates on a second thread: CPU s counts both threads)");
  console.log("scale  ×   events      parse ev/s   replay ev/s  replay/parse  replay s  CPU s  µs/event  vs 1×   peak RSS");
  const dir = mkdtempSync(join(tmpdir(), "anxin-bench-"));
  let perEventAt1: number | null = null;
  try {
    for (const factor of [1, 2, 4]) {
      const file = join(dir, `beijing-${factor}.ndjson`);
      await writeHistory(file, baseScale * factor);
      const { parse, replay } = measurePair(file);
      const perEvent = (replay.seconds / replay.events) * 1e6;
      perEventAt1 ??= perEvent;
      console.log(`${String(baseScale * factor).padEnd(6)} ${String(factor).padEnd(3)} ${fmt(replay.events).padStart(9)}  ${fmt(parse.events / parse.seconds).padStart(11)}  ${fmt(replay.events / replay.seconds).padStart(12)}  ${`${((parse.seconds / replay.seconds) * 100).toFixed(1)}%`.padStart(12)}  ${replay.seconds.toFixed(1).padStart(8)}  ${replay.cpuSeconds.toFixed(1).padStart(5)}  ${perEvent.toFixed(1).padStart(8)}  ${(perEvent / perEventAt1).toFixed(2).padStart(5)}   ${fmt(replay.maxRssMb).padStart(5)} MB`);
      rmSync(file);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log("(target: replay ≥ 30% of the parse rate; µs/event flat from 1× to 4× means linear cost)\n");
}

if (selected("replay")) await replayPart();
for (const script of ["service.js", "scale-out.js", "reports.js"]) {
  if (!selected(script.replace(".js", ""))) continue;
  // The service's raw baselines run in this child: with serve's flags, as the server they are set beside.
  const flags = script === "service.js" ? serveNodeFlags : [];
  execFileSync(process.execPath, [...flags, join(here, script), ...(quick ? ["--quick"] : [])], { stdio: "inherit" });
  console.log("");
}
