// delist-consent (房源下架未许赔百 / 房源下架不知赔百): a listing taken down without the owner's consent
// pays 100 CNY to the owner; lianjia in Beijing from 2025-01-01 and in Changsha from 2024-01-01.
import { describe, expect, it } from "vitest";
import { claimsOf, ev, listing, run } from "../support/scenario.js";

const delisted = (at: string, ownerConsent: boolean, where: { city?: string; brand?: string; id?: string } = {}) =>
  ev("listing.delisted", at, { listingId: "L1", ownerConsent, reason: "agent tidied the listings" }, where);

describe("delist-consent", () => {
  it("taking a listing down without the owner's consent pays the owner 100 CNY from the brand's Beijing fund", () => {
    const s = run([listing(), delisted("2026-03-05T10:00:00+08:00", false)]);
    expect(claimsOf(s, "delist-consent")).toMatchObject([{ beneficiaryId: "O1", amountFen: 10000, status: "paid", fund: "lianjia:beijing", version: "delist-consent@beijing-2025" }]);
  });

  it("with the owner's consent nothing is owed", () => {
    expect(claimsOf(run([listing(), delisted("2026-03-05T10:00:00+08:00", true)]), "delist-consent")).toEqual([]);
  });

  it("Changsha's version applies there; Shanghai, another brand, and Beijing before 2025 are not covered", () => {
    const s = run([
      listing("L1", { city: "changsha" }), delisted("2024-06-01T10:00:00+08:00", false, { city: "changsha" }),
      delisted("2026-03-05T10:00:00+08:00", false, { city: "shanghai" }),
      delisted("2026-03-05T10:00:00+08:00", false, { brand: "deyou" }),
      delisted("2024-12-31T23:59:59+08:00", false),
    ]);
    expect(claimsOf(s, "delist-consent").map((c) => c.version)).toEqual(["delist-consent@changsha-2024"]);
  });

  it("the owner not yet known (listing event late): the claim waits, and is paid when the listing names the owner", () => {
    const s = run([delisted("2026-03-05T10:00:00+08:00", false)]);
    expect(claimsOf(s, "delist-consent")).toMatchObject([{ status: "open", awaiting: "beneficiary", beneficiaryId: null }]);
    const named = run([delisted("2026-03-05T10:00:00+08:00", false), listing("L1", { at: "2026-03-06T10:00:00+08:00" })]);
    expect(claimsOf(named, "delist-consent")).toMatchObject([{ status: "paid", beneficiaryId: "O1" }]);
  });

  it("each delisting is one payout: a resent event changes nothing", () => {
    const once = delisted("2026-03-05T10:00:00+08:00", false, { id: "crm-9" });
    const s = run([listing(), once, { ...once }, delisted("2026-04-05T10:00:00+08:00", false)]);
    expect(claimsOf(s, "delist-consent")).toHaveLength(2);
    expect(s.counts.duplicates).toBe(1);
  });
});
