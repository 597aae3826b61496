// Replay: a history of events, applied in occurredAt order with a virtual clock that follows them.
// The same engine as the live service; only the clock differs.
import type { Catalogue } from "../domain/catalogue/index.js";
import { canonicalJson } from "../domain/events/canonical.js";
import { validateEvent, type AcceptedEvent } from "../domain/events/validate.js";
import type { Instant } from "../domain/time.js";
import { Engine } from "./engine.js";

export interface ReplayOptions {
  catalogue: Catalogue;
  phoneKey: string;
  /** Where the clock stops; by default at the last event. Events after it are not applied. */
  until?: Instant;
  onProgress?: (done: number, total: number) => void;
}

export type HistoryLine = { ok: true; value: unknown } | { ok: false; text: string; error: string };

/** Parses NDJSON lines; an unparseable line is kept, to be rejected with its reason. */
export function parseLines(lines: Iterable<string>): HistoryLine[] {
  const parsed: HistoryLine[] = [];
  for (const line of lines) {
    if (line.trim() === "") continue;
    try {
      parsed.push({ ok: true, value: JSON.parse(line) });
    } catch (error) {
      parsed.push({ ok: false, text: line, error: (error as Error).message });
    }
  }
  return parsed;
}

/** Events are ordered by instant, then id, then content, so that the order of lines never matters. */
function byTime(a: AcceptedEvent, b: AcceptedEvent): number {
  return a.at - b.at || compare(a.id, b.id) || compare(a.fingerprint, b.fingerprint);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function replay(history: readonly HistoryLine[], options: ReplayOptions): Engine {
  const engine = new Engine({ catalogue: options.catalogue, phoneKey: options.phoneKey });
  const accepted: AcceptedEvent[] = [];
  const invalid: Array<{ key: string; line: HistoryLine }> = [];
  for (const line of history) {
    const validation = line.ok ? validateEvent(line.value, { phoneKey: options.phoneKey }) : null;
    if (validation?.ok) accepted.push(validation.event);
    else invalid.push({ key: line.ok ? canonicalJson(line.value) : line.text, line });
  }
  accepted.sort(byTime);
  const until = options.until ?? accepted.at(-1)?.at ?? 0;
  // Bad lines have no trustworthy time: they are recorded first, in an order of their content.
  invalid.sort((a, b) => compare(a.key, b.key));
  const firstAt = accepted[0]?.at ?? until;
  for (const { line } of invalid) {
    if (line.ok) engine.submit(line.value, { now: firstAt });
    else engine.rejectUnparseable(line.text, line.error, firstAt);
  }
  const total = accepted.length;
  for (let i = 0; i < total; i++) {
    const event = accepted[i]!;
    if (event.at > until) break;
    engine.tick(event.at, { inclusive: false, virtual: true });
    engine.accept(event, { now: event.at });
    if (options.onProgress !== undefined && i % 10_000 === 0) options.onProgress(i, total);
  }
  engine.tick(until, { inclusive: true, virtual: true });
  options.onProgress?.(total, total);
  return engine;
}

/** One line of `anxin log export`: an accepted event as received, or a tick that processed deadlines. */
export type LogEntry =
  | { seq: number; kind: "event"; receivedAt: string; fingerprint: string; event: Record<string, unknown> & { occurredAt: string } }
  | { seq: number; kind: "tick"; at: string };

/**
 * Replays a service's own log exactly as the service applied it: events at the instant they were
 * received, ticks at their instants. The result equals the service's state.
 */
export function replayLog(entries: readonly LogEntry[], options: Omit<ReplayOptions, "until">): Engine {
  const engine = new Engine({ catalogue: options.catalogue, phoneKey: options.phoneKey });
  const ordered = [...entries].sort((a, b) => a.seq - b.seq);
  ordered.forEach((entry, i) => {
    if (entry.kind === "tick") engine.tick(Date.parse(entry.at));
    else engine.accept({ ...entry.event, at: Date.parse(entry.event.occurredAt), fingerprint: entry.fingerprint } as unknown as AcceptedEvent, { now: Date.parse(entry.receivedAt) });
    if (options.onProgress !== undefined && i % 10_000 === 0) options.onProgress(i, ordered.length);
  });
  return engine;
}
