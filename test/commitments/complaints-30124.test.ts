// complaints-30124 (客诉30124): every complaint answered within 30 minutes, a solution proposed within
// 12 hours, closed within 24 hours; each deadline met or missed once. Lianjia, all cities, 2019-09-01.
import { describe, expect, it } from "vitest";
import { ev, obligationsOf, run } from "../support/scenario.js";

const filed = (at: string, where: { city?: string; brand?: string } = { city: "shanghai" }) => ev("complaint.filed", at, { complaintId: "CP1", consumerId: "C5", category: "attitude", text: "经纪人态度不好" }, where);
const step = (type: string, at: string, extra: object = {}) => ev(type, at, { complaintId: "CP1", ...extra }, { city: "shanghai" });
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
