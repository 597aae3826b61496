// A string table's numbered texts found by their counter rather than by hash (string-table.ts):
// the accepted-id index of a city-year holds ~37 million ids such as "beijing-7-1234567", and a
// hashed lookup is a read at random in a table of 64 million slots, missing every cache. Counters
// come roughly in the order the ids are made, so by counter a lookup reads near the one before.
// Pages are made as texts fall in them, within a budget of empty entries, so that sparse counters
// ("crm-4999994" among a few thousand) go to the hash slots instead.

/** Pages of 2^14 entries (64 KiB); counters up to 2^26, so a prefix has at most 4,096 pages. */
const pageBits = 14;
const pageSize = 1 << pageBits;
export const maxPagedCounter = 1 << 26;
/** Entries left empty across all pages: at most one per text held, and 2^20 to start with. */
const spareEntries = 1 << 20;

export class CounterPages {
  /** Per prefix number, per page: index + 1 of the text with that counter, or 0. */
  private readonly pages: Array<Array<Int32Array | undefined> | undefined> = [];
  /** Per prefix number: 1 once one of its texts was left to the hash slots. */
  private readonly spilled: Uint8Array;
  private made = 0;
  private held = 0;

  constructor(prefixes: number) {
    this.spilled = new Uint8Array(prefixes);
  }

  /** The index + 1 of the text with this prefix and counter, or 0. */
  get(prefix: number, counter: number): number {
    const page = this.pages[prefix]?.[counter >>> pageBits];
    return page === undefined ? 0 : page[counter & (pageSize - 1)]!;
  }

  /** Whether a text of this prefix that is not here may be in the hash slots. */
  mayBeElsewhere(prefix: number): boolean {
    return this.spilled[prefix] === 1;
  }

  /** Marks a prefix one of whose texts went to the hash slots. */
  spill(prefix: number): void {
    this.spilled[prefix] = 1;
  }

  /** Keeps a new text's index, or returns false if its page would break the budget (the text then goes to the slots). */
  put(prefix: number, counter: number, index: number): boolean {
    while (this.pages.length <= prefix) this.pages.push(undefined);
    const directory = (this.pages[prefix] ??= []);
    const number = counter >>> pageBits;
    let page = directory[number];
    if (page === undefined) {
      if ((this.made + 1) * pageSize > 2 * this.held + spareEntries) return false;
      // Filled up to the page rather than left with holes, so that V8 keeps the directory an array.
      while (directory.length < number) directory.push(undefined);
      page = directory[number] = new Int32Array(pageSize);
      this.made++;
    }
    page[counter & (pageSize - 1)] = index + 1;
    this.held++;
    return true;
  }
}
