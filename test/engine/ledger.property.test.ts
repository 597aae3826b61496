// The ledger after any generated history: every entry balances, funds never go below zero, every
// paid monetary claim has its journal entry, every amount is a safe integer of fen.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { maxFundFen } from "../../src/engine/commands.js";
import { maxAmountFen } from "../../src/domain/events/schema.js";
import { accountBalance, decide, ev, run } from "../support/scenario.js";
import { history } from "../support/arbitraries.js";

const roles = ["agent", "store_manager", "quality_officer", "platform_quality"];

describe("the ledger, for any history", () => {
  it("balances, keeps funds at or above zero and has an entry for every paid claim, people's decisions included", () => {
    fc.assert(
      fc.property(history(), fc.array(fc.record({ pick: fc.nat(), role: fc.constantFrom(...roles), action: fc.constantFrom("claim.approved", "claim.rejected", "claim.voided") }), { maxLength: 15 }), (events, decisions) => {
        const first = run(events);
        const claimIds = first.claims.map((c) => c.id);
        const commands = claimIds.length === 0 ? [] : decisions.map((d, i) => ({ ...decide(d.action as "claim.approved", claimIds[d.pick % claimIds.length]!, d.role, "2026-03-14T00:00:00+08:00"), id: `cmd${i}` }));
        const s = run([...events, ...commands]);
        expect(s.ledger.balanced).toBe(true);
        expect(s.ledger.accounts.reduce((sum, a) => sum + a.balanceFen, 0)).toBe(0);
        for (const account of s.ledger.accounts) {
          expect(Number.isSafeInteger(account.balanceFen)).toBe(true);
          if (account.name.startsWith("fund:")) expect(account.balanceFen).toBeGreaterThanOrEqual(0);
        }
        for (const claim of s.claims) {
          expect(Number.isSafeInteger(claim.amountFen)).toBe(true);
          if (claim.status === "paid" && claim.kind !== "remedy") expect((claim as { entryId: string | null }).entryId).not.toBeNull();
        }
        expect(s.counts.accepted + s.counts.duplicates + s.counts.rejected).toBe(events.length + commands.length);
      }),
      { numRuns: 150 },
    );
  });

  it("holds at most 10 trillion CNY in a fund, so that every balance stays exact: a top-up past it is refused", () => {
    const topUps = Array.from({ length: 101 }, (_, i) => ev("fund.topped_up", "2026-03-01T10:00:00+08:00", { fundId: "lianjia:beijing", amountFen: maxAmountFen, actorId: "finance-1" }, { id: `top-up-${i}` }));
    const s = run(topUps);
    // The fund opened with 10,000,000 CNY: 99 top-ups of 100 billion fit, the 100th would pass the bound.
    expect(s.rejected.map((r) => [r.code, r.field])).toEqual([["invalid_field", "data.amountFen"], ["invalid_field", "data.amountFen"]]);
    expect(accountBalance(s, "fund:lianjia:beijing")).toBe(99 * maxAmountFen + 1_000_000_000);
    expect(accountBalance(s, "fund:lianjia:beijing")).toBeLessThanOrEqual(maxFundFen);
  });
});
