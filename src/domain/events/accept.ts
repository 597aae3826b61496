// What accepting an event takes once its shape has passed the contract's schema: a real instant and
// calendar date, every id and text storable (no U+0000, no unpaired surrogate), and a real phone
// (replaced by its hash and mask); then its digest goes with it. Without TypeBox, so that a
// replay's reading thread, which checks shapes with the compiled checks' source (validate.ts,
// checkSources), starts without loading it.
import { identifyPhone, isPhoneNumber, maskPhonesIn } from "../phone.js";
import { firstYear, isCalendarDate, lastYear, parseInstant } from "../time.js";
import type { ContractEvent, EventType } from "./schema.js";
import type { AcceptedEvent, Check, CheckedEvent, Rejected, RejectionCode } from "./validate.js";

/**
 * The rest of checkEvent, for an input whose shape is the contract's `type`. `fromJson`, the text
 * it was parsed from, if at hand: JSON read as UTF-8 holds U+0000 or a surrogate only as an escape
 * ("\u0000", "\ud800"), so without one no text of it is flawed.
 */
export function acceptShaped(event: ContractEvent, type: EventType, phoneKey: string, fromJson?: string): Check {
  const at = parseInstant(event.occurredAt);
  if (at === null) return reject("invalid_timestamp", `"${event.occurredAt}" is not a real instant of ${firstYear}–${lastYear}`, "occurredAt");
  // The schema checks a date's pattern only: 2026-02-30 passed it and was then judged as no date at all.
  if (event.type === "seizure.found" && !isCalendarDate(event.data.seizedOn)) {
    return reject("invalid_field", `data.seizedOn: "${event.data.seizedOn}" is not a real calendar date of ${firstYear}–${lastYear}`, "data.seizedOn");
  }
  // The contract's "listingId or dealId": a review of nothing was taken and counted.
  if (event.type === "review.submitted" && event.data.listingId === undefined && event.data.dealId === undefined) {
    return reject("missing_field", "a review names its listingId or its dealId", "data.listingId");
  }
  const flawed = fromJson !== undefined && !mayBeFlawed(fromJson) ? null : flawedText(event);
  if (flawed !== null) return reject("invalid_field", flawed.message, flawed.field);
  const guarded = withoutPhones(event);
  if (guarded !== null && "ok" in guarded) return guarded;
  let data: Record<string, unknown> = guarded?.data ?? event.data;
  if ("phone" in event.data) {
    const { phone: _phone, ...rest } = data;
    const identity = identifyPhone(event.data.phone, phoneKey);
    if (identity === null) return reject("invalid_phone", "not a valid E.164 phone number", "data.phone");
    data = { ...rest, ...identity };
  }
  const { brand, city, id, occurredAt } = event;
  return { ok: true, event: { brand, city, data, id, occurredAt, type, at } as CheckedEvent };
}

/**
 * Phones outside the phone field, which is hashed: a text's are masked (maskPhonesIn), as the text
 * is kept and shown; an id that is a phone is refused, as an id is kept and shown as sent, and
 * masked it would merge people. The contract names every id `id` or `…Id`. Null when nothing is.
 */
function withoutPhones(event: ContractEvent): { data: Record<string, unknown> } | Rejected | null {
  if (isPhoneNumber(event.id)) return phoneAsId("id");
  const data = event.data as Record<string, unknown>;
  let masked: Record<string, unknown> | null = null;
  for (const key in data) {
    const value = data[key];
    if (typeof value !== "string" || key === "phone") continue;
    if (key.endsWith("Id")) {
      if (isPhoneNumber(value)) return phoneAsId(`data.${key}`);
      continue;
    }
    const text = maskPhonesIn(value);
    if (text !== null) (masked ??= { ...data })[key] = text;
  }
  return masked === null ? null : { data: masked };
}

const phoneAsId = (field: string): Rejected =>
  reject("invalid_field", `${field} is a phone number: an id is kept and shown as sent, and Anxin never keeps a phone in clear; send the person's id in your system`, field);

/**
 * What no id or text may hold, or null: U+0000, which PostgreSQL cannot store and no id or note
 * needs, and an unpaired UTF-16 surrogate, which is not text: a store keeps U+FFFD in its place
 * (PostgreSQL) or bytes no UTF-8 reader takes (SQLite), so two ids that differ by one would be one.
 */
export function flawOf(text: string): string | null {
  if (text.includes("\0")) return "the character U+0000";
  return text.isWellFormed() ? null : "an unpaired UTF-16 surrogate";
}

export type FlawedText = { field: string; message: string };

/** The first string in `value` that is flawed (flawOf), by its dotted path ("" for `value` itself), or null. */
export function whereFlawed(value: unknown): FlawedText | null {
  const found = flawedIn(value);
  return found === null ? null : flawed(found.path, found.flaw);
}

function flawedIn(value: unknown): { path: string; flaw: string } | null {
  if (typeof value === "string") {
    const flaw = flawOf(value);
    return flaw === null ? null : { path: "", flaw };
  }
  if (value === null || typeof value !== "object") return null;
  for (const key in value) {
    const found = flawedIn((value as Record<string, unknown>)[key]);
    if (found !== null) return { path: found.path === "" ? key : `${key}.${found.path}`, flaw: found.flaw };
  }
  return null;
}

const flawed = (field: string, flaw: string): FlawedText => ({ field, message: `${field || "the input"} holds ${flaw}, which no text may hold` });

/** Whether JSON text may hold a flawed string: whether it holds the escape of U+0000 or of a surrogate. */
const mayBeFlawed = (json: string): boolean => json.includes("\\u") && (json.includes("\\u0000") || /\\u[dD][89a-fA-F]/.test(json));

/**
 * whereFlawed for an event that passed its schema, which leaves only its id and its data's strings
 * free (data is flat): a third of the time of the general walk.
 */
function flawedText(event: ContractEvent): FlawedText | null {
  const idFlaw = flawOf(event.id);
  if (idFlaw !== null) return flawed("id", idFlaw);
  const data = event.data as Record<string, unknown>;
  for (const key in data) {
    const value = data[key];
    const flaw = typeof value === "string" ? flawOf(value) : null;
    if (flaw !== null) return flawed(`data.${key}`, flaw);
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

/** The event with its digest, taken already (a replay's reading thread takes it: engine/event-wire.ts). */
export function withDigest(e: CheckedEvent, digest: number): AcceptedEvent {
  // A literal, not a spread: every accepted event then has one shape, whichever way it came.
  return { brand: e.brand, city: e.city, data: e.data, id: e.id, occurredAt: e.occurredAt, type: e.type, at: e.at, digest } as AcceptedEvent;
}

export function reject(code: RejectionCode, message: string, field: string): Rejected {
  return { ok: false, rejection: { code, message, field } };
}
