// How a reading thread hands events to the engine's thread: a replay's from a history file
// (cli/history-worker.ts → history-reader.ts), a rebuild's from the log (service/log-reader.ts).
// Parsing a line is the largest cost on both threads; a posted line would be parsed twice. Instead
// an accepted event travels taken apart: its strings in one array, its numbers in one column and
// its layout in another. Types and field names, which the contract bounds and every event repeats,
// are sent once and referred to by number; a city or brand only when it differs from the event
// before. Its digest is taken by the thread that has time for it, as the source's size tells
// (history-reader.ts, log-reader.ts): the engine's, as it rebuilds the event, for a source under
// 1 GiB, whose reading thread is the busier one from start to end; the reading one for a
// city-year, whose engine works on a large state. Rebuilding an event costs the engine's thread a
// seventh of parsing its line again. An invalid line travels as its text; a tick of the log as its
// instant. Event data is flat by contract (strings, numbers, booleans), which is all this carries.
import { assert, unreachable } from "../domain/assert.js";
import { envelopeDigest } from "../domain/events/digest.js";
import type { AcceptedEvent, CheckedEvent } from "../domain/events/validate.js";
import { parseLine, type HistoryLine, type UnparsedLine } from "../domain/events/history-line.js";
import type { Instant } from "../domain/time.js";
import { grown } from "./columns.js";

/** An item of a history file: an event the contract accepts, or a line it does not. */
export type HistoryItem = { accepted: AcceptedEvent } | { invalid: HistoryLine };

/** What the engine's thread does with each item of a batch, in order. */
export interface WireSink {
  /** `receivedAt`: when the service received it, for an event of the log; else null. */
  accepted(event: AcceptedEvent, receivedAt: Instant | null): void;
  invalid(line: HistoryLine): void;
  tick(at: Instant): void;
}

/** A batch as posted: `layout` and `numbers` are transferred, not copied. */
export interface WireBatch {
  /** Types and field names first used in this batch: the reader numbers them after those it knows. */
  names: string[];
  /** In order: per event its city and brand where they change, id, occurredAt and string fields; per invalid line its text (and an unparsed one's reason after it). */
  texts: string[];
  /** Per item: its type's name number, or `invalidLine`, `unparsedLine` or `tickItem`; then where its city and brand come from, its field count, and per field its name and kind. */
  layout: Int32Array;
  /** Per event: its instant, its digest if `digests`, when it was received if `received`, then its number fields in order; per tick its instant. */
  numbers: Float64Array;
  /** Whether the reading thread took the events' digests. */
  digests: boolean;
  /** Whether each event carries when it was received (the log's). */
  received: boolean;
  /** How far into its source the reader is: a file's bytes read, the log's last seq. */
  position: number;
}

