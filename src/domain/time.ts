// Business time. Instants are epoch milliseconds; calendars are Asia/Shanghai.
// Domain code never reads the clock: every "now" is passed in.
import { DateTime } from "luxon";

export type Instant = number;
export const businessZone = "Asia/Shanghai";

export const msPerMinute = 60_000;
export const msPerHour = 3_600_000;
export const msPerDay = 86_400_000;

const daysInMonth = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * The years an instant of this business may fall in. Before 1901 Shanghai's time was local mean
 * time (+08:05:43), which no offset written to the minute names; a deadline after year 9999 has no
 * RFC 3339 form. Both were taken until 2026-11-27 (a report from 0001-01-01, an event in 9999).
 */
export const firstYear = 1970;
export const lastYear = 2999;

/** The value of `count` ASCII digits from `from`; -1 if any is not a digit. */
function digitsAt(text: string, from: number, count: number): number {
  let value = 0;
  for (let i = from; i < from + count; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (!(digit >= 0 && digit <= 9)) return -1;
    value = value * 10 + digit;
  }
  return value;
}

// The text read last and its instant: a history comes in time order, many events to a minute.
let lastText = "";
let lastInstant: Instant | null = null;

/**
 * Parses an RFC 3339 timestamp that carries an offset, YYYY-MM-DDTHH:mm:ss[.fraction](Z|±HH:MM);
 * null if it is not one, names no real instant, or lies outside firstYear–lastYear. Read character by character: every event has one.
 */
export function parseInstant(text: string): Instant | null {
  if (text !== lastText) {
    lastInstant = readInstant(text);
    lastText = text;
  }
  return lastInstant;
}

function readInstant(text: string): Instant | null {
  const at = (i: number) => text.charCodeAt(i);
  if (at(4) !== 45 || at(7) !== 45 || at(10) !== 84 || at(13) !== 58 || at(16) !== 58) return null; // "-", "-", "T", ":", ":"
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  const hour = digitsAt(text, 11, 2);
  const minute = digitsAt(text, 14, 2);
  const second = digitsAt(text, 17, 2);
  if (year < firstYear || year > lastYear || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) return null;
  let i = 19;
  let fraction = 0; // milliseconds: digits past the third are dropped, as Date.parse drops them
  if (at(i) === 46) { // "."
    const first = ++i;
    for (let digit = at(i) - 48; digit >= 0 && digit <= 9; digit = at(++i) - 48) if (i - first < 3) fraction = fraction * 10 + digit;
    if (i === first || i - first > 9) return null;
    for (let k = i - first; k < 3; k++) fraction *= 10;
  }
  let offsetMinutes = 0;
  if (text.length === i + 6 && (at(i) === 43 || at(i) === 45) && at(i + 3) === 58) { // "+" or "-", then ":"
    const offsetHours = digitsAt(text, i + 1, 2);
    const minutes = digitsAt(text, i + 4, 2);
    if (offsetHours < 0 || minutes < 0 || offsetHours > 23 || minutes > 59) return null;
    offsetMinutes = (at(i) === 45 ? -1 : 1) * (offsetHours * 60 + minutes);
  } else if (!(text.length === i + 1 && at(i) === 90)) { // "Z"
    return null;
  }
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const lastDay = month === 2 && leap ? 29 : daysInMonth[month - 1];
  // No 2026-02-30, no leap second: not an instant, as for Date.parse. No 24:00 either: RFC 3339's
  // hours run 00–23, where Date.parse would read it as the next midnight.
  if (lastDay === undefined || day < 1 || day > lastDay || hour > 23 || minute > 59 || second > 59) return null;
  const utc = daysFromCivil(year, month, day) * msPerDay + hour * msPerHour + minute * msPerMinute + second * 1000 + fraction;
  return utc - offsetMinutes * msPerMinute;
}

/** Whether `text` is a real calendar date of firstYear–lastYear written YYYY-MM-DD (no 2026-02-30), by the same arithmetic as instants. */
export function isCalendarDate(text: string): boolean {
  if (text.length !== 10 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return false; // "-"
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  if (year < firstYear || year > lastYear || month < 0 || day < 0) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const lastDay = month === 2 && leap ? 29 : daysInMonth[month - 1];
  return lastDay !== undefined && day >= 1 && day <= lastDay;
}

/** Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil), by integer arithmetic. */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * ((month + 9) % 12) + 2) / 5) + day - 1; // counted from 1 March
  return era * 146_097 + yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear - 719_468;
}

