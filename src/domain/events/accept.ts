// What accepting an event takes once its shape has passed the contract's schema: a real instant,
// no text holding U+0000, and a real phone (replaced by its hash and mask); then its digest goes
// with it. Without TypeBox,
// so that a replay's reading thread, which checks shapes with the compiled checks' source
// (validate.ts, checkSources), starts without loading it.
import { identifyPhone } from "../phone.js";
import { parseInstant } from "../time.js";
import type { ContractEvent, EventType } from "./schema.js";
import type { AcceptedEvent, Check, CheckedEvent, Rejected, RejectionCode } from "./validate.js";

/**
 * The rest of checkEvent, for an input whose shape is the contract's `type`. `fromJson`, the text
 * it was parsed from, if at hand: without the escape "\u0000" in it, no text of it holds U+0000.
 */
export function acceptShaped(event: ContractEvent, type: EventType, phoneKey: string, fromJson?: string): Check {
  const at = parseInstant(event.occurredAt);
  if (at === null) return reject("invalid_timestamp", `"${event.occurredAt}" is not a real instant`, "occurredAt");
  const withNul = fromJson !== undefined && !fromJson.includes("\\u0000") ? null : textWithNul(event);
  if (withNul !== null) return reject("invalid_field", nulMessage(withNul), withNul);
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
 * Where in `value` the first string holding U+0000 is, as a dotted path ("" for `value` itself),
 * or null. No text may hold it: PostgreSQL cannot store it, and no id or note needs it.
 */
export function whereNul(value: unknown): string | null {
  if (typeof value === "string") return value.includes("\0") ? "" : null;
  if (value === null || typeof value !== "object") return null;
  for (const key in value) {
    const found = whereNul((value as Record<string, unknown>)[key]);
    if (found !== null) return found === "" ? key : `${key}.${found}`;
  }
  return null;
}

export const nulMessage = (where: string): string => `${where || "the input"} holds the character U+0000, which no text may hold`;

/**
 * whereNul for an event that passed its schema, which leaves only its id and its data's strings
 * free (data is flat): a third of the time of the general walk.
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
 * checkEvent's verdict without its reasons, from the checks' source (validate.ts, checkSources),
 * for a value and the line it was parsed from: the event if it is valid, else null.
 */
export function acceptorFrom(sources: Record<string, string>, phoneKey: string): (value: unknown, line: string) => CheckedEvent | null {
  const checks = new Map(Object.entries(sources).map(([type, source]) => [type, new Function(source)() as (value: unknown) => boolean]));
  return (value, line) => {
    const type = (value as { type?: unknown } | null)?.type;
    const check = typeof type === "string" ? checks.get(type) : undefined;
    if (check === undefined || !check(value)) return null;
    const result = acceptShaped(value as ContractEvent, type as EventType, phoneKey, line);
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
