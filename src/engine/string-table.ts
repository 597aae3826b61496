// Strings numbered densely in the order they were added, held outside the garbage collector's
// object graph: the text as bytes in an arena, the lookup in typed arrays (open addressing, linear
// probing). A city-year holds tens of millions of ids; as JavaScript strings in Maps they cost
// ~150 bytes each and the collector marks every one of them again on each full collection.
// Lookups compare the text in full, so a table is exact. Most ids are a prefix and a counter
// ("beijing-7-1234567", "crm-42"): such a text is kept as its prefix's number and its counter, 8
// bytes instead of 2 + its length (a city-year's 37 million event ids: 1,305 MiB, not 1,726;
// prefixes.ts). A table of ids made by counting finds them by their counter (counter-pages.ts).
import { grown } from "./columns.js";
import { CounterPages, maxPagedCounter } from "./counter-pages.js";
import { counterOf, counterStart, digitZero, hashOf, maxPrefixes, Prefixes } from "./prefixes.js";

/** Arena chunks grow from 64 KiB to 16 MiB; a place is chunk × 2^24 + offset; a text never straddles two chunks. */
const firstChunk = 1 << 16;
const lastChunk = 1 << 24;
/** Places are 32-bit: at most 256 chunks (~4 GiB of text, ~200 million ids: a city-year is ~38 million). */
const maxChunks = 256;
const maxLoad = 0.7;
/** How many texts a table of `mask + 1` slots takes before it grows. */
const limitOf = (mask: number): number => Math.floor(maxLoad * (mask + 1));
/** Texts are stored with a one-byte length. */
const maxTextLength = 255;
/** How a text is kept: one byte a code unit, two, or as a prefix's number and a counter. */
const enum Form {
  Narrow = 0,
  Wide = 1,
  Numbered = 2,
}
const numberedBytes = 8;
/** What a lookup by counter can say besides an index: the text is not in the table, or only the hash slots can tell. */
const absent = -1;
const askSlots = -2;

export class StringTable {
  private mask = (1 << 10) - 1;
  private limit: number;
  /** Per slot: the hash of the text there (0 = empty), so that a probe reads one array, and its index. */
  private hashes: Int32Array;
  private slots: Int32Array;
  /** Per index: where the text's bytes are in the arena. */
  private places: Uint32Array;
  private readonly arena: Uint8Array[];
  /** The arena chunk texts are written to (chunks after it were reserved up front), and the bytes used in it. */
  private current = 0;
  private used = 0;
  private count = 0;
  private inSlots = 0;
  /** Where the last lookup ended, so that looking the same text up again (`add` after `indexOf`) does not probe again. */
  private lastText: string | null = null;
  private lastSlot = 0;
  private lastHash = 0;
  private readonly prefixes = new Prefixes();
  /** With `byCounter`: numbered texts found by their counter (counter-pages.ts), and the last text looked up so. */
  private readonly pages: CounterPages | null;
  private countedText: string | null = null;
  private countedPrefix = -1;
  private countedCounter = 0;

  /**
   * `capacity`: how many texts to make room for at the start (a replay knows roughly how many
   * events its file holds). The room is allocated but not written, so until a text is stored in
   * it, it takes address space, not memory; and since nothing is allocated later, the garbage
   * collector sees no external memory growing (every 64 MB grown starts a full collection).
   * `byCounter`: for ids made by counting, such as the accepted-id index's (counter-pages.ts).
   */
  constructor(capacity = 0, options: { byCounter?: boolean } = {}) {
    this.pages = options.byCounter === true ? new CounterPages(maxPrefixes) : null;
    // The slots too, so that a replay's table is not rehashed as it grows: a year's id index
    // would be rehashed 16 times, and its last copy would hold the old table and the new at once.
    while (limitOf(this.mask) < capacity) this.mask = this.mask * 2 + 1;
    this.limit = limitOf(this.mask);
    this.hashes = new Int32Array(this.mask + 1);
    this.slots = new Int32Array(this.mask + 1);
    this.places = new Uint32Array(Math.max(1 << 9, capacity));
    const reserved = capacity * numberedBytes; // most ids are numbered; other texts take more, and more is allocated as needed
    this.arena = [new Uint8Array(reserved > firstChunk ? lastChunk : firstChunk)];
    while (this.arena.length * lastChunk < reserved && this.arena.length < maxChunks) this.arena.push(new Uint8Array(lastChunk));
  }

