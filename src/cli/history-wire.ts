// How the reading thread hands validated events to the engine's thread (history-worker.ts →
// history-reader.ts). Parsing a line is the largest cost on both threads; a posted line would be
// parsed twice. Instead an accepted event travels taken apart: its strings in one array, its
// numbers in one column and its layout in another, with the few names that repeat on every event
// (types, cities, brands, field names) sent once and referred to by number. Rebuilding it costs
// the engine's thread a seventh of parsing the line again. An invalid line travels as its text.
// Event data is flat by contract (strings, numbers, booleans), which is all this carries.
import { digested, eventTypeNamed, type CheckedEvent } from "../domain/events/validate.js";
import type { HistoryItem } from "./history-reader.js";
import { parseLine } from "../domain/events/history-line.js";

/** A batch as posted: `layout` and `numbers` are transferred, not copied. */
export interface WireBatch {
  /** Names first used in this batch: the reader numbers them after those it knows. */
  names: string[];
  /** Per item: an event's id, occurredAt and string fields in order, or an invalid line's text. */
  texts: string[];
  /** Per item: its type's name number, or `invalidLine`; then city, brand, field count, and per field its name and kind. */
  layout: Int32Array;
  /** Per event: its instant, then its number fields in order. */
  numbers: Float64Array;
  bytesRead: number;
}

const invalidLine = -1;
const enum Kind {
  Text = 0,
  Number = 1,
  True = 2,
  False = 3,
}

/** Takes events apart on the reading thread, a batch at a time. */
export class WireWriter {
  private readonly numbered = new Map<string, number>();
  private fresh: string[] = [];
  private texts: string[] = [];
  private layout: number[] = [];
  private numbers: number[] = [];
  private items = 0;

  get size(): number {
    return this.items;
  }

  accepted(event: CheckedEvent): void {
    const { layout, texts, numbers } = this;
    layout.push(this.number(event.type), this.number(event.city), this.number(event.brand), 0);
    const countAt = layout.length - 1;
    texts.push(event.id, event.occurredAt);
    numbers.push(event.at);
    const data = event.data as Record<string, unknown>;
    let fields = 0;
    for (const name in data) {
      const value = data[name];
      fields++;
      if (typeof value === "string") {
        layout.push(this.number(name), Kind.Text);
        texts.push(value);
      } else if (typeof value === "number") {
        layout.push(this.number(name), Kind.Number);
        numbers.push(value);
      } else if (typeof value === "boolean") {
        layout.push(this.number(name), value ? Kind.True : Kind.False);
      } else {
        throw new TypeError(`event ${event.id}: data.${name} is not a string, number or boolean`);
      }
    }
    layout[countAt] = fields;
    this.items++;
  }

  invalid(line: string): void {
    this.layout.push(invalidLine);
    this.texts.push(line);
    this.items++;
  }

  /** The batch so far, and the buffers to transfer with it; the writer starts a new batch. */
  take(bytesRead: number): { batch: WireBatch; transfer: ArrayBuffer[] } {
    const batch: WireBatch = { names: this.fresh, texts: this.texts, layout: Int32Array.from(this.layout), numbers: Float64Array.from(this.numbers), bytesRead };
    this.fresh = [];
    this.texts = [];
    this.layout = [];
    this.numbers = [];
    this.items = 0;
    return { batch, transfer: [batch.layout.buffer as ArrayBuffer, batch.numbers.buffer as ArrayBuffer] };
  }

  private number(name: string): number {
    let number = this.numbered.get(name);
    if (number === undefined) {
      number = this.numbered.size;
      this.numbered.set(name, number);
      this.fresh.push(name);
    }
    return number;
  }
}

/** Puts events back together on the engine's thread, from the batches of one writer in order. */
export class WireReader {
  private readonly names: string[] = [];

  read({ names, texts, layout, numbers }: WireBatch): HistoryItem[] {
    // A name as a property key or a type must be the one string V8 keeps for it (what source
    // literals are), so that objects built here share their shapes and types compare as pointers.
    for (const name of names) this.names.push(eventTypeNamed(name) ?? internalised(name));
    const items: HistoryItem[] = [];
    let l = 0;
    let t = 0;
    let n = 0;
    while (l < layout.length) {
      const type = layout[l++]!;
      if (type === invalidLine) {
        items.push({ invalid: parseLine(texts[t++]!) });
        continue;
      }
      const city = this.names[layout[l++]!]!;
      const brand = this.names[layout[l++]!]!;
      const fields = layout[l++]!;
      const id = texts[t++]!;
      const occurredAt = texts[t++]!;
      const at = numbers[n++]!;
      const data: Record<string, unknown> = {};
      for (let f = 0; f < fields; f++) {
        const name = this.names[layout[l++]!]!;
        const kind = layout[l++]!;
        data[name] = kind === Kind.Text ? texts[t++] : kind === Kind.Number ? numbers[n++] : kind === Kind.True;
      }
      items.push({ accepted: digested({ brand, city, data, id, occurredAt, type: this.names[type], at } as CheckedEvent) });
    }
    return items;
  }
}

function internalised(name: string): string {
  return Object.keys({ [name]: 0 })[0]!;
}
