import { hash } from "node:crypto";

/** Objects enumerate integer-like keys first whatever their insertion: those take the slow path. */
const slowPath = Symbol("slow path");
const startsWithDigit = (key: string) => key.charCodeAt(0) >= 48 && key.charCodeAt(0) <= 57;

/**
 * The same JSON value with every object's keys in sorted order. Objects already in that order are
 * returned as they are, so that the common case allocates little.
 */
function sortedKeys(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | null = null;
    for (let i = 0; i < value.length; i++) {
      const item = sortedKeys(value[i]);
      if (item === slowPath) return slowPath;
      if (item !== value[i]) (copy ??= value.slice())[i] = item;
    }
    return copy ?? value;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  let inOrder = true;
  let members: Map<string, unknown> | null = null; // members whose value had to be re-sorted
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (startsWithDigit(key)) return slowPath;
    if (i > 0 && keys[i - 1]! > key) inOrder = false;
    const item = record[key];
    if (item !== null && typeof item === "object") {
      const sorted = sortedKeys(item);
      if (sorted === slowPath) return slowPath;
      if (sorted !== item) (members ??= new Map()).set(key, sorted);
    }
  }
  if (inOrder && members === null) return value;
  if (!inOrder) keys.sort();
  const copy: Record<string, unknown> = {};
  for (const key of keys) copy[key] = members?.has(key) ? members.get(key) : record[key];
  return copy;
}

/** JSON with object keys sorted, so that equal content has one spelling. */
export function canonicalJson(value: unknown): string {
  const sorted = sortedKeys(value);
  // Native JSON.stringify keeps insertion order and skips undefined members, as canonical form does.
  return sorted === slowPath ? spelledOut(value) : (JSON.stringify(sorted) ?? "null");
}

/** Canonical JSON written out key by key. */
function spelledOut(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(spelledOut).join(",")}]`;
  const record = value as Record<string, unknown>;
  const members = Object.keys(record).sort().filter((key) => record[key] !== undefined);
  return `{${members.map((key) => `${JSON.stringify(key)}:${spelledOut(record[key])}`).join(",")}}`;
}

export interface Envelope {
  brand: string;
  city: string;
  data: object;
  id: string;
  occurredAt: string;
  type: string;
}

/**
 * An envelope's canonical JSON, of its six members only: spelled from them (already in sorted
 * order) with no copy, so that an accepted event's other fields (its instant, its digest) are left out.
 */
export function canonicalEnvelope(e: Envelope): string {
  const s = JSON.stringify;
  return `{"brand":${s(e.brand)},"city":${s(e.city)},"data":${canonicalJson(e.data)},"id":${s(e.id)},"occurredAt":${s(e.occurredAt)},"type":${s(e.type)}}`;
}

/** The short digest of canonical JSON that a fingerprint is. */
export function fingerprintOf(canonical: string): string {
  return hash("sha256", canonical, "base64url").slice(0, 22);
}

/** What makes "the same id with the same content" a duplicate, published with every logged event. */
export function envelopeFingerprint(e: Envelope): string {
  return fingerprintOf(canonicalEnvelope(e));
}
