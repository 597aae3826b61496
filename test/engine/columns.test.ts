// What a city-year keeps in columns rather than objects reads back exactly as it went in.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ShowingColumns } from "../../src/engine/showings.js";
import { StringTable } from "../../src/engine/string-table.js";

describe("the string table", () => {
  it("numbers texts densely in the order added and gives each back exactly", () => {
    const table = new StringTable();
    const texts = ["costarring", "liquid", "订单-1", "a", "ā", "", "x".repeat(255)];
    expect(texts.map((t) => table.add(t))).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(table.add("liquid")).toBe(1);
    expect(texts.map((_, i) => table.textAt(i))).toEqual(texts);
    expect(table.indexOf("订单-2")).toBe(-1);
    expect(() => table.add("x".repeat(256))).toThrow(RangeError);
    for (let i = 0; i < 5_000; i++) table.add(`t${i}`);
    expect(table.indexOf("t4999")).toBe(7 + 4_999);
    expect(table.textAt(table.indexOf("t123"))).toBe("t123");
  });

  it("keeps a prefix-and-counter id as compactly as it finds, and as exactly as any other text", () => {
    // Counters with leading zeros, of up to nine digits and longer, all digits, wide prefixes,
    // and texts one digit or one character away from each other.
    const prefix = fc.constantFrom("", "crm-", "beijing-7-", "订单-", "a1-", "x");
    const digits = fc.stringMatching(/^[0-9]{0,12}$/);
    const tail = fc.constantFrom("", "", "", "x", "-", "é");
    const text = fc.tuple(prefix, digits, tail).map(([p, d, t]) => p + d + t);
    fc.assert(fc.property(fc.uniqueArray(text, { maxLength: 40 }), fc.array(text, { maxLength: 40 }), fc.constantFrom(0, 3, 100_000), fc.boolean(), (added, probes, capacity, byCounter) => {
      const table = new StringTable(capacity, { byCounter });
      added.forEach((t, i) => expect(table.add(t)).toBe(i));
      added.forEach((t, i) => expect(table.textAt(i)).toBe(t));
      for (const probe of probes) expect(table.indexOf(probe)).toBe(added.indexOf(probe));
    }), { numRuns: 1_000 });
  });

  it("finds counted ids by their counter, and sparse ones in its slots, as exactly", () => {
    // Dense counters fill pages; counters a million apart outrun the pages' budget of empty
    // entries and go to the slots, as do leading zeros and counters past 2^26.
    const table = new StringTable(0, { byCounter: true });
    const texts = [
      ...Array.from({ length: 50_000 }, (_, i) => `beijing-7-${(i * 7919) % 50_000}`),
      ...Array.from({ length: 300 }, (_, i) => `crm-${i * 1_000_003}`),
      "crm-007", "crm-7", "crm-00", "crm-67108864", "crm-67108863", "9", "09",
      ...Array.from({ length: 300 }, (_, i) => `crm-${i * 1_000_003 + 1}`),
    ];
    texts.forEach((t, i) => expect(table.add(t)).toBe(i));
    expect(texts.every((t, i) => table.indexOf(t) === i && table.textAt(i) === t && table.add(t) === i)).toBe(true);
    for (const missing of ["beijing-7-50000", "beijing-7-050", "crm-2", "crm-1000005", "crm-70", "crm-000", "0", "beijing-8-1"]) {
      expect(table.indexOf(missing)).toBe(-1);
    }
  });

  it("keeps texts unit by unit once it has numbered as many prefixes as two bytes hold", () => {
    const table = new StringTable();
    const texts = Array.from({ length: 70_000 }, (_, i) => `p${i.toString(36)}-x7`);
    texts.forEach((t) => table.add(t));
    expect(texts.every((t, i) => table.indexOf(t) === i && table.textAt(i) === t)).toBe(true);
    expect(table.indexOf("p0-x8")).toBe(-1);
    expect(table.indexOf(`p${(69_999).toString(36)}-x07`)).toBe(-1);
  });

  it("fills the room made for it up front, then grows as it would without it", () => {
    // Room for 2.1 million numbered texts (8 bytes each) is two arena chunks of 16 MiB; half of
    // these texts are kept unit by unit (23 bytes each), so 2.3 million of them need a third.
    const table = new StringTable(2_100_000);
    const textOf = (i: number) => (i % 2 === 0 ? `unit-by-unit-${i}/` : `beijing-7-${i}`);
    let misnumbered = 0;
    for (let i = 0; i < 2_300_000; i++) if (table.add(textOf(i)) !== i) misnumbered++;
    expect(misnumbered).toBe(0);
    for (let i = 0; i < 2_300_000; i += 997) {
      expect(table.indexOf(textOf(i))).toBe(i);
      expect(table.textAt(i)).toBe(textOf(i));
    }
    expect(table.textAt(2_299_999)).toBe(textOf(2_299_999));
    expect(table.indexOf("beijing-7-2300001")).toBe(-1);
  });
});

describe("showings in columns", () => {
  it("read back as recorded, by id", () => {
    const showings = new ShowingColumns();
    showings.set("S1", { showingId: "S1", listingId: "L1", agentId: "A7", recordedAt: 1_700_000_000_000 });
    showings.set("看房/2", { showingId: "看房/2", listingId: "L1", agentId: "经纪人", recordedAt: -5 });
    expect(showings.get("S1")).toEqual({ showingId: "S1", listingId: "L1", agentId: "A7", recordedAt: 1_700_000_000_000 });
    expect(showings.get("看房/2")).toEqual({ showingId: "看房/2", listingId: "L1", agentId: "经纪人", recordedAt: -5 });
    expect(showings.has("S1")).toBe(true);
    expect(showings.has("S3")).toBe(false);
    expect(showings.get("S3")).toBeUndefined();
    expect(showings.size).toBe(2);
    for (let i = 0; i < 3_000; i++) showings.set(`S-${i}`, { showingId: `S-${i}`, listingId: `L${i % 7}`, agentId: "A1", recordedAt: i });
    expect(showings.get("S-2999")).toEqual({ showingId: "S-2999", listingId: "L3", agentId: "A1", recordedAt: 2_999 });
  });
});
