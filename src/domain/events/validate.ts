// Turns untrusted input into an accepted event or a rejection that says what is wrong and where.
import { TypeCompiler, type TypeCheck } from "@sinclair/typebox/compiler";
import { ValueErrorType, type ValueError } from "@sinclair/typebox/errors";
import { redactPhonesIn, type PhoneIdentity } from "../phone.js";
import type { Instant } from "../time.js";
import { acceptShaped, reject, withDigest } from "./accept.js";
import { envelopeDigest } from "./digest.js";
import { EnvelopeHeader, envelopeSchemas, eventTypes, type ContractEvent, type EventType } from "./schema.js";

export type RejectionCode =
  | "invalid_json"
  | "invalid_envelope"
  | "missing_field"
  | "unknown_field"
  | "invalid_field"
  | "unknown_type"
  | "invalid_timestamp"
  | "invalid_phone"
  | "conflict"
  | "unknown_claim"
  | "invalid_transition"
  | "insufficient_authority"
  | "out_of_scope";

export interface Rejection {
  code: RejectionCode;
  message: string;
  /** Dotted path of the field at fault, e.g. "data.listingId"; "" for the whole event. */
  field: string;
}

type WithoutPhone<D> = D extends { phone: string } ? Omit<D, "phone"> & PhoneIdentity : D;

/** An event that passed the contract, with its instant parsed and any phone replaced by hash and mask. */
export type AcceptedEvent = {
  [T in EventType]: Omit<Extract<ContractEvent, { type: T }>, "data"> & {
    data: WithoutPhone<Extract<ContractEvent, { type: T }>["data"]>;
    at: Instant;
    /** Digest of the redacted content: the same id with another digest is a conflict. */
    digest: number;
  };
}[EventType];

export type AcceptedEventOf<T extends EventType> = Extract<AcceptedEvent, { type: T }>;

/** An event that passed the contract, before its digest is taken. */
export type CheckedEvent = AcceptedEvent extends infer E ? (E extends unknown ? Omit<E, "digest"> : never) : never;

export type Rejected = { ok: false; rejection: Rejection };
export type Validation = { ok: true; event: AcceptedEvent } | Rejected;
export type Check = { ok: true; event: CheckedEvent } | Rejected;

const headerCheck = TypeCompiler.Compile(EnvelopeHeader);
/** Per type its compiled check and its name as a constant, so that every later `type ===` compares pointers. */
const typeChecks = new Map<string, { check: TypeCheck<any>; type: EventType }>(eventTypes.map((type) => [type, { check: TypeCompiler.Compile(envelopeSchemas[type]), type }]));

export function validateEvent(input: unknown, options: { phoneKey: string }): Validation {
  const check = checkEvent(input, options);
  return check.ok ? { ok: true, event: digested(check.event) } : check;
}

/** The event with the digest of its redacted content (of the six members of the envelope only). */
export function digested(e: CheckedEvent): AcceptedEvent {
  return withDigest(e, envelopeDigest(e));
}

/** validateEvent without the digest. */
export function checkEvent(input: unknown, options: { phoneKey: string }): Check {
  if (input === null || typeof input !== "object" || Array.isArray(input)) {
    return reject("invalid_envelope", "an event is a JSON object", "");
  }
  const raw = input as { type: unknown };
  const known = typeof raw.type === "string" ? typeChecks.get(raw.type) : undefined;
  const check = known?.check;
  // Each type's schema holds the header too: the header alone is checked only to say what is wrong.
  if (check === undefined || !check.Check(input)) {
    if (!headerCheck.Check(input)) return rejectFirst(headerCheck.Errors(input).First()!);
    if (check === undefined) return reject("unknown_type", `unknown event type "${String(raw.type)}"`, "type");
    return rejectFirst(check.Errors(input).First()!);
  }
  return acceptShaped(input as ContractEvent, known!.type, options.phoneKey);
}

/**
 * Each type's compiled check as JavaScript source, which `new Function(source)()` makes the check
 * again: for a thread that checks shapes without loading TypeBox (cli/history-worker.ts).
 */
export function checkSources(): Record<string, string> {
  return Object.fromEntries([...typeChecks].map(([type, { check }]) => [type, check.Code()]));
}

/** A member so named holds a phone, whatever its value (a number, a text with separators). */
const phoneNamed = /phone|mobile|tel/i;

/**
 * What may be kept of a rejected input: never a phone in clear, wherever it stands. A rejected
 * input is free-form (a body that was not JSON, an unknown type, a phone under another name), so
 * every text in it has what may be a phone replaced, and every scalar under a phone's name; until
 * 2026-11-27 only `data.phone` was, and the rest was kept, and listed, as sent.
 */
export function redactRejected(input: unknown, name = ""): unknown {
  if (input === null || input === undefined) return input;
  if (typeof input !== "object") {
    if (phoneNamed.test(name)) return "[redacted]";
    return typeof input === "string" ? redactPhonesIn(input) : input;
  }
  if (Array.isArray(input)) return input.map((item) => redactRejected(item, name));
  // A member's name is text sent too (a phone written as a key).
  return Object.fromEntries(Object.entries(input).map(([key, value]) => [redactPhonesIn(key), redactRejected(value, key)]));
}

function rejectFirst(error: ValueError): Rejected {
  const field = error.path.replace(/^\//, "").replaceAll("/", ".");
  if (error.type === ValueErrorType.ObjectRequiredProperty || (error.value === undefined && field !== "")) {
    return reject("missing_field", `${field} is required`, field);
  }
  if (error.type === ValueErrorType.ObjectAdditionalProperties) {
    return reject("unknown_field", `${field || "the event"} has a field the contract does not define`, field);
  }
  if (field === "occurredAt") return reject("invalid_timestamp", "occurredAt must be RFC 3339 with an offset", field);
  return reject("invalid_field", `${field}: ${error.message}`, field);
}
