// Business time. Instants are epoch milliseconds; calendars are Asia/Shanghai.
// Domain code never reads the clock: every "now" is passed in.
import { DateTime } from "luxon";

export type Instant = number;
export const businessZone = "Asia/Shanghai";

export const msPerMinute = 60_000;
export const msPerHour = 3_600_000;
export const msPerDay = 86_400_000;

const rfc3339 =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

const daysInMonth = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Parses an RFC 3339 timestamp that carries an offset; null if it is not one or names no real instant. */
export function parseInstant(text: string): Instant | null {
  const m = rfc3339.exec(text);
  if (m === null) return null;
  const [year, month, day, hour, minute, second] = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])];
  const zone = m[8]!;
  const offsetHours = zone === "Z" ? 0 : Number(zone.slice(1, 3));
  const offsetMinutes = zone === "Z" ? 0 : (zone[0] === "-" ? -1 : 1) * (offsetHours * 60 + Number(zone.slice(4, 6)));
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const lastDay = month === 2 && leap ? 29 : daysInMonth[month - 1];
  // No 2026-02-30, no 24:00, no leap second, no offset beyond ±23:59: not an instant, as for Date.parse.
  if (lastDay === undefined || day < 1 || day > lastDay || hour > 23 || minute > 59 || second > 59 || offsetHours > 23 || Number(zone.slice(4, 6)) > 59) return null;
  const fraction = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, "0"));
  // Date.UTC reads years 0–99 as 1900–1999: those are computed 400 years (146,097 days) later.
  const utc = year < 100 ? Date.UTC(year + 400, month - 1, day, hour, minute, second, fraction) - 146_097 * msPerDay : Date.UTC(year, month - 1, day, hour, minute, second, fraction);
  return utc - offsetMinutes * msPerMinute;
}

/** 00:00 business time of the calendar day after `at` ("counted from 00:00 of the next day"). */
export function startOfNextBusinessDay(at: Instant): Instant {
  const offset = offsetMinutesAt(at) * msPerMinute;
  const nextLocalMidnight = (Math.floor((at + offset) / msPerDay) + 1) * msPerDay;
  // The offset at that midnight, which a change of offset overnight would make differ from today's.
  return nextLocalMidnight - offsetMinutesAt(nextLocalMidnight - offset) * msPerMinute;
}

/** 00:00 business time of a calendar date written YYYY-MM-DD; null if it is no date. */
export function startOfBusinessDate(date: string): Instant | null {
  const parsed = DateTime.fromISO(date, { zone: businessZone });
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !parsed.isValid) return null;
  return parsed.startOf("day").toMillis();
}

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

/** An instant written in business time, e.g. 2026-03-05T00:00:00+08:00 (milliseconds only when not zero). */
export function formatInstant(at: Instant): string {
  const offset = offsetMinutesAt(at);
  const local = new Date(at + offset * msPerMinute).toISOString(); // "YYYY-MM-DDTHH:mm:ss.sssZ" in local time
  const abs = Math.abs(offset);
  const zone = `${offset < 0 ? "-" : "+"}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
  return `${at % 1000 === 0 ? local.slice(0, 19) : local.slice(0, 23)}${zone}`;
}

/** The business-time calendar date of an instant, YYYY-MM-DD. */
export function businessDate(at: Instant): string {
  return new Date(at + offsetMinutesAt(at) * msPerMinute).toISOString().slice(0, 10);
}

/** 00:00 business time of the Monday of the week an instant falls in (ISO weeks start on Monday). */
export function startOfBusinessWeek(at: Instant): Instant {
  return DateTime.fromMillis(at, { zone: businessZone }).startOf("week").toMillis();
}
