// Business time: instants parsed from RFC 3339 with an offset, and "00:00 of the next day" in
// Asia/Shanghai, checked against the platform's own date parsing and the time-zone database.
import fc from "fast-check";
import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { businessDate, firstYear, lastYear, parseInstant, startOfBusinessDate, startOfNextBusinessDay } from "../../src/domain/time.js";

const digits = (max: number, width: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(width, "0"));
// Years mostly near the bounds of those taken (1970–2999), some anywhere.
const year = fc.oneof({ arbitrary: fc.integer({ min: 1965, max: 3005 }).map(String), weight: 3 }, { arbitrary: digits(9999, 4), weight: 1 });
const timestamp = fc.tuple(year, digits(13, 2), digits(32, 2), digits(25, 2), digits(61, 2), digits(61, 2), fc.option(fc.stringMatching(/^\d{1,3}$/)),
  fc.oneof(fc.constant("Z"), fc.tuple(fc.constantFrom("+", "-"), digits(25, 2), digits(61, 2)).map(([sign, h, m]) => `${sign}${h}:${m}`)))
  .map(([y, mo, d, h, mi, s, fraction, zone]) => `${y}-${mo}-${d}T${h}:${mi}:${s}${fraction === null ? "" : `.${fraction}`}${zone}`);

describe("business time", () => {
  it("parses exactly the timestamps that name a real instant of 1970–2999, to the instant Date.parse gives", () => {
    fc.assert(fc.property(timestamp, (text) => {
      const parsed = Date.parse(text);
      const year = Number(text.slice(0, 4));
      // RFC 3339's hours run 00–23: Date.parse and Luxon both read "T24:00:00" as the next midnight.
      const real = !Number.isNaN(parsed) && DateTime.fromISO(text, { setZone: true }).isValid && !text.includes("T24:") && year >= firstYear && year <= lastYear;
      expect(parseInstant(text)).toBe(real ? parsed : null);
    }), { numRuns: 20_000 });
    expect(parseInstant("2024-02-29T00:00:00+08:00")).toBe(Date.parse("2024-02-29T00:00:00+08:00"));
    expect(parseInstant("2026-02-29T00:00:00+08:00")).toBeNull();
    expect(parseInstant("2400-02-29T12:00:00Z")).toBe(Date.parse("2400-02-29T12:00:00Z"));
    // A deadline after 9999 has no RFC 3339 form; before 1901 Shanghai kept local mean time.
    expect(parseInstant("9999-12-31T23:59:59-14:00")).toBeNull();
    expect(parseInstant("1969-12-31T23:59:59Z")).toBeNull();
    expect(startOfBusinessDate("0001-01-01")).toBeNull();
    expect(startOfBusinessDate("1970-01-01")).toBe(Date.parse("1970-01-01T00:00:00+08:00"));
    expect(parseInstant("2026-03-02 15:20:00+08:00")).toBeNull();
    expect(parseInstant("2026-03-02T24:00:00+08:00")).toBeNull();
  });

  it("gives the same instant for a text read again, after another or after one that is not an instant", () => {
    const texts = ["2025-01-01T12:00:00+08:00", "2025-01-01T12:00:00+08:00", "2025-01-01T12:01:00+08:00", "2025-13-01T12:00:00+08:00", "2025-01-01T12:00:00+08:00", "2025-13-01T12:00:00+08:00"];
    expect(texts.map((text) => parseInstant(`${text}`))).toEqual(texts.map((text) => (text.includes("-13-") ? null : Date.parse(text))));
  });

  it("dates an instant and counts from 00:00 of the next business day, across the years Shanghai kept summer time", () => {
    fc.assert(fc.property(fc.integer({ min: Date.UTC(1985, 0, 1), max: Date.UTC(2040, 0, 1) }), (at) => {
      const local = DateTime.fromMillis(at, { zone: "Asia/Shanghai" });
      expect(startOfNextBusinessDay(at)).toBe(local.startOf("day").plus({ days: 1 }).toMillis());
      expect(businessDate(at)).toBe(local.toISODate());
    }), { numRuns: 20_000 });
    expect(startOfNextBusinessDay(Date.parse("2026-03-02T15:20:00+08:00"))).toBe(Date.parse("2026-03-03T00:00:00+08:00"));
  });

  it("gives each instant of a walk across midnights, forwards and back, its own date (summer time of 1986–1991 included)", () => {
    const step = fc.integer({ min: -3 * 3_600_000, max: 3 * 3_600_000 });
    fc.assert(fc.property(fc.integer({ min: Date.UTC(1985, 0, 1), max: Date.UTC(2040, 0, 1) }), fc.array(step, { minLength: 1, maxLength: 40 }), (start, steps) => {
      let at = start;
      for (const delta of steps) {
        at += delta;
        expect(businessDate(at)).toBe(DateTime.fromMillis(at, { zone: "Asia/Shanghai" }).toISODate());
      }
    }), { numRuns: 2_000 });
    // Every quarter hour, and every midnight to the millisecond, through the months the clocks changed.
    for (let year = 1986; year <= 1991; year++) {
      for (const month of [4, 9]) {
        const midnights: number[] = [];
        for (let day = DateTime.fromObject({ year, month, day: 1 }, { zone: "Asia/Shanghai" }); day.month === month; day = day.plus({ days: 1 })) midnights.push(day.toMillis());
        for (let at = midnights[0]!; at < midnights.at(-1)!; at += 15 * 60_000) expect(businessDate(at)).toBe(DateTime.fromMillis(at, { zone: "Asia/Shanghai" }).toISODate());
        for (const midnight of midnights) for (const at of [midnight - 1, midnight, midnight - 1, midnight + 1]) expect(businessDate(at)).toBe(DateTime.fromMillis(at, { zone: "Asia/Shanghai" }).toISODate());
      }
    }
    // The night summer time ended in 1991: 01:00 to 02:00 of September 15th came twice.
    for (const text of ["1991-09-14T23:30:00+09:00", "1991-09-15T01:30:00+09:00", "1991-09-15T01:30:00+08:00", "1991-09-15T23:59:59.999+08:00", "1991-09-16T00:00:00+08:00"]) {
      expect(businessDate(Date.parse(text))).toBe(text.slice(0, 10));
    }
  });
});
