// Fulfilment figures (domain.md, "Published fulfilment figures"): count and amount by commitment
// and period, split by remedy kind, recoveries, the fulfilment rate, and time from breach to payout.
import type { RemedyKind } from "../claims.js";
import { assert } from "../assert.js";
import { businessDate, msPerDay, type Instant } from "../time.js";

export const periods = ["day", "month", "year", "all"] as const;
export type Period = (typeof periods)[number];

export interface SettledClaim {
  commitment: string;
  city: string;
  brand: string;
  kind: RemedyKind;
  amountFen: number;
  breachAt: Instant;
  paidAt: Instant;
}

export interface Recovery {
  commitment: string;
  amountFen: number;
  at: Instant;
}

export interface FulfilmentRow {
  period: string;
  /** Null only in the one row of a period when no commitment had figures in the range. */
  commitment: string | null;
  /** payouts, advances, refunds, waivers, remedies (non-monetary, counted), recoveries */
  split: Record<RemedyKind | "recovery", { count: number; amountFen: number }>;
  count: number;
  amountFen: number;
}

export interface CommitmentRate {
  commitment: string;
  /** Breaches confirmed: claims whose breach fell in the period, not rejected or voided. */
  confirmed: number;
  paid: number;
  /** paid / confirmed, or null when nothing was confirmed. */
  rate: number | null;
  breachToPaymentHoursMedian: number | null;
  breachToPaymentHoursP90: number | null;
  /**
   * The same over the breaches a consumer reported, where reports are told apart (marketing calls:
   * "telemarketing complaints fulfilled 100%"); null elsewhere.
   */
  reported: { confirmed: number; paid: number; rate: number | null } | null;
}

/** The period an instant falls in, in business time: 2026-03-05, 2026-03, 2026, or "all". */
export function periodOf(at: Instant, period: Period): string {
  return period === "all" ? "all" : periodOfDay(businessDate(at), period);
}

/** The period a business day (YYYY-MM-DD) falls in. */
export function periodOfDay(day: string, period: Period): string {
  return period === "all" ? "all" : period === "day" ? day : period === "month" ? day.slice(0, 7) : day.slice(0, 4);
}

/** Every period a range [from, to) touches, in order: a report gives each a row, empty or not. */
export function periodsIn(range: { from: Instant; to: Instant }, period: Period): string[] {
  if (period === "all") return ["all"];
  if (range.to <= range.from) return [];
  if (period === "day") {
    const keys = new Set<string>();
    // Business days have no daylight saving: a day's step from any instant lands on the next day.
    for (let at = range.from; at < range.to; at += msPerDay) keys.add(periodOf(at, period));
    keys.add(periodOf(range.to - 1, period));
    return [...keys];
  }
  // Months and years counted, not walked day by day (a thousand years by year took seconds).
  const [firstYear, firstMonth] = businessDate(range.from).split("-").map(Number) as [number, number];
  const [lastYear, lastMonth] = businessDate(range.to - 1).split("-").map(Number) as [number, number];
  const keys: string[] = [];
  if (period === "year") {
    for (let year = firstYear; year <= lastYear; year++) keys.push(String(year));
    return keys;
  }
  for (let index = firstYear * 12 + firstMonth - 1; index <= lastYear * 12 + lastMonth - 1; index++) {
    keys.push(`${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, "0")}`);
  }
  return keys;
}

/** The nearest-rank percentile of sorted values; null for none. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const emptySplit = (): FulfilmentRow["split"] => ({
  payout: { count: 0, amountFen: 0 }, advance: { count: 0, amountFen: 0 }, refund: { count: 0, amountFen: 0 },
  waiver: { count: 0, amountFen: 0 }, remedy: { count: 0, amountFen: 0 }, recovery: { count: 0, amountFen: 0 },
});

/**
 * Paid claims and recoveries grouped by period and commitment; totals exclude recoveries (money back,
 * not out). Every period of the range has a row for each commitment with figures in the range (or
 * the one asked for), zero where it had none; a period of a range without any has one row whose
 * commitment is null.
 */
export function fulfilmentRows(
  paid: readonly SettledClaim[], recoveries: readonly Recovery[],
  options: { period: Period; range: { from: Instant; to: Instant }; commitment?: string | undefined },
): FulfilmentRow[] {
  const { period } = options;
  const commitments = [...new Set([...paid.map((c) => c.commitment), ...recoveries.map((r) => r.commitment), ...(options.commitment === undefined ? [] : [options.commitment])])].sort();
  const rows = new Map<string, FulfilmentRow>();
  for (const key of periodsIn(options.range, period)) {
    for (const commitment of commitments.length === 0 ? [null] : commitments) {
      rows.set(`${key}|${commitment}`, { period: key, commitment, split: emptySplit(), count: 0, amountFen: 0 });
    }
  }
  const row = (at: Instant, commitment: string) => {
    const found = rows.get(`${periodOf(at, period)}|${commitment}`);
    assert(found !== undefined, `${commitment} at ${at} is outside the report's range`);
    return found;
  };
  for (const claim of paid) {
    const r = row(claim.paidAt, claim.commitment);
    r.split[claim.kind].count++;
    r.split[claim.kind].amountFen += claim.amountFen;
    r.count++;
    r.amountFen += claim.amountFen;
  }
  for (const recovery of recoveries) {
    const r = row(recovery.at, recovery.commitment);
    r.split.recovery.count++;
    r.split.recovery.amountFen += recovery.amountFen;
  }
  return [...rows.values()];
}

export interface ConfirmedBreach {
  commitment: string;
  breachAt: Instant;
  /** When its claim was paid; null while unpaid. */
  paidAt: Instant | null;
  /** Whether a consumer's report opened the claim or named its beneficiary; null where not told apart. */
  reported: boolean | null;
}

/** Of the breaches confirmed in a period, the share paid, and hours from breach to payment. */
export function commitmentRates(confirmed: readonly ConfirmedBreach[]): CommitmentRate[] {
  const commitments = [...new Set(confirmed.map((c) => c.commitment))].sort();
  return commitments.map((commitment) => {
    const mine = confirmed.filter((c) => c.commitment === commitment);
    const hours = mine.flatMap((c) => (c.paidAt === null ? [] : [(c.paidAt - c.breachAt) / 3_600_000])).sort((a, b) => a - b);
    const reports = mine.filter((c) => c.reported === true);
    const reportsPaid = reports.filter((c) => c.paidAt !== null).length;
    return {
      commitment,
      confirmed: mine.length,
      paid: hours.length,
      rate: mine.length === 0 ? null : hours.length / mine.length,
      breachToPaymentHoursMedian: percentile(hours, 50),
      breachToPaymentHoursP90: percentile(hours, 90),
      reported: mine.every((c) => c.reported === null) ? null : { confirmed: reports.length, paid: reportsPaid, rate: reports.length === 0 ? null : reportsPaid / reports.length },
    };
  });
}