  get size(): number {
    return this.count;
  }

  /** The index of `text`, or -1 if it was never added. */
  indexOf(text: string): number {
    const found = this.pages === null ? askSlots : this.byCounter(text, false);
    return found === askSlots ? this.inSlotsAt(this.find(text)) : found;
  }

  /** The index of `text`, adding it if it is new. */
  add(text: string): number {
    const found = this.pages === null ? askSlots : this.byCounter(text, true);
    if (found >= 0) return found;
    if (found === askSlots) {
      const index = this.inSlotsAt(this.find(text));
      if (index >= 0) return index;
    }
    if (text.length > maxTextLength) throw new RangeError(`at most ${maxTextLength} characters: ${text.slice(0, 40)}…`);
    const prefix = this.countedText === text ? this.countedPrefix : -1;
    if (prefix >= 0 && this.pages!.put(prefix, this.countedCounter, this.count)) return this.append(text, prefix);
    return this.addToSlots(text, prefix >= 0 ? prefix : this.prefixes.numberOfText(text));
  }

  /** The text at an index (a new string; reading back is for the rare lookup, not the hot path). */
  textAt(index: number): string {
    const place = this.places[index]!;
    const buffer = this.arena[Math.floor(place / lastChunk)]!;
    const at = place % lastChunk;
    const length = buffer[at]!;
    const form = buffer[at + 1] as Form;
    if (form === Form.Numbered) {
      const prefix = this.prefixes.textOf(prefixAt(buffer, at));
      return prefix + String(counterAt(buffer, at)).padStart(length - prefix.length, "0");
    }
    const units = new Array<number>(length);
    for (let i = 0, p = at + 2; i < length; i++) units[i] = form === Form.Wide ? buffer[p++]! | (buffer[p++]! << 8) : buffer[p++]!;
    return String.fromCharCode(...units);
  }

  /** `prefix`: the text's numbered prefix, or -1 (prefixes.ts). */
  private addToSlots(text: string, prefix: number): number {
    let slot = this.find(text);
    if (this.inSlots === this.limit) {
      this.growSlots();
      slot = this.find(text);
    }
    // A lookup by counter that misses must then ask the slots about this prefix.
    if (prefix >= 0) this.pages?.spill(prefix);
    const hash = this.lastHash;
    const index = this.append(text, prefix);
    this.hashes[slot] = hash;
    this.slots[slot] = index;
    this.inSlots++;
    return index;
  }

  /** Numbers a new text and writes it into the arena (`prefix`: its numbered prefix, or -1). */
  private append(text: string, prefix: number): number {
    const index = this.count++;
    if (index === this.places.length) this.places = grown(this.places);
    this.places[index] = this.store(text, prefix);
    this.lastText = null;
    return index;
  }

  /**
   * `text` looked up by its counter: its index, `absent`, or `askSlots` when it is not numbered so
   * (no counter, a leading zero, too large a counter, or a prefix not numbered). Leaves its prefix
   * and counter for `add`.
   */
  private byCounter(text: string, numberNew: boolean): number {
    if (text !== this.countedText) {
      const start = counterStart(text);
      const digits = text.length - start;
      if (digits === 0 || (digits > 1 && text.charCodeAt(start) === digitZero)) return askSlots;
      const counter = counterOf(text, start);
      if (counter >= maxPagedCounter) return askSlots;
      const prefix = this.prefixes.numberOf(text, start, numberNew);
      if (prefix < 0) return askSlots;
      this.countedText = text;
      this.countedPrefix = prefix;
      this.countedCounter = counter;
    }
    const found = this.pages!.get(this.countedPrefix, this.countedCounter);
    if (found !== 0) return found - 1;
    return this.pages!.mayBeElsewhere(this.countedPrefix) ? askSlots : absent;
  }

  private inSlotsAt(slot: number): number {
    return this.hashes[slot] === 0 ? -1 : this.slots[slot]!;
  }