/** 00:00 business time of the calendar day after `at` ("counted from 00:00 of the next day"). */
export function startOfNextBusinessDay(at: Instant): Instant {
  const offset = offsetMinutesAt(at) * msPerMinute;
  const nextLocalMidnight = (Math.floor((at + offset) / msPerDay) + 1) * msPerDay;
  // The offset at that midnight, which a change of offset overnight would make differ from today's.
  return nextLocalMidnight - offsetMinutesAt(nextLocalMidnight - offset) * msPerMinute;
}

/**
 * 00:00 business time of a calendar date written YYYY-MM-DD; null if it is no date. Reports ask for
 * the same few dates again and again (each day of each listing's week), and Luxon takes
 * microseconds a date: it profiled as the largest cost of the weekly owners' reports.
 */
export const startOfBusinessDate: (date: string) => Instant | null = remembered((date) => {
  const parsed = DateTime.fromISO(date, { zone: businessZone });
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !parsed.isValid || parsed.year < firstYear || parsed.year > lastYear) return null;
  return parsed.startOf("day").toMillis();
});

const offsetCache = new Map<number, number>();

/**
 * The business zone's UTC offset in minutes at an instant. Zones change offset on whole hours, at
 * most once a day: a UTC day with the same offset at both ends has it throughout, and is cached
 * whole; a day of change is cached by the hour.
 */
function offsetMinutesAt(at: Instant): number {
  const day = Math.floor(at / msPerDay);
  let offset = offsetCache.get(day);
  if (offset === undefined) {
    const start = zoneOffset(day * msPerDay);
    offset = start === zoneOffset((day + 1) * msPerDay - 1) ? start : Number.NaN;
    if (offsetCache.size > 100_000) offsetCache.clear();
    offsetCache.set(day, offset);
  }
  return Number.isNaN(offset) ? zoneOffset(Math.floor(at / msPerHour) * msPerHour) : offset;
}

function zoneOffset(at: Instant): number {
  return DateTime.fromMillis(at, { zone: businessZone }).offset;
}

/**
 * An instant written in business time, e.g. 2026-03-05T00:00:00+08:00 (milliseconds only when not
 * zero). Views write the same few instants again and again (a sweep breaches thousands at one due time).
 */
export const formatInstant: (at: Instant) => string = remembered(spell);

function spell(at: Instant): string {
  const offset = offsetMinutesAt(at);
  const local = new Date(at + offset * msPerMinute).toISOString(); // "YYYY-MM-DDTHH:mm:ss.sssZ" in local time
  const abs = Math.abs(offset);
  const zone = `${offset < 0 ? "-" : "+"}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
  return `${at % 1000 === 0 ? local.slice(0, 19) : local.slice(0, 23)}${zone}`;
}

/** The business-time calendar date of an instant, YYYY-MM-DD. */
export function businessDate(at: Instant): string {
  // Events come in time order, so most fall on the day before: it is kept with its bounds.
  if (at >= lastDay.from && at < lastDay.to) return lastDay.date;
  const offset = offsetMinutesAt(at) * msPerMinute;
  const date = new Date(at + offset).toISOString().slice(0, 10);
  const from = at - (((at + offset) % msPerDay) + msPerDay) % msPerDay;
  // Only a day with one offset throughout (a zone changes offset at most once a day).
  if (offsetMinutesAt(from) * msPerMinute === offset && offsetMinutesAt(from + msPerDay - 1) * msPerMinute === offset) lastDay = { from, to: from + msPerDay, date };
  return date;
}

let lastDay = { from: 0, to: 0, date: "" };

/** 00:00 business time of the Monday of the week an instant falls in (ISO weeks start on Monday). */
export function startOfBusinessWeek(at: Instant): Instant {
  return DateTime.fromMillis(at, { zone: businessZone }).startOf("week").toMillis();
}

/** `compute`'s results kept, the last few thousand: forgotten all at once when there are more. */
function remembered<K, V>(compute: (key: K) => V): (key: K) => V {
  const known = new Map<K, V>();
  return (key) => {
    let value = known.get(key);
    if (value === undefined) {
      if (known.size >= 4_096) known.clear();
      value = compute(key);
      known.set(key, value);
    }
    return value;
  };
}
