// Replay: a history of events, applied in occurredAt order with a virtual clock that follows them.
// The same engine as the live service; only the clock differs.
import type { Catalogue } from "../domain/catalogue/index.js";
import { canonicalJson } from "../domain/events/canonical.js";
import { contentDigest } from "../domain/events/digest.js";
import { parseLine, type HistoryLine } from "../domain/events/history-line.js";
import { validateEvent, type AcceptedEvent } from "../domain/events/validate.js";
import { parseInstant, type Instant } from "../domain/time.js";
import { Engine } from "./engine.js";

export interface ReplayOptions {
  catalogue: Catalogue;
  phoneKey: string;
  /** Where the clock stops; by default at the last event. Events after it are not applied. */
  until?: Instant;
  onProgress?: (done: number, total: number) => void;
  /** Roughly how many events the history holds, if known (state.ts). */
  expectedEvents?: number;
}

export function parseLines(lines: Iterable<string>): HistoryLine[] {
  const parsed: HistoryLine[] = [];
  for (const line of lines) if (line.trim() !== "") parsed.push(parseLine(line));
  return parsed;
}

/** Events are ordered by instant, then id, then content, so that the order of lines never matters. */
function byTime(a: AcceptedEvent, b: AcceptedEvent): number {
  return a.at - b.at || compare(a.id, b.id) || a.digest - b.digest;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Raised when a streamed history turns out not to be in time order. */
export class NotInTimeOrder extends Error {}

/**
 * Applies events given in time order, with a virtual clock that follows them. Events at one
 * instant are held until the instant is complete and applied in (id, content) order; bad lines
 * are kept and rejected at the end, in an order of their content. Streaming a sorted file and
 * sorting an unsorted one in memory therefore give the same state.
 */
export class Replayer {
  readonly engine: Engine;
  private group: AcceptedEvent[] = [];
  private groupAt = Number.NEGATIVE_INFINITY;
  private firstAt: Instant | null = null;
  private readonly invalid: Array<{ key: string; line: HistoryLine }> = [];

  constructor(private readonly options: ReplayOptions) {
    const { catalogue, phoneKey, expectedEvents } = options;
    this.engine = new Engine({ catalogue, phoneKey, keepChanges: false, expectedEvents });
  }

  addInvalid(line: HistoryLine): void {
    this.invalid.push({ key: line.ok ? canonicalJson(line.value) : line.text, line });
  }

  /** Adds a valid event; throws NotInTimeOrder when it is earlier than the one before. */
  addAccepted(event: AcceptedEvent): void {
    if (event.at < this.groupAt) throw new NotInTimeOrder(`event ${event.id} at ${event.occurredAt} comes after a later one`);
    if (event.at > this.groupAt) this.flush();
    this.groupAt = event.at;
    this.group.push(event);
  }

  finish(): Engine {
    this.flush();
    const until = this.options.until ?? (Number.isFinite(this.groupAt) ? this.groupAt : 0);
    this.engine.tick(until, { inclusive: true, virtual: true });
    // Bad lines have no trustworthy time: they are kept as of the first event's instant.
    this.invalid.sort((a, b) => compare(a.key, b.key));
    const at = this.firstAt ?? until;
    for (const { line } of this.invalid) {
      if (line.ok) this.engine.submit(line.value, { now: at });
      else this.engine.rejectUnparseable(line.text, line.error, at);
    }
    return this.engine;
  }

  private flush(): void {
    if (this.group.length === 0) return;
    this.group.sort(byTime);
    this.firstAt ??= this.groupAt;
    const until = this.options.until;
    if (until === undefined || this.groupAt <= until) {
      this.engine.tick(this.groupAt, { inclusive: false, virtual: true });
      for (const event of this.group) this.engine.accept(event, { now: event.at });
    }
    this.group = [];
  }
}

/** Replays lines in any order: sorted in memory first. */
export function replay(history: readonly HistoryLine[], options: ReplayOptions): Engine {
  const accepted: AcceptedEvent[] = [];
  const replayer = new Replayer(options);
  for (const line of history) {
    const validation = line.ok ? validateEvent(line.value, { phoneKey: options.phoneKey }) : null;
    if (validation?.ok) accepted.push(validation.event);
    else replayer.addInvalid(line);
  }
  accepted.sort(byTime);
  accepted.forEach((event, i) => {
    replayer.addAccepted(event);
    if (options.onProgress !== undefined && i % 10_000 === 0) options.onProgress(i, accepted.length);
  });
  options.onProgress?.(accepted.length, accepted.length);
  return replayer.finish();
}

/** One line of `anxin log export`: an accepted event as received, or a tick that processed deadlines. */
export type LogEntry =
  | { seq: number; kind: "event"; receivedAt: string; fingerprint: string; event: Record<string, unknown> & { occurredAt: string } }
  | { seq: number; kind: "tick"; at: string };

/** Whether a parsed line has the shape of a LogEntry (another file given as a log is refused, not half applied). */
export function isLogEntry(value: unknown): value is LogEntry {
  const entry = value as Partial<Record<string, unknown>> | null;
  if (typeof entry !== "object" || entry === null || !Number.isSafeInteger(entry["seq"])) return false;
  const instant = (text: unknown) => typeof text === "string" && parseInstant(text) !== null;
  if (entry["kind"] === "tick") return instant(entry["at"]);
  const event = entry["event"] as Partial<Record<string, unknown>> | null;
  return entry["kind"] === "event" && instant(entry["receivedAt"]) && typeof event === "object" && event !== null
    && typeof event["id"] === "string" && typeof event["type"] === "string" && instant(event["occurredAt"])
    && typeof event["data"] === "object" && event["data"] !== null;
}

/**
 * Replays a service's own log exactly as the service applied it: events at the instant they were
 * received, ticks at their instants. The result equals the service's state.
 */
export function replayLog(entries: readonly LogEntry[], options: Omit<ReplayOptions, "until">): Engine {
  const engine = new Engine({ catalogue: options.catalogue, phoneKey: options.phoneKey, keepChanges: false });
  const ordered = [...entries].sort((a, b) => a.seq - b.seq);
  ordered.forEach((entry, i) => {
    if (entry.kind === "tick") engine.tick(Date.parse(entry.at));
    else engine.accept({ ...entry.event, at: Date.parse(entry.event.occurredAt), digest: contentDigest(entry.event) } as unknown as AcceptedEvent, { now: Date.parse(entry.receivedAt), logged: true });
    if (options.onProgress !== undefined && i % 10_000 === 0) options.onProgress(i, ordered.length);
  });
  return engine;
}
