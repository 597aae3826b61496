// The bundled catalogue: every commitment of domain.md, live exactly where and from when it says,
// with its parameters; validated at load, and a bad one refused with the path at fault.
import { describe, expect, it } from "vitest";
import { applicableVersions, buildCatalogue, checkCatalogueFile } from "../../src/domain/catalogue/index.js";
import { at, bundled } from "../support/scenario.js";

const live = (city: string, brand: string, date: string) => applicableVersions(bundled.versions, { city, brand, at: at(`${date}T12:00:00+08:00`) }).map((v) => v.commitment).sort();
const rule = (commitment: string) => bundled.versions.find((v) => v.commitment === commitment && v.status === "published")!.rule as Record<string, unknown>;

describe("the bundled catalogue", () => {
  it("holds the 6 platform-level and the brand-level commitments of domain.md, plus the two standards", () => {
    const commitments = (level: string) => [...new Set(bundled.versions.filter((v) => v.level === level && v.type === "commitment").map((v) => v.commitment))].sort();
    expect(commitments("platform")).toEqual(["commission-refund", "funds-safety", "leak-compensation", "no-marketing-calls", "property-fee-advance", "real-listing"]);
    expect(commitments("brand")).toEqual(["delist-consent", "maintainer-replacement", "maintenance-loss", "no-price-spread", "post-sale-rental-waiver", "seizure-advance", "showing-feedback-48h", "transfer-trip"]);
    expect([...new Set(bundled.versions.filter((v) => v.type === "standard").map((v) => v.commitment))].sort()).toEqual(["complaints-30124", "pre-signing-risk"]);
  });

  it("carries the parameters domain.md decides", () => {
    expect(rule("showing-feedback-48h")).toMatchObject({ windowStart: "next-business-day", windowHours: 48, amountFen: 10000 });
    expect(rule("commission-refund")).toMatchObject({ refundWithinDays: 5 });
    expect(rule("leak-compensation")).toMatchObject({ capFen: 1_000_000 });
    expect(rule("transfer-trip")).toMatchObject({ capFen: 20_000 });
    expect(rule("maintenance-loss")).toMatchObject({ capFenByDamageKind: { key_lost: 100_000, lock_damaged: 100_000, careless_upkeep: 500_000 } });
    expect(rule("no-price-spread")).toMatchObject({ capFen: null, remedy: "refund" });
    expect(rule("post-sale-rental-waiver")).toMatchObject({ daysAfterHandover: 30, use: "residential" });
    expect(rule("maintainer-replacement")).toMatchObject({ deliverWithinDays: 3 });
    expect(rule("complaints-30124")).toMatchObject({ respondMinutes: 30, solutionHours: 12, closeHours: 24 });
    expect(rule("pre-signing-risk")).toMatchObject({ windowHours: 48, maxDeviationPercent: 20 });
    expect(bundled.settings.funds.platformOpeningFen).toBe(10_000_000_000);
    expect(bundled.settings.approvalTiers.default.map((t) => t.maxFen)).toEqual([20_000, 200_000, 2_000_000, null]);
  });

  it("is live where and from when domain.md says", () => {
    expect(live("beijing", "lianjia", "2026-03-02")).toEqual(["commission-refund", "complaints-30124", "delist-consent", "maintainer-replacement", "no-price-spread", "post-sale-rental-waiver", "property-fee-advance", "real-listing", "seizure-advance", "showing-feedback-48h", "transfer-trip"]);
    expect(live("changsha", "lianjia", "2024-06-01")).toEqual(["complaints-30124", "delist-consent", "maintenance-loss", "post-sale-rental-waiver", "showing-feedback-48h"]);
    expect(live("wuhan", "deyou", "2025-06-01")).toEqual(["commission-refund", "funds-safety", "leak-compensation", "no-marketing-calls", "pre-signing-risk", "property-fee-advance", "real-listing"]);
    expect(live("tianjin", "deyou", "2025-09-21")).toEqual(["commission-refund", "property-fee-advance", "real-listing"]);
    expect(live("tianjin", "deyou", "2025-09-22")).toEqual(["commission-refund", "funds-safety", "leak-compensation", "pre-signing-risk", "property-fee-advance", "real-listing"]);
    expect(live("suzhou", "deyou", "2024-10-31")).toEqual([]);
    expect(live("zhengzhou", "deyou", "2027-06-01")).toEqual(["commission-refund", "property-fee-advance", "real-listing"]);
    expect(live("shanghai", "lianjia", "2019-09-01")).toEqual(["complaints-30124"]);
  });

  it("ships the next wave of no-marketing-calls as a draft that applies nowhere", () => {
    const draft = bundled.versions.find((v) => v.key === "no-marketing-calls@next-wave")!;
    expect(draft).toMatchObject({ status: "draft", scope: { cities: ["zhengzhou", "jinan", "shenyang", "dalian", "kunming"] } });
  });

  it("refuses a bad catalogue with the path at fault", () => {
    const settings = bundled.settings;
    const version = { commitment: "x", version: "1", status: "published", name: { zh: "x", en: "x" }, level: "platform", type: "commitment", scope: { cities: ["*"], brands: ["*"] }, effectiveFrom: "2026-01-01", rule: { kind: "confirmed-incident", incident: "listing.fake_confirmed", amountFen: 1, payer: "platform", approval: "auto" } };
    expect(checkCatalogueFile({ versions: [{ ...version, rule: { kind: "nonsense" } }] })).toMatchObject({ ok: false, problems: [{ path: expect.stringContaining("/versions/0/rule") }] });
    expect(buildCatalogue([{ versions: [version as never] }])).toMatchObject({ ok: false, problems: [{ path: "/settings" }] });
    expect(buildCatalogue([{ settings, versions: [{ ...version, effectiveTo: "2025-01-01" } as never] }])).toMatchObject({ ok: false, problems: [{ path: "/files/0/versions/0/effectiveTo" }] });
    expect(buildCatalogue([{ settings, versions: [{ ...version, scope: { cities: ["*"], brands: ["lianjia"] } } as never] }])).toMatchObject({ ok: false, problems: [{ path: "/files/0/versions/0/scope/brands" }] });
  });
});
