// How a string table (string-table.ts) splits an id into a prefix and a counter
// ("beijing-7-1234567"), and numbers the prefixes.

/** A counter of at most 9 digits is below 2^30, so it fits 4 bytes as an int32. */
const maxCounterDigits = 9;
/** Prefixes are numbered in 2 bytes; a text whose prefix comes after that many is kept unit by unit. */
export const maxPrefixes = 1 << 16;
export const digitZero = 0x30;

/** The hash of the text's units before `end`. */
export function hashOf(text: string, end = text.length): number {
  let hash = 0x811c9dc5; // FNV-1a over the UTF-16 code units
  for (let i = 0; i < end; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 16777619);
  return hash | 0 || 1; // 0 marks an empty slot
}

/** Where the text's counter starts: its last 1 to 9 units, if digits, or its length. */
export function counterStart(text: string): number {
  let start = text.length;
  while (start > 0 && text.length - start < maxCounterDigits && isDigit(text.charCodeAt(start - 1))) start--;
  return start;
}

function isDigit(unit: number): boolean {
  return unit >= digitZero && unit <= digitZero + 9;
}

/** The number the text's units from `from` on write in decimal; -1 if any of them is not a digit. */
export function counterOf(text: string, from: number): number {
  let counter = 0;
  for (let i = from; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (!isDigit(unit)) return -1;
    counter = counter * 10 + unit - digitZero;
  }
  return counter;
}

export class Prefixes {
  private readonly texts: string[] = [];
  /**
   * The prefixes by hash (open addressing, number + 1; 0 = empty), probed with the prefix still
   * inside its text: a Map would need it cut out as a string of its own for every text stored.
   */
  private slots = new Int32Array(1 << 8);

  textOf(number: number): string {
    return this.texts[number]!;
  }

  /**
   * For a text that ends in 1 to 9 digits, the number of the prefix before them (numbering it if
   * it is new and there is room); -1 for a text kept unit by unit.
   */
  numberOfText(text: string): number {
    const start = counterStart(text);
    return start === text.length ? -1 : this.numberOf(text, start, true);
  }

  /** The number of the text's units before `start` as a prefix; if not numbered yet, numbered when `numberNew` and there is room, or -1. */
  numberOf(text: string, start: number, numberNew: boolean): number {
    const mask = this.slots.length - 1;
    let slot = hashOf(text, start) & mask;
    for (let found = this.slots[slot]!; found !== 0; found = this.slots[slot]!) {
      const prefix = this.texts[found - 1]!;
      if (prefix.length === start && text.startsWith(prefix)) return found - 1;
      slot = (slot + 1) & mask;
    }
    if (!numberNew || this.texts.length === maxPrefixes) return -1;
    const number = this.texts.push(text.slice(0, start)) - 1;
    this.slots[slot] = number + 1;
    // At most half full, so that a probe ends soon at an empty slot.
    if (2 * this.texts.length > this.slots.length) this.grow();
    return number;
  }

  private grow(): void {
    const slots = new Int32Array(2 * this.slots.length);
    const mask = slots.length - 1;
    this.texts.forEach((prefix, number) => {
      let slot = hashOf(prefix) & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = number + 1;
    });
    this.slots = slots;
  }
}
