// The log's rows: an accepted event's or a tick's, and how the engine applies one again.
import type { AcceptedEvent } from "../domain/events/validate.js";
import { canonicalEnvelope, fingerprintOf, type Envelope } from "../domain/events/canonical.js";
import { envelopeDigest } from "../domain/events/digest.js";
import type { Instant } from "../domain/time.js";
import { assert } from "../domain/assert.js";
import type { WireSink } from "../engine/event-wire.js";
import type { Engine } from "../engine/engine.js";
import type { LogTable } from "../store/database.js";

type NewLogRow = Omit<LogTable, "seq">;

export function tickRow(at: Instant): NewLogRow {
  return { kind: "tick", event_id: null, type: null, at, received_at: at, city: null, brand: null, fingerprint: null, body: null };
}

/**
 * The log row of an accepted event: its canonical JSON as the body, and the published fingerprint,
 * which anyone can therefore take again from the body.
 */
export function eventRow(event: AcceptedEvent, now: Instant): NewLogRow {
  const body = canonicalEnvelope(event);
  return { kind: "event", event_id: event.id, type: event.type, at: event.at, received_at: now, city: event.city, brand: event.brand, fingerprint: fingerprintOf(body), body };
}

/** Applies one log row: the same engine calls the live service made. */
export function applyLogRow(engine: Engine, row: { kind: string; at: number; received_at: number; body: string | null }): void {
  if (row.kind === "tick") engine.tick(row.at);
  else engine.accept(eventOfLogRow(row), { now: Number(row.received_at), logged: true });
}

/** Applies the log's rows as its reading thread hands them on (log-reader.ts): as applyLogRow does. */
export function logRowApplier(engine: Engine): WireSink {
  return {
    accepted: (event, receivedAt) => void engine.accept(event, { now: receivedAt!, logged: true }),
    tick: (at) => void engine.tick(at),
    invalid: () => assert(false, "the log holds accepted events only"),
  };
}

export function eventOfLogRow(row: { at: number; body: string | null }): AcceptedEvent {
  const contract = JSON.parse(row.body!) as Envelope;
  return { ...contract, at: Number(row.at), digest: envelopeDigest(contract) } as AcceptedEvent;
}
