// `anxin replay EVENTS.ndjson [--until T] [--catalogue FILE] [--compare] [--json]`
import { statSync, type Stats } from "node:fs";
import { setFlagsFromString } from "node:v8";
import { SingleBar } from "cli-progress";
import type { Catalogue } from "../domain/catalogue/index.js";
import { parseLine, type HistoryLine } from "../domain/events/history-line.js";
import { isBalanced } from "../domain/ledger.js";
import { formatYuan } from "../domain/money.js";
import { formatInstant, parseInstant, type Instant } from "../domain/time.js";
import type { Engine } from "../engine/engine.js";
import type { EngineState } from "../engine/state.js";
import { isLogEntry, NotInTimeOrder, replay, Replayer, replayLog, type ReplayOptions } from "../engine/replay.js";
import { claimView, streamedSnapshot, type Snapshot } from "../engine/snapshot.js";
import { loadCatalogue } from "../store/catalogue-files.js";
import { readHistory, type ReadingOptions } from "./history-reader.js";
import { CliError, writerOf, type Io } from "./io.js";
import { writeJsonDocument } from "./json-out.js";
import { linesOf } from "./ndjson-lines.js";

export interface ReplayFlags {
  log?: string;
  until?: string;
  catalogue?: string;
  compare?: boolean;
  json?: boolean;
}

export const replayPhoneKey = () => process.env["ANXIN_PHONE_KEY"] ?? "anxin-replay-local-key";

/** A simulated year's lines average 211 bytes; the engine's columns are sized from the file by this (state.ts). */
const typicalLineBytes = 200;
/**
 * How far past what is live V8 lets a replay's heap grow before it collects in full. A replay
 * keeps a city's facts for the whole run, and open obligations and batches in flight outlive young
 * collections at a steady rate. With the engine's columns allocated up front, nothing else makes V8
 * collect in full, and it lets such a heap reach about four times what is live (2.2 GB of 590 MB
 * in a Beijing year), which costs memory and slows every young collection; at half again, full
 * collections came three times as often and took longer in all (docs/benchmarks-history.md).
 */
const heapGrowthPercent = 100;

/** ReplayOptions with the catalogue still to load: it is loaded while a large file's reading thread starts. */
export type FileReplayOptions = Omit<ReplayOptions, "catalogue"> & { catalogue: () => Catalogue };

/**
 * Replays a file: streamed when it is in time order (as `anxin simulate` writes), so that a
 * city-year need not fit in memory, a large file's lines read and validated on a second thread;
 * read whole and sorted otherwise. Same result.
 */
export async function replayFile(path: string, fileOptions: FileReplayOptions, show: { io: Io; label: string }, reading: ReadingOptions = {}): Promise<Engine> {
  const size = statOrFail(path);
  setFlagsFromString(`--heap-growing-percent=${heapGrowthPercent}`);
  const history = readHistory(path, fileOptions.phoneKey, reading);
  const bar = show.io.interactive && size > 10_000_000 ? new SingleBar({ format: `${show.label} [{bar}] {percentage}% of ${Math.round(size / 1e6)} MB`, stream: process.stderr }) : null;
  try {
    const options: ReplayOptions = { expectedEvents: Math.ceil(size / typicalLineBytes), ...fileOptions, catalogue: fileOptions.catalogue() };
    bar?.start(size, 0);
    try {
      const replayer = new Replayer(options);
      for await (const batch of history) {
        for (const item of batch.items) {
          if ("accepted" in item) replayer.addAccepted(item.accepted);
          else replayer.addInvalid(item.invalid);
        }
        bar?.update(batch.bytesRead);
      }
      return replayer.finish();
    } catch (error) {
      if (!(error instanceof NotInTimeOrder)) throw error;
    }
    await history.close();
    bar?.update(0);
    return replay(await readParsedLines(path), { ...options, ...(bar === null ? {} : { onProgress: (done, total) => bar.update(Math.round((done / Math.max(1, total)) * size)) }) });
  } finally {
    await history.close();
    bar?.stop();
  }
}

