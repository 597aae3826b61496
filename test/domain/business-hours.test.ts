// Business hours read China's calendar as dates: the answer does not depend on the process's time zone.
import { afterEach, describe, expect, it } from "vitest";
import { afterBusinessTime, isOpenDay, lastCalendarYear } from "../../src/domain/business-hours.js";
import { formatInstant } from "../../src/domain/time.js";
import { at } from "../support/scenario.js";

describe("business hours", () => {
  const zone = process.env["TZ"];
  afterEach(() => {
    if (zone === undefined) delete process.env["TZ"];
    else process.env["TZ"] = zone;
  });

  it.each(["UTC", "Asia/Shanghai", "America/Los_Angeles", "Pacific/Kiritimati"])("under TZ=%s, Saturday 28 November 2026 is no workday, Saturday 10 October 2026 (in lieu) is", (tz) => {
    process.env["TZ"] = tz;
    expect([isOpenDay("2026-11-28", "workdays"), isOpenDay("2026-10-10", "workdays"), isOpenDay("2026-10-01", "workdays"), isOpenDay("2026-11-30", "workdays")]).toEqual([false, true, false, true]);
    expect(formatInstant(afterBusinessTime(at("2026-11-27T17:30:00+08:00"), 60 * 60_000, { opens: "09:00", closes: "18:00", days: "workdays" }))).toBe("2026-11-30T09:30:00+08:00");
  });

  it("knows the holidays up to its last published year, and Monday to Friday after it", () => {
    expect(lastCalendarYear).toBeGreaterThanOrEqual(2026);
    const firstUnknown = lastCalendarYear + 1;
    expect(isOpenDay(`${firstUnknown}-01-01`, "workdays")).toBe(new Date(Date.UTC(firstUnknown, 0, 1)).getUTCDay() % 6 !== 0);
  });
});
