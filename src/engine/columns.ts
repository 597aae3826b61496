// The building blocks of the engine's columns (showings, settled obligations, the id index): typed
// arrays that get their room up front or grow by copying, and a Map numbering the few distinct
// strings they refer to. Texts by the hundred thousand go in a string table (string-table.ts).

/** The first length of a column meant to hold `capacity` records: room made up front, or a small start. */
export function columnLength(capacity: number): number {
  return Math.max(1 << 10, capacity);
}

/** A typed array half as long again, or `atLeast` long if that is longer, its contents copied (a column that grows as records come). */
export function grown<T extends Int32Array | Uint32Array | Uint16Array | Uint8Array | Float64Array>(array: T, atLeast = 0): T {
  const larger = new (array.constructor as new (length: number) => T)(Math.max(atLeast, Math.ceil(array.length * 1.5) + 16));
  larger.set(array);
  return larger;
}

/**
 * Few distinct strings (commitments, versions, cities, brands, stages) as small numbers, in a Map,
 * which keeps so few in cache. Ids by the hundred thousand (people, listings) go in a string table
 * numbered by their counters: in a Map each lookup missed the cache once or twice.
 */
export class Dictionary {
  private readonly codes = new Map<string, number>();
  private readonly texts: string[] = [];

  get size(): number {
    return this.texts.length;
  }

  code(text: string): number {
    let code = this.codes.get(text);
    if (code === undefined) {
      code = this.texts.push(text) - 1;
      this.codes.set(text, code);
    }
    return code;
  }

  /** The code of a text already seen, or -1 (a lookup does not grow the dictionary). */
  known(text: string): number {
    return this.codes.get(text) ?? -1;
  }

  text(code: number): string {
    return this.texts[code]!;
  }
}

