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

/** Parses an RFC 3339 timestamp that carries an offset; null if it is not one or names no real instant. */
export function parseInstant(text: string): Instant | null {
  const m = rfc3339.exec(text);
  if (m === null) return null;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) return null;
  // Date.parse rolls 2026-02-30 over to March; compare the fields back to reject it.
  const zone = m[8]!;
  const offsetMinutes = zone === "Z" ? 0 : (zone[0] === "-" ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  const local = new Date(ms + offsetMinutes * msPerMinute);
  const fraction = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, "0"));
  const same =
    local.getUTCFullYear() === Number(m[1]) &&
    local.getUTCMonth() + 1 === Number(m[2]) &&
    local.getUTCDate() === Number(m[3]) &&
    local.getUTCHours() === Number(m[4]) &&
    local.getUTCMinutes() === Number(m[5]) &&
    local.getUTCSeconds() === Number(m[6]) &&
    local.getUTCMilliseconds() === fraction;
  return same ? ms : null;
}

const nextDayCache = new Map<number, Instant>();

/** 00:00 business time of the calendar day after `at` ("counted from 00:00 of the next day"). */
export function startOfNextBusinessDay(at: Instant): Instant {
  // Days in Asia/Shanghai start on whole UTC hours, so the hour is a safe cache key.
  const hour = Math.floor(at / msPerHour);
  const cached = nextDayCache.get(hour);
  if (cached !== undefined) return cached;
  const next = DateTime.fromMillis(at, { zone: businessZone }).startOf("day").plus({ days: 1 }).toMillis();
  if (nextDayCache.size > 100_000) nextDayCache.clear();
  nextDayCache.set(hour, next);
  return next;
}

/** 00:00 business time of a calendar date written YYYY-MM-DD; null if it is no date. */
export function startOfBusinessDate(date: string): Instant | null {
  const parsed = DateTime.fromISO(date, { zone: businessZone });
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !parsed.isValid) return null;
  return parsed.startOf("day").toMillis();
}

const offsetCache = new Map<number, number>();

/** The business zone's UTC offset in minutes at an instant; zones change offset on whole hours. */
function offsetMinutesAt(at: Instant): number {
  const hour = Math.floor(at / msPerHour);
  let offset = offsetCache.get(hour);
  if (offset === undefined) {
    offset = DateTime.fromMillis(at, { zone: businessZone }).offset;
    if (offsetCache.size > 100_000) offsetCache.clear();
    offsetCache.set(hour, offset);
  }
  return offset;
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
  return DateTime.fromMillis(at, { zone: businessZone }).toISODate()!;
}

/** 00:00 business time of the Monday of the week an instant falls in (ISO weeks start on Monday). */
export function startOfBusinessWeek(at: Instant): Instant {
  return DateTime.fromMillis(at, { zone: businessZone }).startOf("week").toMillis();
}
