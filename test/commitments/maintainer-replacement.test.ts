// maintainer-replacement (专人维护不满即换): an owner unhappy with the agent maintaining the listing asks,
// and a new maintainer is due within 3 days: a remedy without money, counted. Lianjia Beijing, 2025-01-01.
import { describe, expect, it } from "vitest";
import { claimsOf, ev, listing, obligationsOf, run } from "../support/scenario.js";

const request = (at: string) => ev("owner.replacement_requested", at, { listingId: "L1", ownerId: "O1" });
const changed = (at: string, toAgentId = "A8") => ev("listing.maintainer_changed", at, { listingId: "L1", fromAgentId: "A7", toAgentId, requestedByOwner: true });

describe("maintainer-replacement", () => {
  it("a new maintainer within 3 days delivers the remedy: counted as paid, no money moves", () => {
    const s = run([listing(), request("2026-03-02T10:00:00+08:00"), changed("2026-03-03T15:00:00+08:00")], { until: "2026-03-10T00:00:00+08:00" });
    expect(claimsOf(s, "maintainer-replacement")).toMatchObject([{ kind: "remedy", amountFen: 0, beneficiaryId: "O1", status: "paid", entryId: null }]);
    expect(obligationsOf(s, "maintainer-replacement")).toMatchObject([{ status: "fulfilled", dueAt: "2026-03-05T10:00:00+08:00", responsibleId: "A7" }]);
    expect(s.ledger.entries).toBe(0);
  });

  it("replaced exactly at 3 days is in time; nothing by then is a breach and an alert", () => {
    const inTime = run([listing(), request("2026-03-02T10:00:00+08:00"), changed("2026-03-05T10:00:00+08:00")], { until: "2026-03-10T00:00:00+08:00" });
    expect(obligationsOf(inTime, "maintainer-replacement")[0]!.status).toBe("fulfilled");
    const late = run([listing(), request("2026-03-02T10:00:00+08:00")], { until: "2026-03-10T00:00:00+08:00" });
    expect(obligationsOf(late, "maintainer-replacement")[0]).toMatchObject({ status: "breached", breachedAt: "2026-03-05T10:00:00+08:00" });
    expect(late.alerts).toMatchObject([{ kind: "remedy.overdue" }]);
    expect(claimsOf(late, "maintainer-replacement")).toMatchObject([{ status: "approved" }]);
  });

  it("a change to the same agent is no replacement", () => {
    const s = run([listing(), request("2026-03-02T10:00:00+08:00"), changed("2026-03-03T10:00:00+08:00", "A7")], { until: "2026-03-04T00:00:00+08:00" });
    expect(claimsOf(s, "maintainer-replacement")[0]!.status).toBe("approved");
  });

  it("only Beijing lianjia, from 2025-01-01", () => {
    expect(claimsOf(run([ev("owner.replacement_requested", "2026-03-02T10:00:00+08:00", { listingId: "L1", ownerId: "O1" }, { city: "changsha" })]), "maintainer-replacement")).toEqual([]);
    expect(claimsOf(run([request("2024-12-31T10:00:00+08:00")]), "maintainer-replacement")).toEqual([]);
  });
});
