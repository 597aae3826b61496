// maintenance-loss (房源维护损失必赔): loss while the agent holds the keys — a lost key or damaged lock,
// up to 1,000 CNY; careless upkeep of a vacant home, up to 5,000 CNY per incident. Lianjia Changsha.
import { describe, expect, it } from "vitest";
import { claimsOf, ev, run } from "../support/scenario.js";

const damage = (kind: string, lossFen: number, where: { city?: string } = { city: "changsha" }, at = "2026-03-05T10:00:00+08:00") =>
  ev("maintenance.damage", at, { listingId: "L1", ownerId: "O1", kind, lossFen }, where);
const paidTo = (kind: string, lossFen: number) => claimsOf(run([damage(kind, lossFen)]), "maintenance-loss").map((c) => c.amountFen);

describe("maintenance-loss", () => {
  it("a lost key or a damaged lock: the actual loss up to 1,000 CNY", () => {
    expect([paidTo("key_lost", 80_000), paidTo("key_lost", 100_000), paidTo("lock_damaged", 100_001)]).toEqual([[80_000], [100_000], [100_000]]);
  });

  it("careless upkeep of a vacant home: up to 5,000 CNY per incident", () => {
    expect([paidTo("careless_upkeep", 499_999), paidTo("careless_upkeep", 800_000)]).toEqual([[499_999], [500_000]]);
  });

  it("each incident is its own claim, to the owner, approved within tier", () => {
    const s = run([damage("careless_upkeep", 150_000), damage("key_lost", 5_000, { city: "changsha" }, "2026-03-06T10:00:00+08:00")]);
    expect(claimsOf(s, "maintenance-loss").map((c) => [c.beneficiaryId, c.requiredRole])).toEqual([["O1", "store_manager"], ["O1", "agent"]]);
  });

  it("only in Changsha, from 2024-01-01", () => {
    expect(claimsOf(run([damage("key_lost", 5_000, { city: "beijing" })]), "maintenance-loss")).toEqual([]);
    expect(claimsOf(run([damage("key_lost", 5_000, { city: "changsha" }, "2023-12-31T23:59:59+08:00")]), "maintenance-loss")).toEqual([]);
  });
});
