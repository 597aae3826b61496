// complaints-30124 (客诉30124): every complaint answered within 30 minutes, a solution proposed within
// 12 hours, closed within 24 hours; each deadline met or missed once. Lianjia, all cities, 2019-09-01.
import { describe, expect, it } from "vitest";
import { buildCatalogue, checkCatalogueFile, type VersionRecord } from "../../src/domain/catalogue/index.js";
import { bundled, ev, obligationsOf, run } from "../support/scenario.js";

const filed = (at: string, where: { city?: string; brand?: string } = { city: "shanghai" }) => ev("complaint.filed", at, { complaintId: "CP1", consumerId: "C5", category: "attitude", text: "经纪人态度不好" }, where);
const step = (type: string, at: string, extra: object = {}) => ev(type, at, { complaintId: "CP1", ...extra }, { city: "shanghai" });
const dueAts = (s: ReturnType<typeof run>) => Object.fromEntries(obligationsOf(s, "complaints-30124").map((o) => [(o as { stage: string }).stage, o.dueAt]));
const stages = (s: ReturnType<typeof run>) => Object.fromEntries(obligationsOf(s, "complaints-30124").map((o) => [(o as { stage: string }).stage, o.status]));

describe("complaints-30124", () => {
  it("opens three deadlines: 30 minutes, 12 hours, 24 hours", () => {
    const s = run([filed("2026-03-02T10:00:00+08:00")]);
    expect(obligationsOf(s, "complaints-30124").map((o) => [(o as { stage: string }).stage, o.dueAt])).toEqual([
      ["respond", "2026-03-02T10:30:00+08:00"], ["solution", "2026-03-02T22:00:00+08:00"], ["close", "2026-03-03T10:00:00+08:00"],
    ]);
  });

  it("answered at exactly 30 minutes is met; one second later is missed, with an alert", () => {
    const met = run([filed("2026-03-02T10:00:00+08:00"), step("complaint.responded", "2026-03-02T10:30:00+08:00")], { until: "2026-03-02T11:00:00+08:00" });
    expect(stages(met).respond).toBe("fulfilled");
    const missed = run([filed("2026-03-02T10:00:00+08:00"), step("complaint.responded", "2026-03-02T10:30:01+08:00")], { until: "2026-03-02T11:00:00+08:00" });
    expect(stages(missed).respond).toBe("breached");
    expect(missed.alerts).toMatchObject([{ kind: "complaint.overdue" }]);
  });

  it("a solution also answers; closing meets every stage still open in time", () => {
    const s = run([filed("2026-03-02T10:00:00+08:00"), step("complaint.closed", "2026-03-02T10:20:00+08:00", { satisfaction: 5 })], { until: "2026-03-04T00:00:00+08:00" });
    expect(stages(s)).toEqual({ respond: "fulfilled", solution: "fulfilled", close: "fulfilled" });
  });

  it("closed after 24 hours: answered and solved in time, the close missed", () => {
    const s = run([
      filed("2026-03-02T10:00:00+08:00"), step("complaint.responded", "2026-03-02T10:05:00+08:00"),
      step("complaint.solution_proposed", "2026-03-02T18:00:00+08:00", { text: "更换经纪人" }), step("complaint.closed", "2026-03-03T10:00:01+08:00"),
    ]);
    expect(stages(s)).toEqual({ respond: "fulfilled", solution: "fulfilled", close: "breached" });
  });

  it("milestones sent before the complaint itself (out of order) still count", () => {
    const s = run([step("complaint.responded", "2026-03-02T10:10:00+08:00"), filed("2026-03-02T10:00:00+08:00")], { until: "2026-03-02T11:00:00+08:00" });
    expect(stages(s).respond).toBe("fulfilled");
  });

  it("a standard without money: no claims, nothing on the ledger; other brands are not tracked", () => {
    const s = run([filed("2026-03-02T10:00:00+08:00"), filed("2026-03-02T10:00:00+08:00", { brand: "deyou" })], { until: "2026-03-05T00:00:00+08:00" });
    expect(s.claims).toEqual([]);
    expect(s.ledger.entries).toBe(0);
    expect(obligationsOf(s, "complaints-30124").every((o) => o.brand === "lianjia")).toBe(true);
  });
});