const invalidLine = -1;
const unparsedLine = -2;
const tickItem = -3;
/** The contract's types have at most a dozen data fields; room is made for this many an event. */
const maxFields = 64;
/** Where an event's city or brand is: the next text, or the same as the event before's. */
const enum Place {
  Text = 0,
  AsBefore = 1,
}
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
  // Typed columns written by index and copied out whole: pushing onto arrays of a batch's size
  // (40,000 layout entries) cost ten times as much, as V8 keeps such arrays in its large-object space.
  private layout = new Int32Array(1 << 16);
  private layoutLength = 0;
  private numbers = new Float64Array(1 << 12);
  private numbersLength = 0;
  private items = 0;
  private city: string | null = null;
  private brand: string | null = null;
  /**
   * `digestsHere`: whether the events' digests are taken here, else on the engine's thread;
   * `received`: whether each event is given when it was received (the log's).
   */
  constructor(private readonly digestsHere: boolean, private readonly received = false) {}

  get size(): number {
    return this.items;
  }

  accepted(event: CheckedEvent, receivedAt?: Instant): void {
    assert((receivedAt !== undefined) === this.received, "an event is given when it was received exactly when the writer says it is");
    this.room(4 + 2 * maxFields, 3 + maxFields);
    const { layout, numbers, texts } = this;
    let l = this.layoutLength;
    let n = this.numbersLength;
    layout[l++] = this.number(event.type);
    layout[l++] = this.place(event.city, this.city);
    layout[l++] = this.place(event.brand, this.brand);
    const countAt = l++;
    this.city = event.city;
    this.brand = event.brand;
    texts.push(event.id, event.occurredAt);
    numbers[n++] = event.at;
    if (this.digestsHere) numbers[n++] = envelopeDigest(event);
    if (receivedAt !== undefined) numbers[n++] = receivedAt;
    const data = event.data as Record<string, unknown>;
    let fields = 0;
    for (const name in data) {
      const value = data[name];
      if (++fields > maxFields) throw new RangeError(`event ${event.id}: more than ${maxFields} data fields`);
      if (typeof value === "string") {
        layout[l++] = this.number(name);
        layout[l++] = Kind.Text;
        texts.push(value);
      } else if (typeof value === "number") {
        layout[l++] = this.number(name);
        layout[l++] = Kind.Number;
        numbers[n++] = value;
      } else if (typeof value === "boolean") {
        layout[l++] = this.number(name);
        layout[l++] = value ? Kind.True : Kind.False;
      } else {
        throw new TypeError(`event ${event.id}: data.${name} is not a string, number or boolean`);
      }
    }
    layout[countAt] = fields;
    this.layoutLength = l;
    this.numbersLength = n;
    this.items++;
  }

  invalid(line: string): void {
    this.room(1, 0);
    this.layout[this.layoutLength++] = invalidLine;
    this.texts.push(line);
    this.items++;
  }

  /** A line refused before parsing (not UTF-8): its text and its reason. */
  unparsed(line: UnparsedLine): void {
    this.room(1, 0);
    this.layout[this.layoutLength++] = unparsedLine;
    this.texts.push(line.text, line.error);
    this.items++;
  }

  /** A tick of the log, which processed the deadlines due at `at`. */
  tick(at: Instant): void {
    this.room(1, 1);
    this.layout[this.layoutLength++] = tickItem;
    this.numbers[this.numbersLength++] = at;
    this.items++;
  }

  /** The batch so far, and the buffers to transfer with it; the writer starts a new batch. */
  take(position: number): { batch: WireBatch; transfer: ArrayBuffer[] } {
    const batch: WireBatch = { names: this.fresh, texts: this.texts, layout: this.layout.slice(0, this.layoutLength), numbers: this.numbers.slice(0, this.numbersLength), digests: this.digestsHere, received: this.received, position };
    this.fresh = [];
    this.texts = [];
    this.layoutLength = 0;
    this.numbersLength = 0;
    this.items = 0;
    return { batch, transfer: [batch.layout.buffer as ArrayBuffer, batch.numbers.buffer as ArrayBuffer] };
  }

  /** Makes room for `layout` more layout entries and `numbers` more numbers. */
  private room(layout: number, numbers: number): void {
    if (this.layoutLength + layout > this.layout.length) this.layout = grown(this.layout, this.layoutLength + layout);
    if (this.numbersLength + numbers > this.numbers.length) this.numbers = grown(this.numbers, this.numbersLength + numbers);
  }

  private place(text: string, before: string | null): Place {
    if (text === before) return Place.AsBefore;
    this.texts.push(text);
    return Place.Text;
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
  private city = "";
  private brand = "";

  /** A history file's batch, as items. */
  read(batch: WireBatch): HistoryItem[] {
    const items: HistoryItem[] = [];
    this.each(batch, {
      accepted: (event) => void items.push({ accepted: event }),
      invalid: (line) => void items.push({ invalid: line }),
      tick: () => assert(false, "a history file holds no ticks"),
    });
    return items;
  }

  /** Hands each item of the batch to `sink`, in order; returns how many there were. */
  each({ names, texts, layout, numbers, digests, received }: WireBatch, sink: WireSink): number {
    // A name as a property key or a type must be the one string V8 keeps for it (what source
    // literals are), so that objects built here share their shapes and types compare as pointers.
    for (const name of names) this.names.push(internalised(name));
    let l = 0;
    let t = 0;
    let n = 0;
    let items = 0;
    for (; l < layout.length; items++) {
      const typeNumber = layout[l++]!;
      if (typeNumber === tickItem) {
        sink.tick(numbers[n++]!);
        continue;
      }
      if (typeNumber === invalidLine) {
        sink.invalid(parseLine(texts[t++]!));
        continue;
      }
      if (typeNumber === unparsedLine) {
        sink.invalid({ ok: false, text: texts[t++]!, error: texts[t++]! });
        continue;
      }
      if (layout[l++] === Place.Text) this.city = texts[t++]!;
      if (layout[l++] === Place.Text) this.brand = texts[t++]!;
      const fields = layout[l++]!;
      const id = texts[t++]!;
      const occurredAt = texts[t++]!;
      const at = numbers[n++]!;
      const digest = digests ? numbers[n++]! : -1;
      const receivedAt = received ? numbers[n++]! : null;
      const data: Record<string, unknown> = {};
      for (let f = 0; f < fields; f++) {
        const name = this.names[layout[l++]!]!;
        const kind = layout[l++] as Kind;
        switch (kind) {
          case Kind.Text: data[name] = texts[t++]; break;
          case Kind.Number: data[name] = numbers[n++]; break;
          case Kind.True: data[name] = true; break;
          case Kind.False: data[name] = false; break;
          default: unreachable(kind, "kind of field");
        }
      }
      const type = this.names[typeNumber];
      assert(type !== undefined, `no name numbered ${typeNumber}`);
      // In withDigest's order, so that every accepted event has one shape; the digest reads only the envelope.
      const event = { brand: this.brand, city: this.city, data, id, occurredAt, type, at, digest };
      if (!digests) event.digest = envelopeDigest(event);
      sink.accepted(event as AcceptedEvent, receivedAt);
    }
    assert(t === texts.length && n === numbers.length, "a batch's layout does not account for all its texts and numbers");
    return items;
  }
}

function internalised(name: string): string {
  return Object.keys({ [name]: 0 })[0]!;
}
