// The real Beijing Lianjia listings (shared/data/lianjia-beijing/house.csv): the distributions
// the simulator resamples — community, layout, area, asking price, followers, showings, age.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "csv-parse/sync";

export interface ListingSeed {
  community: string;
  layout: string;
  areaSqm: number;
  askingPriceFen: number;
  followers: number;
  showings: number;
  /** Days on the market when scraped: the lifetime the simulator gives a listing drawn from it. */
  ageDays: number;
}

const followPattern = /^(\d+)人关注 \/ 共(\d+)次带看 \/ (.*)$/;

/** "18天以前发布" → 18, "3个月以前发布" → 90, "一年前发布" → 365, "刚刚发布" → 1. */
export function ageInDays(text: string): number | null {
  const days = /^(\d+)天以前发布$/.exec(text);
  if (days) return Number(days[1]);
  const months = /^(\d+)个月以前发布$/.exec(text);
  if (months) return 30 * Number(months[1]);
  if (text === "一年前发布") return 365;
  if (text === "刚刚发布") return 1;
  return null;
}

export function parseListings(csv: string): ListingSeed[] {
  const rows = parse(csv, { columns: true, skip_empty_lines: true }) as Array<Record<string, string>>;
  const seeds: ListingSeed[] = [];
  for (const row of rows) {
    const follow = followPattern.exec(row["followInfo"] ?? "");
    const ageDays = follow === null ? null : ageInDays(follow[3]!);
    const totalWan = Number(row["totalPrice"]);
    const unitYuan = Number(row["unitPrice"]);
    if (follow === null || ageDays === null || !(totalWan > 0) || !(unitYuan > 0)) continue;
    // Villas carry their kind (联排别墅) where the rooms should be and the rooms where the area
    // should be: their layout is those rooms, their area price / unit price.
    const square = /^([\d.]+)平米$/.exec(row["square"] ?? "");
    const areaSqm = square !== null ? Number(square[1]) : Math.round((totalWan * 10_000 * 100) / unitYuan) / 100;
    const layout = square === null && /室/.test(row["square"] ?? "") ? row["square"]! : (row["housetype"] ?? "");
    seeds.push({
      community: row["community"]!,
      layout,
      areaSqm,
      askingPriceFen: Math.round(totalWan * 10_000 * 100),
      followers: Number(follow[1]),
      showings: Number(follow[2]),
      ageDays: Math.max(1, ageDays),
    });
  }
  return seeds;
}

export function loadListings(dataDir: string): ListingSeed[] {
  return parseListings(readFileSync(join(dataDir, "lianjia-beijing", "house.csv"), "utf8"));
}
