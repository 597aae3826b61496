// Payout authority delegated by level: an agent settles small claims on the spot, larger ones climb.
import { approverRoles, type ApproverRole } from "./events/schema.js";
import type { Tier } from "./catalogue/schema.js";
import type { Fen } from "./money.js";
import { assert } from "./assert.js";

/** The lowest role whose authority covers the amount. */
export function requiredRole(tiers: readonly Tier[], amountFen: Fen): ApproverRole {
  const tier = tiers.find((t) => t.maxFen === null || amountFen <= t.maxFen);
  assert(tier !== undefined, "the last approval tier has no limit");
  return tier.role;
}

export function mayDecide(role: ApproverRole, required: ApproverRole): boolean {
  return approverRoles.indexOf(role) >= approverRoles.indexOf(required);
}