  /** The slot holding `text`, or the empty slot where it would go. */
  private find(text: string): number {
    if (text === this.lastText) return this.lastSlot;
    const hash = hashOf(text);
    let slot = hash & this.mask;
    for (; this.hashes[slot] !== 0; slot = (slot + 1) & this.mask) {
      if (this.hashes[slot] === hash && this.matches(this.places[this.slots[slot]!]!, text)) break;
    }
    this.lastText = text;
    this.lastSlot = slot;
    this.lastHash = hash;
    return slot;
  }

  /**
   * Writes a text into the arena: its length and form, then its prefix's number (2 bytes) and its
   * counter (4), or one byte per code unit, or two when any unit is above 255, all little-endian.
   * Returns chunk × 2^24 + offset.
   */
  private store(text: string, prefix: number): number {
    const length = text.length;
    const at = this.reserve(prefix >= 0 ? numberedBytes : 2 + 2 * length);
    const place = this.current * lastChunk + at;
    const buffer = this.arena[this.current]!;
    buffer[at] = length;
    if (prefix >= 0) {
      buffer[at + 1] = Form.Numbered;
      buffer[at + 2] = prefix & 255;
      buffer[at + 3] = prefix >> 8;
      const counter = counterOf(text, this.prefixes.textOf(prefix).length);
      for (let i = 0; i < 4; i++) buffer[at + 4 + i] = (counter >> (8 * i)) & 255;
      this.used += numberedBytes;
      return place;
    }
    // One byte a unit, written over again at two if a unit turns out to be wide.
    let wide = 0;
    for (let i = 0; i < length; i++) {
      const unit = text.charCodeAt(i);
      if (unit > 255) {
        wide = 1;
        break;
      }
      buffer[at + 2 + i] = unit;
    }
    for (let i = 0, p = at + 2; wide && i < length; i++) {
      const unit = text.charCodeAt(i);
      buffer[p++] = unit & 255;
      buffer[p++] = unit >> 8;
    }
    buffer[at + 1] = wide ? Form.Wide : Form.Narrow;
    this.used += 2 + length * (1 + wide);
    return place;
  }

  /** Where `bytes` more fit in the arena's current chunk, the next chunk started if they do not. */
  private reserve(bytes: number): number {
    if (this.used + bytes > this.arena[this.current]!.length) {
      if (this.current + 1 === this.arena.length) {
        if (this.arena.length === maxChunks) throw new RangeError("a string table holds at most ~4 GiB of text: partition the state (docs/scaling.md)");
        this.arena.push(new Uint8Array(Math.min(lastChunk, 2 * this.arena[this.current]!.length)));
      }
      this.current++;
      this.used = 0;
    }
    return this.used;
  }

  private matches(place: number, text: string): boolean {
    const buffer = this.arena[Math.floor(place / lastChunk)]!;
    const at = place % lastChunk;
    if (buffer[at] !== text.length) return false;
    const form = buffer[at + 1] as Form;
    if (form === Form.Numbered) {
      const prefix = this.prefixes.textOf(prefixAt(buffer, at));
      return text.startsWith(prefix) && counterOf(text, prefix.length) === counterAt(buffer, at);
    }
    for (let i = 0, p = at + 2; i < text.length; i++) {
      const unit = form === Form.Wide ? buffer[p++]! | (buffer[p++]! << 8) : buffer[p++]!;
      if (unit !== text.charCodeAt(i)) return false;
    }
    return true;
  }

  private growSlots(): void {
    const { hashes, slots } = this;
    this.mask = this.mask * 2 + 1;
    this.limit = limitOf(this.mask);
    this.hashes = new Int32Array(this.mask + 1);
    this.slots = new Int32Array(this.mask + 1);
    for (let old = 0; old < hashes.length; old++) {
      if (hashes[old] === 0) continue;
      let slot = hashes[old]! & this.mask;
      while (this.hashes[slot] !== 0) slot = (slot + 1) & this.mask;
      this.hashes[slot] = hashes[old]!;
      this.slots[slot] = slots[old]!;
    }
    this.lastText = null;
  }
}

function prefixAt(buffer: Uint8Array, at: number): number {
  return buffer[at + 2]! | (buffer[at + 3]! << 8);
}

function counterAt(buffer: Uint8Array, at: number): number {
  return buffer[at + 4]! | (buffer[at + 5]! << 8) | (buffer[at + 6]! << 16) | (buffer[at + 7]! << 24);
}