function statOrFail(path: string): number {
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch (error) {
    throw new CliError(`cannot read ${path}: ${(error as Error).message}`);
  }
  if (!stats.isFile()) throw new CliError(`cannot read ${path}: not a file`);
  return stats.size;
}

/** Every line of the file, parsed, or with the reason it is not taken. */
async function readParsedLines(path: string): Promise<HistoryLine[]> {
  const lines: HistoryLine[] = [];
  try {
    for await (const chunk of linesOf(path)) for (const line of chunk.lines) lines.push(typeof line === "string" ? parseLine(line) : line);
  } catch (error) {
    throw new CliError(`cannot read ${path}: ${(error as Error).message}`);
  }
  return lines;
}

export function catalogueOrFail(path?: string): Catalogue {
  const loaded = loadCatalogue(path);
  if (!loaded.ok) throw new CliError(`catalogue ${path ?? "(bundled)"} is not valid:\n${loaded.problems.map((p) => `  ${p.path}: ${p.message}`).join("\n")}`);
  return loaded.catalogue;
}

function untilOrFail(text?: string): Instant | undefined {
  if (text === undefined) return undefined;
  const at = parseInstant(text);
  if (at === null) throw new CliError(`--until must be RFC 3339 with an offset, e.g. 2026-03-10T00:00:00+08:00; got ${text}`);
  return at;
}

export async function replayCommand(file: string | undefined, flags: ReplayFlags, io: Io): Promise<number> {
  if (flags.log !== undefined) {
    if (file !== undefined || flags.until !== undefined || flags.compare) throw new CliError("--log replays a service's exported log as it was applied: give no events file, --until or --compare");
    const entries = (await readParsedLines(flags.log)).map((parsed, i) => {
      if (!parsed.ok || !isLogEntry(parsed.value)) throw new CliError(`${flags.log}:${i + 1} is not a log entry of anxin log export`);
      return parsed.value;
    });
    const engine = replayLog(entries, { catalogue: catalogueOrFail(flags.catalogue), phoneKey: replayPhoneKey() });
    await printState(engine.state, flags, io);
    return 0;
  }
  if (file === undefined) throw new CliError("give an events file, or --log FILE");
  const until = untilOrFail(flags.until);
  // Claims and breach counts are all a comparison reads: the first run's obligations (millions in a city-year) are not kept through the second.
  const run = async (catalogue: Catalogue, label: string): Promise<Outcomes> => {
    const options = { catalogue: () => catalogue, phoneKey: replayPhoneKey(), ...(until === undefined ? {} : { until }) };
    const { state } = await replayFile(file, options, { io, label });
    return { claims: [...state.claims.values()].map(claimView), breached: state.obligations.breachedByCommitment() };
  };
  if (flags.compare) {
    if (flags.catalogue === undefined) throw new CliError("--compare needs --catalogue DRAFT to compare with the bundled catalogue");
    const base = await run(catalogueOrFail(), "bundled");
    const draft = await run(catalogueOrFail(flags.catalogue), "draft");
    const difference = compareSnapshots(base, draft);
    io.out(flags.json ? `${JSON.stringify({ compare: difference }, null, 2)}\n` : formatComparison(difference));
    return 0;
  }
  const engine = await replayFile(file, { catalogue: () => catalogueOrFail(flags.catalogue), phoneKey: replayPhoneKey(), ...(until === undefined ? {} : { until }) }, { io, label: "replay" });
  await printState(engine.state, flags, io);
  return 0;
}

/** The state as JSON (written in chunks: a city-year's is gigabytes), or its summary. */
async function printState(state: EngineState, flags: ReplayFlags, io: Io): Promise<void> {
  if (flags.json) await writeJsonDocument(streamedSnapshot(state), writerOf(io));
  else io.out(formatSummary(summarise(state)));
}

interface Tally {
  claims: number;
  amountFen: number;
  paidFen: number;
  /** Obligations breached: a standard's (30124) deadlines missed, which open no claim. */
  breached: number;
}

export interface CommitmentDifference {
  commitment: string;
  bundled: Tally;
  draft: Tally;
  delta: Tally;
}

