// A content digest for idempotency in memory: equal JSON content, in any order of keys, has one
// digest; other content has another but for a chance of 2^-53. It walks the value once, with no
// strings built and nothing sorted: each leaf (its path and its value) is hashed on two
// independent 32-bit lanes, and the leaves are summed, which makes the order of keys irrelevant.
// The stored fingerprint (canonical.ts) stays the content's published digest; this one is cheaper
// and serves only to tell a duplicate from a conflict inside one engine.

import type { Envelope } from "./canonical.js";

const floats = new Float64Array(1);
const words = new Uint32Array(floats.buffer);

/** Murmur3's finaliser: every bit of the input moves every bit of the output. */
function avalanche(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}

/** The two lanes' state after the last step (scratch, so that no pair is allocated). */
let laneA = 0;
let laneB = 0;
let sumA = 0;
let sumB = 0;

function mixUnit(a: number, b: number, unit: number): void {
  laneA = Math.imul(a ^ unit, 16777619);
  laneB = Math.imul(b ^ unit, 0x5bd1e995);
}

function mixText(a: number, b: number, text: string): void {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    a = Math.imul(a ^ unit, 16777619);
    b = Math.imul(b ^ unit, 0x5bd1e995);
  }
  // The length closes the text, so that a key's end is not confused with its value's start.
  mixUnit(a, b, 0x10000 + text.length);
}

function addLeaf(a: number, b: number): void {
  sumA = (sumA + avalanche(a)) | 0;
  sumB = (sumB + avalanche(b ^ 0x27d4eb2f)) | 0;
}

// Type tags above any UTF-16 code unit, so that "1", 1, true and null differ.
const tagString = 0x20001;
const tagNumber = 0x20002;
const tagTrue = 0x20003;
const tagFalse = 0x20004;
const tagNull = 0x20005;
const tagArray = 0x20006;
const tagObject = 0x20007;

function walk(value: unknown, a: number, b: number): void {
  if (typeof value === "string") {
    mixUnit(a, b, tagString);
    mixText(laneA, laneB, value);
    addLeaf(laneA, laneB);
  } else if (typeof value === "number") {
    floats[0] = value === 0 ? 0 : value; // -0 is written 0 in JSON
    mixUnit(a, b, tagNumber);
    mixUnit(laneA, laneB, words[0]!);
    mixUnit(laneA, laneB, words[1]!);
    addLeaf(laneA, laneB);
  } else if (typeof value === "boolean") {
    mixUnit(a, b, value ? tagTrue : tagFalse);
    addLeaf(laneA, laneB);
  } else if (value === null) {
    mixUnit(a, b, tagNull);
    addLeaf(laneA, laneB);
  } else if (Array.isArray(value)) {
    // The container is a leaf too, with its size: [] and {} and a missing member all differ.
    mixUnit(a, b, tagArray);
    mixUnit(laneA, laneB, value.length);
    const ca = laneA;
    const cb = laneB;
    addLeaf(ca, cb);
    for (let i = 0; i < value.length; i++) {
      mixUnit(ca, cb, i);
      walk(value[i], laneA, laneB);
    }
  } else if (typeof value === "object") {
    const record = value as Record<string, unknown>;
    mixUnit(a, b, tagObject);
    const ca = laneA;
    const cb = laneB;
    let members = 0;
    for (const key in record) {
      const item = record[key];
      if (item === undefined) continue; // left out, as JSON leaves it out
      members++;
      mixText(ca, cb, key);
      walk(item, laneA, laneB);
    }
    mixUnit(ca, cb, members);
    addLeaf(laneA, laneB);
  }
}

const rootA = 0x811c9dc5 | 0;
const rootB = 0x050c5d1f;

/** The two sums as one integer below 2^53. */
function total(): number {
  return (sumA >>> 0) * 0x200000 + (sumB >>> 11);
}

/** The digest of a JSON value: an integer below 2^53. */
export function contentDigest(value: unknown): number {
  sumA = 0;
  sumB = 0;
  walk(value, rootA, rootB);
  return total();
}

/** Every event is an envelope: its members' paths are hashed once, here, not per event. */
const envelopeKeys = ["brand", "city", "data", "id", "occurredAt", "type"] as const;
const memberLanes = envelopeKeys.map((key) => {
  mixUnit(rootA, rootB, tagObject);
  mixText(laneA, laneB, key);
  return [laneA, laneB] as const;
});
mixUnit(rootA, rootB, tagObject);
mixUnit(laneA, laneB, envelopeKeys.length);
const closingA = laneA;
const closingB = laneB;

/** The digest of an envelope: contentDigest of the same object, without walking its header's keys. */
export function envelopeDigest(e: Envelope): number {
  sumA = 0;
  sumB = 0;
  for (let i = 0; i < envelopeKeys.length; i++) walk(e[envelopeKeys[i]!], memberLanes[i]![0], memberLanes[i]![1]);
  addLeaf(closingA, closingB);
  return total();
}
