// Accepted event ids and their content digests, for exact idempotency over a city-year of
// events (a Beijing year is ~38 million). A Map of strings costs ~150 bytes an id and holds at most
// 2^24 entries; here ids live as bytes in an arena and the table in typed arrays (open addressing,
// linear probing): ~40 bytes an id, outside the garbage collector's object graph. Ids are compared
// in full, so the index is exact on ids; another content under a known id would pass for the same
// only if its 53-bit digest (digest.ts) collided.

/** How an id and its content stand against what was accepted before. */
export type Verdict = "new" | "duplicate" | "conflict";

/** Arena chunks grow from 64 KiB to 16 MiB; a place is chunk × 2^24 + offset; an id never straddles two chunks. */
const firstChunk = 1 << 16;
const lastChunk = 1 << 24;
const maxLoad = 0.7;

function hashOf(text: string): number {
  let hash = 0x811c9dc5; // FNV-1a over the UTF-16 code units
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 16777619);
  return hash | 0;
}

export class IdIndex {
  private mask = (1 << 10) - 1;
  /** Per slot: the id's hash (0 = empty), where its bytes are in the arena, its content digest. */
  private hashes = new Int32Array(this.mask + 1);
  private places = new Uint32Array(this.mask + 1);
  private digests = new Float64Array(this.mask + 1);
  private readonly arena: Uint8Array[] = [new Uint8Array(firstChunk)];
  private used = 0; // bytes used in the last arena chunk
  private count = 0;
  /** Where the last lookup ended, so that `set` after `verdict` does not probe again. */
  private lastId: string | null = null;
  private lastSlot = 0;
  private lastHash = 0;

  get size(): number {
    return this.count;
  }

  has(id: string): boolean {
    return this.hashes[this.find(id)] !== 0;
  }

  verdict(id: string, digest: number): Verdict {
    const slot = this.find(id);
    if (this.hashes[slot] === 0) return "new";
    return this.digests[slot] === digest ? "duplicate" : "conflict";
  }

  /** Records an id's content digest (replacing it if the id is known). */
  set(id: string, digest: number): void {
    let slot = this.lastId === id ? this.lastSlot : this.find(id);
    if (this.hashes[slot] === 0) {
      if (this.count + 1 > maxLoad * (this.mask + 1)) {
        this.grow();
        slot = this.find(id);
      }
      this.hashes[slot] = this.lastHash;
      this.places[slot] = this.store(id);
      this.count++;
    }
    this.digests[slot] = digest;
    this.lastId = null;
  }

  /** The slot holding `id`, or the empty slot where it would go. */
  private find(id: string): number {
    const hash = hashOf(id) || 1;
    let slot = hash & this.mask;
    for (; this.hashes[slot] !== 0; slot = (slot + 1) & this.mask) {
      if (this.hashes[slot] === hash && this.matches(this.places[slot]!, id)) break;
    }
    this.lastId = id;
    this.lastSlot = slot;
    this.lastHash = hash;
    return slot;
  }

  /**
   * Writes an id into the arena: its length, whether it is wide, then one byte per code unit, or
   * two (little-endian) when any unit is above 255. Returns chunk × 2^24 + offset.
   */
  private store(id: string): number {
    if (id.length > 255) throw new RangeError(`an event id has at most 255 characters: ${id.slice(0, 40)}…`);
    let wide = 0;
    for (let i = 0; i < id.length; i++) if (id.charCodeAt(i) > 255) wide = 1;
    const bytes = 2 + id.length * (1 + wide);
    let chunk = this.arena.length - 1;
    if (this.used + bytes > this.arena[chunk]!.length) {
      this.arena.push(new Uint8Array(Math.min(lastChunk, 2 * this.arena[chunk]!.length)));
      this.used = 0;
      chunk++;
    }
    const at = this.used;
    const buffer = this.arena[chunk]!;
    buffer[at] = id.length;
    buffer[at + 1] = wide;
    for (let i = 0, p = at + 2; i < id.length; i++) {
      const unit = id.charCodeAt(i);
      buffer[p++] = unit & 255;
      if (wide) buffer[p++] = unit >> 8;
    }
    this.used += bytes;
    return chunk * lastChunk + at;
  }

  private matches(place: number, id: string): boolean {
    const buffer = this.arena[Math.floor(place / lastChunk)]!;
    const at = place % lastChunk;
    if (buffer[at] !== id.length) return false;
    const wide = buffer[at + 1];
    for (let i = 0, p = at + 2; i < id.length; i++) {
      const unit = wide ? buffer[p++]! | (buffer[p++]! << 8) : buffer[p++]!;
      if (unit !== id.charCodeAt(i)) return false;
    }
    return true;
  }

  private grow(): void {
    const { hashes, places, digests } = this;
    this.mask = this.mask * 2 + 1;
    this.hashes = new Int32Array(this.mask + 1);
    this.places = new Uint32Array(this.mask + 1);
    this.digests = new Float64Array(this.mask + 1);
    for (let old = 0; old < hashes.length; old++) {
      if (hashes[old] === 0) continue;
      let slot = hashes[old]! & this.mask;
      while (this.hashes[slot] !== 0) slot = (slot + 1) & this.mask;
      this.hashes[slot] = hashes[old]!;
      this.places[slot] = places[old]!;
      this.digests[slot] = digests[old]!;
    }
    this.lastId = null;
  }
}