/** What a comparison reads of a run: its claims, and its breached obligations per commitment. */
type Outcomes = Pick<Snapshot, "claims"> & { breached: ReadonlyMap<string, number> };

/** Claims, fen and breaches per commitment under each catalogue (voided and rejected claims not counted). */
export function compareSnapshots(base: Outcomes, draft: Outcomes): CommitmentDifference[] {
  const none = (): Tally => ({ claims: 0, amountFen: 0, paidFen: 0, breached: 0 });
  const tally = (s: Outcomes) => {
    const byCommitment = new Map<string, Tally>();
    const of = (commitment: string) => byCommitment.get(commitment) ?? byCommitment.set(commitment, none()).get(commitment)!;
    for (const claim of s.claims) {
      if (claim.status === "voided" || claim.status === "rejected") continue;
      const t = of(claim.commitment);
      t.claims++;
      t.amountFen += claim.amountFen;
      if (claim.status === "paid") t.paidFen += claim.amountFen;
    }
    for (const [commitment, breached] of s.breached) of(commitment).breached = breached;
    return byCommitment;
  };
  const a = tally(base);
  const b = tally(draft);
  return [...new Set([...a.keys(), ...b.keys()])].sort().map((commitment) => {
    const bundled = a.get(commitment) ?? none();
    const drafted = b.get(commitment) ?? none();
    return {
      commitment, bundled, draft: drafted,
      delta: { claims: drafted.claims - bundled.claims, amountFen: drafted.amountFen - bundled.amountFen, paidFen: drafted.paidFen - bundled.paidFen, breached: drafted.breached - bundled.breached },
    };
  });
}

const cny = formatYuan;

function formatComparison(rows: CommitmentDifference[]): string {
  const side = (t: Tally) => `${String(t.claims).padStart(6)}  ${cny(t.amountFen).padEnd(12)}  ${String(t.breached).padStart(8)}`;
  const lines = [
    `${"".padEnd(26)}  ${"bundled".padEnd(30)}  ${"draft".padEnd(30)}  delta`,
    `${"commitment".padEnd(26)}  ${"claims  CNY           breached".padEnd(30)}  ${"claims  CNY           breached".padEnd(30)}  claims  CNY           breached`,
  ];
  for (const r of rows) lines.push(`${r.commitment.padEnd(26)}  ${side(r.bundled)}  ${side(r.draft)}  ${side(r.delta)}`);
  return `${lines.join("\n")}\n`;
}

interface Summary {
  clock: string | null;
  counts: EngineState["counts"];
  claims: Map<string, number>;
  obligations: Map<string, number>;
  risks: number;
  alerts: number;
  balanced: boolean;
  entries: number;
}

/** The counts the summary prints, without building a view of every claim and obligation. */
function summarise(state: EngineState): Summary {
  const tally = (statuses: Iterable<{ progress: { status: string } }>) => {
    const counts = new Map<string, number>();
    for (const item of statuses) counts.set(item.progress.status, (counts.get(item.progress.status) ?? 0) + 1);
    return counts;
  };
  return {
    clock: Number.isFinite(state.clock) ? formatInstant(state.clock) : null, counts: state.counts,
    claims: tally(state.claims.values()), obligations: state.obligations.countByStatus(),
    risks: state.risks.size, alerts: state.alerts.length, balanced: isBalanced(state.ledger), entries: state.ledger.entries.length,
  };
}

function formatSummary(s: Summary): string {
  const list = (counts: Map<string, number>) => `${[...counts.values()].reduce((a, b) => a + b, 0)}${counts.size === 0 ? "" : ` (${[...counts].map(([k, v]) => `${v} ${k}`).join(", ")})`}`;
  return [
    `clock        ${s.clock}`,
    `events       ${s.counts.accepted} accepted, ${s.counts.duplicates} duplicates, ${s.counts.rejected} rejected`,
    `claims       ${list(s.claims)}`,
    `obligations  ${list(s.obligations)}`,
    `risks        ${s.risks}; alerts ${s.alerts}`,
    `ledger       ${s.balanced ? "balanced" : "NOT BALANCED"}, ${s.entries} entries`,
    "",
  ].join("\n");
}
