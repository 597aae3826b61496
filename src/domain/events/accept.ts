// What accepting an event takes once its shape has passed the contract's schema: a real instant
// and a real phone (replaced by its hash and mask); then its digest goes with it. Without TypeBox,
// so that a replay's reading thread, which checks shapes with the compiled checks' source
// (validate.ts, checkSources), starts without loading it.
import { identifyPhone } from "../phone.js";
import { parseInstant } from "../time.js";
import type { ContractEvent, EventType } from "./schema.js";
import type { AcceptedEvent, Check, CheckedEvent, Rejected, RejectionCode } from "./validate.js";

/** The rest of checkEvent, for an input whose shape is the contract's `type`. */
export function acceptShaped(event: ContractEvent, type: EventType, phoneKey: string): Check {
  const at = parseInstant(event.occurredAt);
  if (at === null) return reject("invalid_timestamp", `"${event.occurredAt}" is not a real instant`, "occurredAt");
  const withNul = textWithNul(event);
  if (withNul !== null) return reject("invalid_field", `${withNul} holds the character U+0000, which no text may hold`, withNul);
  let data: Record<string, unknown> = event.data;
  if ("phone" in event.data) {
    const { phone, ...rest } = event.data;
    const identity = identifyPhone(phone, phoneKey);
    if (identity === null) return reject("invalid_phone", "not a valid E.164 phone number", "data.phone");
    data = { ...rest, ...identity };
  }
  const { brand, city, id, occurredAt } = event;
  return { ok: true, event: { brand, city, data, id, occurredAt, type, at } as CheckedEvent };
}

/**
 * The first of the event's free texts (its id, its data's strings; the rest have patterns) that
 * holds U+0000, or null. PostgreSQL cannot store that character in text, and no id or note needs it.
 */
function textWithNul(event: ContractEvent): string | null {
  if (event.id.includes("\0")) return "id";
  const data = event.data as Record<string, unknown>;
  for (const key in data) {
    const value = data[key];
    if (typeof value === "string" && value.includes("\0")) return `data.${key}`;
  }
  return null;
}

/**
 * checkEvent's verdict without its reasons, from the checks' source (validate.ts, checkSources):
 * the event if it is valid, else null.
 */
export function acceptorFrom(sources: Record<string, string>, phoneKey: string): (value: unknown) => CheckedEvent | null {
  const checks = new Map(Object.entries(sources).map(([type, source]) => [type, new Function(source)() as (value: unknown) => boolean]));
  return (value) => {
    const type = (value as { type?: unknown } | null)?.type;
    const check = typeof type === "string" ? checks.get(type) : undefined;
    if (check === undefined || !check(value)) return null;
    const result = acceptShaped(value as ContractEvent, type as EventType, phoneKey);
    return result.ok ? result.event : null;
  };
}

/** The event with its digest, taken already (a replay's reading thread takes it: history-wire.ts). */
export function withDigest(e: CheckedEvent, digest: number): AcceptedEvent {
  // A literal, not a spread: every accepted event then has one shape, whichever way it came.
  return { brand: e.brand, city: e.city, data: e.data, id: e.id, occurredAt: e.occurredAt, type: e.type, at: e.at, digest } as AcceptedEvent;
}

export function reject(code: RejectionCode, message: string, field: string): Rejected {
  return { ok: false, rejection: { code, message, field } };
}
