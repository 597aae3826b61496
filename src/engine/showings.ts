// Showings by id, in columns: a Beijing year records ~6 million, and as objects in a Map they
// were the largest part of a city-year replay's heap (~150 bytes each). Here a showing costs ~60
// bytes outside the collector's object graph; reading one back builds a frozen copy.
import type { ShowingFacts, ShowingRecords } from "../domain/facts.js";
import { columnLength, grown } from "./columns.js";
import { StringTable } from "./string-table.js";

export class ShowingColumns implements ShowingRecords {
  /** Listing and agent ids: a Beijing year's 300,000 listings, numbered by their counters where they have them. */
  private readonly keys = new StringTable(0, { byCounter: true });
  private count = 0;
  // Per number of a showing id in `ids`, one column each.
  private listing: Int32Array;
  private agent: Int32Array; // code + 1; 0 where the id is not a showing's
  private recordedAt: Float64Array;

  /**
   * `ids`: where showing ids are numbered, a showing's number being its record here. The engine
   * shares it with the settled obligations, whose subjects are mostly showings (state.ts), so
   * it may hold ids that are not showings'. `capacity`: the showings to make room for at the
   * start (string-table.ts).
   */
  constructor(
    private readonly ids = new StringTable(),
    capacity = 0,
  ) {
    const columns = columnLength(capacity);
    this.listing = new Int32Array(columns);
    this.agent = new Int32Array(columns);
    this.recordedAt = new Float64Array(columns);
  }

  get size(): number {
    return this.count;
  }

  has(showingId: string): boolean {
    return this.recordOf(showingId) >= 0;
  }

  get(showingId: string): ShowingFacts | undefined {
    const r = this.recordOf(showingId);
    if (r < 0) return undefined;
    return Object.freeze({ showingId, listingId: this.keys.textAt(this.listing[r]!), agentId: this.keys.textAt(this.agent[r]! - 1), recordedAt: this.recordedAt[r]! });
  }

  isOn(showingId: string, listingId: string): boolean | undefined {
    const r = this.recordOf(showingId);
    return r < 0 ? undefined : this.keys.indexOf(listingId) === this.listing[r];
  }

  set(showingId: string, showing: ShowingFacts): this {
    const r = this.ids.add(showingId);
    if (r >= this.listing.length) {
      this.listing = grown(this.listing, r + 1);
      this.agent = grown(this.agent, r + 1);
      this.recordedAt = grown(this.recordedAt, r + 1);
    }
    if (this.agent[r] === 0) this.count++;
    this.listing[r] = this.keys.add(showing.listingId);
    this.agent[r] = this.keys.add(showing.agentId) + 1;
    this.recordedAt[r] = showing.recordedAt;
    return this;
  }

  /** The showing's record, or -1. */
  private recordOf(showingId: string): number {
    const r = this.ids.indexOf(showingId);
    return r >= 0 && r < this.agent.length && this.agent[r] !== 0 ? r : -1;
  }
}
