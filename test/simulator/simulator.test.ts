// The simulator: deterministic for a seed, in the public contract, drawn from the real listing data,
// at the rates that reproduce the published figures.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { dataDir } from "../../src/cli/simulate.js";
import { ageInDays, loadListings, parseListings } from "../../src/simulator/listings-data.js";
import { Simulation, type SimulationOptions } from "../../src/simulator/world.js";
import type { SimEvent } from "../../src/simulator/schedule.js";
import { run } from "../support/scenario.js";

const seeds = loadListings(dataDir());

function simulate(options: Partial<SimulationOptions> = {}): SimEvent[] {
  const simulation = new Simulation({ city: "beijing", brand: "lianjia", days: 60, seed: 7, scale: 0.01, start: "2025-03-01", ...options }, seeds);
  return [...simulation.days()].flat();
}

const digest = (events: SimEvent[]) => createHash("sha256").update(events.map((e) => JSON.stringify(e)).join("\n")).digest("hex");
const ofType = (events: SimEvent[], type: string) => events.filter((e) => e.type === type);

describe("the real Beijing listing data", () => {
  it("is read whole: 16,108 listings, villas' areas from price over unit price", () => {
    expect(seeds).toHaveLength(16_108);
    const csv = readFileSync(join(dataDir(), "lianjia-beijing", "house.csv"), "utf8");
    const villa = parseListings(csv).find((s) => s.layout.includes("别墅"));
    expect(villa).toBeDefined();
    expect(villa!.areaSqm).toBeGreaterThan(100);
    expect(new Set(seeds.map((s) => s.community)).size).toBe(3_287);
  });

  it("reads listing ages as written on the site", () => {
    expect([ageInDays("18天以前发布"), ageInDays("3个月以前发布"), ageInDays("一年前发布"), ageInDays("刚刚发布"), ageInDays("?")]).toEqual([18, 90, 365, 1, null]);
  });
});

describe("anxin simulate", () => {
  it("is deterministic for a seed and differs between seeds", () => {
    expect(digest(simulate())).toBe(digest(simulate()));
    expect(digest(simulate({ seed: 8 }))).not.toBe(digest(simulate()));
  });

  it("writes events in time order, each in the contract: a replay rejects none and balances", () => {
    const events = simulate({ days: 90, scale: 0.02 });
    const times = events.map((e) => Date.parse(e.occurredAt));
    expect(times.every((t, i) => i === 0 || t >= times[i - 1]!)).toBe(true);
    const s = run(events);
    expect(s.rejected).toEqual([]);
    expect(s.counts.accepted).toBe(events.length);
    expect(s.ledger.balanced).toBe(true);
    expect(s.claims.map((c) => c.commitment)).toEqual(expect.arrayContaining(["showing-feedback-48h", "commission-refund", "post-sale-rental-waiver"]));
  });

  it("draws every listing from a real one: community, layout, area and asking price", () => {
    const real = new Set(seeds.map((s) => `${s.community}|${s.layout}|${s.areaSqm}|${s.askingPriceFen}`));
    const published = ofType(simulate(), "listing.published");
    expect(published.length).toBeGreaterThan(500);
    for (const e of published) expect(real.has(`${e.data["communityId"]}|${e.data["layout"]}|${e.data["areaSqm"]}|${e.data["askingPriceFen"]}`)).toBe(true);
  });

  it("keeps feedback in time for about 99.9% of showings and custody for about 97.2% of deposits", () => {
    const events = simulate({ days: 120, scale: 0.05 });
    const s = run(events);
    const feedback = s.obligations.filter((o) => o.commitment === "showing-feedback-48h" && o.status !== "open");
    const kept = feedback.filter((o) => o.status === "fulfilled").length / feedback.length;
    expect(feedback.length).toBeGreaterThan(20_000);
    expect(kept).toBeGreaterThan(0.997);
    expect(kept).toBeLessThan(1);
    const deposits = ofType(events, "funds.deposited");
    const custody = deposits.filter((e) => e.data["custody"] === true).length / deposits.length;
    expect(custody).toBeGreaterThan(0.95);
    expect(custody).toBeLessThan(0.99);
  });

  it("gives owners short Chinese remarks, negative ones with a reason a manager acts on", () => {
    const messages = ofType(simulate({ days: 120, scale: 0.05 }), "owner.message").map((e) => String(e.data["text"]));
    expect(messages.length).toBeGreaterThan(50);
    expect(messages.some((t) => /带看|反馈|降价|态度|回复/.test(t) && /少|没|不|差|慢/.test(t))).toBe(true);
    expect(messages.some((t) => /满意|专业|及时|很好/.test(t))).toBe(true);
  });

  it("runs from the command line; an unknown city is a clear error", async () => {
    const chunks: string[] = [];
    const err: string[] = [];
    const io = { out: () => undefined, err: (t: string) => void err.push(t), interactive: false };
    expect(await main(["node", "anxin", "simulate", "--city", "beijing", "--days", "2", "--scale", "0.001", "--seed", "7"], io, async (c) => void chunks.push(c))).toBe(0);
    const lines = chunks.join("").trim().split("\n");
    expect(lines.length).toBeGreaterThan(10);
    expect(JSON.parse(lines[0]!)).toMatchObject({ city: "beijing", brand: "lianjia" });
    expect(await main(["node", "anxin", "simulate", "--city", "atlantis"], io, async () => undefined)).toBe(2);
    expect(err.join("")).toContain("no listing volume known for atlantis");
  });
});
