// Scenario helpers: histories written in the public event contract, replayed by the real engine.
import { buildCatalogue, type Catalogue, type Settings } from "../../src/domain/catalogue/index.js";
import { parseLine } from "../../src/domain/events/history-line.js";
import { parseInstant } from "../../src/domain/time.js";
import { replay } from "../../src/engine/replay.js";
import { snapshot, type Snapshot } from "../../src/engine/snapshot.js";
import { loadCatalogue } from "../../src/store/catalogue-files.js";

export const phoneKey = "test-phone-key";

function load(): Catalogue {
  const loaded = loadCatalogue();
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
  return loaded.catalogue;
}

export const bundled: Catalogue = load();

/** The bundled catalogue with other settings (a small fund, other tiers). */
export function withSettings(change: (settings: Settings) => Settings): Catalogue {
  const built = buildCatalogue([{ settings: change(structuredClone(bundled.settings)), versions: bundled.versions.map(({ key: _k, fromAt: _f, toAt: _t, ...record }) => record) }]);
  if (!built.ok) throw new Error(JSON.stringify(built.problems));
  return built.catalogue;
}

export type { Envelope } from "../../src/domain/events/schema.js";
import type { Envelope } from "../../src/domain/events/schema.js";

let sequence = 0;

/** One event in the contract; the id is generated unless given. */
export function ev(type: string, occurredAt: string, data: Record<string, unknown>, where: { city?: string; brand?: string; id?: string } = {}): Envelope {
  return { id: where.id ?? `${type}-${++sequence}`, type, occurredAt, city: where.city ?? "beijing", brand: where.brand ?? "lianjia", data };
}

export function at(text: string): number {
  const instant = parseInstant(text);
  if (instant === null) throw new Error(`bad instant ${text}`);
  return instant;
}

/** Replays events (objects or raw NDJSON lines) and returns the state as `anxin replay --json` prints it. */
export function run(events: ReadonlyArray<Envelope | string | object>, options: { until?: string; catalogue?: Catalogue } = {}): Snapshot {
  const history = events.map((e) => (typeof e === "string" ? { ok: false as const, text: e, error: "raw line" } : { ok: true as const, value: e }));
  const engine = replay(
    history.map((line) => (line.ok ? line : parseLine(line.text))),
    { catalogue: options.catalogue ?? bundled, phoneKey, ...(options.until === undefined ? {} : { until: at(options.until) }) },
  );
  return snapshot(engine.state);
}

export const claimsOf = (s: Snapshot, commitment: string) => s.claims.filter((c) => c.commitment === commitment);
export const obligationsOf = (s: Snapshot, commitment: string) => s.obligations.filter((o) => o.commitment === commitment);
export const paidFen = (s: Snapshot, commitment?: string) =>
  s.claims.filter((c) => c.status === "paid" && (commitment === undefined || c.commitment === commitment)).reduce((sum, c) => sum + c.amountFen, 0);

/** A Beijing Lianjia listing owned by O1, maintained by agent A7. */
export function listing(listingId = "L1", options: { at?: string; ownerId?: string; agentId?: string; askingPriceFen?: number; city?: string; brand?: string } = {}): Envelope {
  return ev("listing.published", options.at ?? "2026-03-01T10:00:00+08:00", {
    listingId, ownerId: options.ownerId ?? "O1", agentId: options.agentId ?? "A7", communityId: "C1", layout: "2室1厅", areaSqm: 81.1,
    askingPriceFen: options.askingPriceFen ?? 598_000_000,
  }, { city: options.city, brand: options.brand });
}

/** A deal signed at `at` in a city: buyer B1, seller S1 (the owner), 5,000,000 CNY, commission 100,000 CNY. */
export function signedDeal(dealId = "D1", options: { at?: string; city?: string; brand?: string; listingId?: string; priceFen?: number } = {}): Envelope {
  return ev("deal.signed", options.at ?? "2026-03-02T10:00:00+08:00", {
    dealId, listingId: options.listingId ?? "L1", buyerId: "B1", sellerId: "S1", priceFen: options.priceFen ?? 500_000_000, commissionFen: 10_000_000,
  }, { city: options.city, brand: options.brand });
}

export const accountBalance = (s: Snapshot, name: string) => s.ledger.accounts.find((a) => a.name === name)?.balanceFen ?? 0;

/** A person's decision on a claim, as the command event the service writes. */
export function decide(type: "claim.approved" | "claim.rejected" | "claim.voided", claimId: string, role: string, at: string, where: { city?: string; brand?: string } = {}): Envelope {
  return ev(type, at, { claimId, actorId: `${role}-1`, role, reason: "checked the evidence" }, where);
}