/** The bundled catalogue with a Shanghai version of 30124 on business hours from 2026-01-01. */
function onBusinessHours(businessHours: unknown) {
  const records = bundled.versions.map(({ key: _k, fromAt: _f, toAt: _t, ...record }) => record as VersionRecord);
  const thirty = records.find((r) => r.commitment === "complaints-30124")!;
  const checked = checkCatalogueFile({ versions: [{ ...thirty, version: "shanghai-business-hours", scope: { cities: ["shanghai"], brands: ["lianjia"] }, effectiveFrom: "2026-01-01", rule: { ...thirty.rule, businessHours } }] });
  return checked.ok ? buildCatalogue([{ settings: bundled.settings, versions: records }, checked.file]) : checked;
}

describe("complaints-30124 on business hours (09:00–18:00, China's working days), configured for Shanghai", () => {
  const built = onBusinessHours({ opens: "09:00", closes: "18:00", days: "workdays" });
  if (!built.ok) throw new Error(JSON.stringify(built.problems));
  const catalogue = built.catalogue;

  it("counts only open hours: filed Monday 10:00, solution due Tuesday 13:00, closed by Wednesday 16:00", () => {
    expect(dueAts(run([filed("2026-03-02T10:00:00+08:00")], { catalogue }))).toEqual({
      respond: "2026-03-02T10:30:00+08:00", solution: "2026-03-03T13:00:00+08:00", close: "2026-03-04T16:00:00+08:00",
    });
  });

  it("a complaint filed Friday evening is answered by Monday 09:30, and the weekend breaches nothing", () => {
    const s = run([filed("2026-03-06T20:00:00+08:00")], { catalogue, until: "2026-03-09T09:00:00+08:00" });
    expect(dueAts(s).respond).toBe("2026-03-09T09:30:00+08:00");
    expect(stages(s).respond).toBe("open");
    expect(s.alerts).toEqual([]);
  });

  it("skips the public holidays and counts the weekend days worked in lieu", () => {
    // National Day 2026: 1–7 October off, Saturday 10 October worked.
    expect(dueAts(run([filed("2026-09-30T17:50:00+08:00")], { catalogue })).respond).toBe("2026-10-08T09:20:00+08:00");
    expect(dueAts(run([filed("2026-10-09T17:45:00+08:00")], { catalogue })).respond).toBe("2026-10-10T09:15:00+08:00");
    // Spring Festival 2026: Saturday 14 February worked, 15–23 February off.
    expect(dueAts(run([filed("2026-02-13T17:00:00+08:00")], { catalogue })).close).toBe("2026-02-25T14:00:00+08:00");
  });

  it("other cities, and Shanghai before the version, stay on calendar time", () => {
    expect(dueAts(run([filed("2026-03-06T20:00:00+08:00", { city: "beijing" })], { catalogue })).respond).toBe("2026-03-06T20:30:00+08:00");
    expect(dueAts(run([filed("2025-12-05T20:00:00+08:00")], { catalogue })).respond).toBe("2025-12-05T20:30:00+08:00");
  });

  it("every-day hours count weekends and holidays too", () => {
    const daily = onBusinessHours({ opens: "09:00", closes: "21:00", days: "every-day" });
    expect(daily.ok && dueAts(run([filed("2026-10-01T20:45:00+08:00")], { catalogue: daily.catalogue })).respond).toBe("2026-10-02T09:15:00+08:00");
  });

  it("a catalogue whose hours close before they open, or name no time of day, is refused where it is wrong", () => {
    expect(onBusinessHours({ opens: "18:00", closes: "09:00", days: "workdays" })).toMatchObject({ ok: false, problems: [{ path: expect.stringMatching(/rule\/businessHours\/closes$/) }] });
    expect(onBusinessHours({ opens: "09:00", closes: "24:00", days: "workdays" })).toMatchObject({ ok: false, problems: [{ path: expect.stringMatching(/businessHours\/closes$/) }] });
  });
});
