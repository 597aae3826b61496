// Business hours: a clock that runs only while a city's stores are open (domain.md: the 30124
// complaint clock may run on one instead of calendar time). Open days are either every day or
// China's official working days: Monday to Friday, less the public holidays, plus the weekend days
// worked in lieu, as the State Council publishes them each year and `chinese-days` ships them.
import { createRequire } from "node:module";
import { DateTime } from "luxon";
import type { BusinessHours } from "./catalogue/schema.js";
import { businessDate, businessZone, type Instant } from "./time.js";

// The package's own date functions read the weekday in the process's time zone (a Saturday was a
// workday under TZ=America/Los_Angeles): only its data is used, each date read as a calendar date.
const calendar = createRequire(import.meta.url)("chinese-days/dist/chinese-days.json") as { holidays: Record<string, string>; workdays: Record<string, string> };

/** The last year whose holidays the calendar holds; later years count Monday to Friday until it is updated. */
export const lastCalendarYear = Math.max(...Object.keys(calendar.holidays).map((date) => Number(date.slice(0, 4))));

/** Whether a calendar date (YYYY-MM-DD) is one on which the hours run. */
export function isOpenDay(date: string, days: BusinessHours["days"]): boolean {
  if (days === "every-day") return true;
  if (date in calendar.workdays) return true;
  if (date in calendar.holidays) return false;
  return DateTime.fromISO(date, { zone: "UTC" }).weekday <= 5;
}

/** The instant at which `durationMs` of business time has passed since `from`. */
export function afterBusinessTime(from: Instant, durationMs: number, hours: BusinessHours): Instant {
  let left = durationMs;
  for (let day = DateTime.fromISO(businessDate(from), { zone: businessZone }); ; day = day.plus({ days: 1 })) {
    if (!isOpenDay(day.toISODate()!, hours.days)) continue;
    const start = Math.max(from, at(day, hours.opens));
    const closes = at(day, hours.closes);
    if (start >= closes) continue;
    if (start + left <= closes) return start + left;
    left -= closes - start;
  }
}

function at(day: DateTime, time: string): Instant {
  return day.set({ hour: Number(time.slice(0, 2)), minute: Number(time.slice(3, 5)) }).toMillis();
}
