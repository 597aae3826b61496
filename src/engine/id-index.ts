// Accepted event ids and their content digests, for exact idempotency over a city-year of
// events (a Beijing year is ~38 million): ids in a string table (string-table.ts, ~40 bytes an id
// outside the collector's object graph, past the 2^24 entries of one Map), digests in a column.
// Ids are compared in full, so the index is exact on ids; another content under a known id would
// pass for the same only if its 53-bit digest (digest.ts) collided.
import { columnLength, grown } from "./columns.js";
import { StringTable } from "./string-table.js";

/** How an id and its content stand against what was accepted before. */
export type Verdict = "new" | "duplicate" | "conflict";

export class IdIndex {
  private readonly ids: StringTable;
  /** Per id index: its content digest. */
  private digests: Float64Array;
  /** The id set last, and its index: the event being applied, which what it fulfils refers to. */
  private lastSet: string | null = null;
  private lastSetIndex = -1;

  /** `capacity`: the ids to make room for at the start (string-table.ts). */
  constructor(capacity = 0) {
    this.ids = new StringTable(capacity, { byCounter: true });
    this.digests = new Float64Array(columnLength(capacity));
  }

  get size(): number {
    return this.ids.size;
  }

  has(id: string): boolean {
    return this.ids.indexOf(id) >= 0;
  }

  verdict(id: string, digest: number): Verdict {
    const index = this.ids.indexOf(id);
    if (index < 0) return "new";
    return this.digests[index] === digest ? "duplicate" : "conflict";
  }

  /** Records an id's content digest (replacing it if the id is known). */
  set(id: string, digest: number): void {
    const index = this.ids.add(id);
    if (index === this.digests.length) this.digests = grown(this.digests);
    this.digests[index] = digest;
    this.lastSet = id;
    this.lastSetIndex = index;
  }

  /** A compact reference to an accepted id (what the settled-obligations archive keeps), or -1. */
  indexOf(id: string): number {
    return id === this.lastSet ? this.lastSetIndex : this.ids.indexOf(id);
  }

  idAt(index: number): string {
    return this.ids.textAt(index);
  }
}
