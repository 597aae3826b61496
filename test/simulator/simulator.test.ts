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

let year: SimEvent[] | undefined;
/** A Beijing year at scale 0.03, drawn once for the tests that need many of its rarer events. */
const aYear = () => (year ??= simulate({ days: 365, scale: 0.03, start: "2025-01-01" }));

const digest = (events: SimEvent[]) => createHash("sha256").update(events.map((e) => JSON.stringify(e)).join("\n")).digest("hex");
const ofType = (events: SimEvent[], type: string) => events.filter((e) => e.type === type);

describe("the real Beijing listing data", () => {
  it("is read whole: 16,108 listings, villas' rooms as their layout and their areas from price over unit price", () => {
    expect(seeds).toHaveLength(16_108);
    const csv = readFileSync(join(dataDir(), "lianjia-beijing", "house.csv"), "utf8");
    // 水郡长安: "联排别墅,6室2厅", 1,700万 at 59,362 a square metre.
    const villa = parseListings(csv).find((s) => s.community === "水郡长安" && s.askingPriceFen === 1_700 * 10_000 * 100);
    expect(villa).toMatchObject({ layout: "6室2厅", areaSqm: 286.38 });
    expect(seeds.filter((s) => /别墅/.test(s.layout))).toEqual([]);
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

  it("draws every listing from a real home: community, layout, area and asking price; never a parking space", () => {
    const real = new Set(seeds.map((s) => `${s.community}|${s.layout}|${s.areaSqm}|${s.askingPriceFen}`));
    const published = ofType(simulate(), "listing.published");
    expect(published.length).toBeGreaterThan(500);
    for (const e of published) expect(real.has(`${e.data["communityId"]}|${e.data["layout"]}|${e.data["areaSqm"]}|${e.data["askingPriceFen"]}`)).toBe(true);
    expect(published.filter((e) => e.data["layout"] === "车位")).toEqual([]);
  });

  it("opens on the stock a steady flow leaves standing: a year's first month sees as many showings as its last", () => {
    const showings = ofType(simulate({ days: 365, start: "2025-01-01" }), "showing.recorded");
    const inMonth = (month: string) => showings.filter((e) => e.occurredAt.startsWith(month)).length;
    expect(inMonth("2025-01") / inMonth("2025-12")).toBeGreaterThan(0.9);
    expect(inMonth("2025-01") / inMonth("2025-12")).toBeLessThan(1.1);
  });

  it("writes every deal's price proposals, one or two in the 48 hours before its signing", () => {
    const events = simulate({ days: 120 });
    const signed = ofType(events, "deal.signed");
    expect(signed.length).toBeGreaterThan(100);
    for (const deal of signed) {
      const signedAt = Date.parse(deal.occurredAt);
      const proposals = ofType(events, "deal.price_proposed").filter((e) => e.data["dealId"] === deal.data["dealId"]).map((e) => signedAt - Date.parse(e.occurredAt));
      expect(proposals.length).toBeGreaterThanOrEqual(1);
      expect(proposals.length).toBeLessThanOrEqual(2);
      for (const before of proposals) expect(before).toBeLessThanOrEqual(48 * 3_600_000);
    }
  });

  it("stops most deals the pre-signing check halts for their price (where it is live): they are never signed", () => {
    const s = run(simulate({ city: "wuhan", days: 365, scale: 0.03, start: "2025-01-01" }));
    const deviating = s.risks.filter((r) => r.rule === "price-deviation-48h");
    const stopped = deviating.filter((r) => r.signedAt === null);
    expect(deviating.length).toBeGreaterThan(5);
    expect(stopped.length / deviating.length).toBeGreaterThan(0.6);
  });

  it("calls a buyer for marketing only with their consent standing at the call, but for the few calls drawn without it", () => {
    const events = simulate({ days: 120, scale: 0.03 });
    const consent = new Map<unknown, boolean>();
    let calls = 0;
    let without = 0;
    for (const e of events) {
      if (e.type === "consent.granted") consent.set(e.data["phone"], true);
      if (e.type === "consent.revoked") consent.set(e.data["phone"], false);
      if (e.type !== "call.placed") continue;
      calls++;
      if (consent.get(e.data["phone"]) !== true) without++;
      const hour = Number(e.occurredAt.slice(11, 13));
      expect(hour >= 9 && hour < 20).toBe(true);
    }
    expect(calls).toBeGreaterThan(500);
    expect(without / calls).toBeLessThan(0.01);
  });

  it("has a new maintainer do the listing's work from the change on, while the listing is on the market", () => {
    const events = aYear();
    const changes = new Map<unknown, { at: number; from: unknown; to: unknown }>();
    for (const e of ofType(events, "listing.maintainer_changed")) changes.set(e.data["listingId"], { at: Date.parse(e.occurredAt), from: e.data["fromAgentId"], to: e.data["toAgentId"] });
    const worked = events.filter((e) => (e.type === "showing.recorded" || e.type === "owner.progress_reported") && changes.has(e.data["listingId"]));
    expect(changes.size).toBeGreaterThan(3);
    expect(worked.filter((e) => Date.parse(e.occurredAt) >= changes.get(e.data["listingId"])!.at).length).toBeGreaterThan(10);
    for (const e of worked) {
      const change = changes.get(e.data["listingId"])!;
      expect(e.data["agentId"]).toBe(Date.parse(e.occurredAt) >= change.at ? change.to : change.from);
    }
    const ended = new Map(events.filter((e) => e.type === "listing.delisted" || e.type === "deal.signed").map((e) => [e.data["listingId"], Date.parse(e.occurredAt)]));
    for (const [listingId, change] of changes) expect(change.at).toBeLessThan(ended.get(listingId) ?? Infinity);
  });

  it("names its ids by city, brand and seed, the same in a shorter run; two brands or cities of one seed live different histories", () => {
    const year = simulate({ days: 60 });
    const month = simulate({ days: 30 });
    expect(month).toEqual(year.slice(0, month.length));
    expect(month[0]!.id).toMatch(/^beijing-lianjia-7-\d+$/);
    const deyou = simulate({ brand: "deyou", days: 30 });
    expect(deyou.map((e) => e.data)).not.toEqual(month.map((e) => e.data));
    // Jinan and Shenyang: the same listing count and price level.
    const jinan = simulate({ city: "jinan", days: 30 });
    const shenyang = simulate({ city: "shenyang", days: 30 });
    const drawn = (events: SimEvent[]) => ofType(events, "listing.published").map((e) => `${e.data["layout"]}|${e.data["areaSqm"]}|${e.data["askingPriceFen"]}`);
    expect(drawn(jinan)).not.toEqual(drawn(shenyang));
    // Beijing's communities, resampled elsewhere, under the city's name.
    expect(ofType(jinan, "listing.published").every((e) => String(e.data["communityId"]).startsWith("jinan/"))).toBe(true);
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

  it("gives owners short Chinese remarks, negative ones with a reason a manager acts on, in hundreds of wordings", () => {
    const events = simulate({ days: 120, scale: 0.05 });
    const messages = ofType(events, "owner.message").map((e) => String(e.data["text"]));
    expect(messages.length).toBeGreaterThan(50);
    expect(messages.some((t) => /带看|反馈|降价|态度|回复/.test(t) && /少|没|不|差|慢/.test(t))).toBe(true);
    expect(messages.some((t) => /满意|专业|及时|很好/.test(t))).toBe(true);
    const texts = new Set(events.filter((e) => e.type === "owner.message" || e.type === "review.submitted" || e.type === "complaint.filed").map((e) => e.data["text"]));
    expect(texts.size).toBeGreaterThan(200);
  });

  it("has a complaint say what its category names", () => {
    const complaints = ofType(aYear(), "complaint.filed");
    const attitude = complaints.filter((c) => c.data["category"] === "attitude");
    expect(attitude.length).toBeGreaterThan(0);
    for (const e of attitude) expect(String(e.data["text"])).toMatch(/态度|不理人|迟到|语气/);
    // A buyer does not speak as an owner.
    for (const e of complaints) expect(String(e.data["text"])).not.toMatch(/作为业主|挂了|降价/);
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
