// Showings by id, in columns: a Beijing year records ~6 million, and as objects in a Map they
// were the largest part of a city-year replay's heap (~150 bytes each). Here a showing costs ~60
// bytes outside the collector's object graph; reading one back builds a frozen copy.
import type { ShowingFacts, ShowingRecords } from "../domain/facts.js";
import { Dictionary, grown, StringTable } from "./string-table.js";

export class ShowingColumns implements ShowingRecords {
  /** A showing's index in this table is its record. */
  private readonly showings = new StringTable();
  /** Listing and agent ids. */
  private readonly keys = new Dictionary();
  private listing = new Int32Array(1 << 10);
  private agent = new Int32Array(1 << 10);
  private recordedAt = new Float64Array(1 << 10);

  get size(): number {
    return this.showings.size;
  }

  has(showingId: string): boolean {
    return this.showings.indexOf(showingId) >= 0;
  }

  get(showingId: string): ShowingFacts | undefined {
    const r = this.showings.indexOf(showingId);
    if (r < 0) return undefined;
    return Object.freeze({ showingId, listingId: this.keys.text(this.listing[r]!), agentId: this.keys.text(this.agent[r]!), recordedAt: this.recordedAt[r]! });
  }

  set(showingId: string, showing: ShowingFacts): this {
    const r = this.showings.add(showingId);
    if (r === this.listing.length) {
      this.listing = grown(this.listing);
      this.agent = grown(this.agent);
      this.recordedAt = grown(this.recordedAt);
    }
    this.listing[r] = this.keys.code(showing.listingId);
    this.agent[r] = this.keys.code(showing.agentId);
    this.recordedAt[r] = showing.recordedAt;
    return this;
  }
}
