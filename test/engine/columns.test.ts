// What a city-year keeps in columns rather than objects reads back exactly as it went in.
import { describe, expect, it } from "vitest";
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
});
