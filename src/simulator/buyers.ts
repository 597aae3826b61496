// The buyers showings bring: a phone each, and their consent to marketing calls over time.
import type { Instant } from "../domain/time.js";
import type { Random } from "./random.js";

export interface Buyer {
  id: string;
  phone: string;
  /** Consent grants and revocations by time: calls are drawn day by day but fall out of time order. */
  consent: Array<{ at: Instant; granted: boolean }>;
}

/** Mobile prefixes in use in China, so that every simulated number is a valid E.164 number. */
const mobilePrefixes = ["130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153", "155", "156", "157", "158", "159", "180", "181", "182", "183", "185", "186", "187", "188", "189"];

export function newBuyer(random: Random, id: string): Buyer {
  return { id, phone: `+86${random.pick(mobilePrefixes)}${String(random.int(0, 99_999_999)).padStart(8, "0")}`, consent: [] };
}

/** Whether the buyer's consent stood at `at`. */
export function consentedAt(buyer: Buyer, at: Instant): boolean {
  let granted = false;
  for (const change of buyer.consent) if (change.at <= at) granted = change.granted;
  return granted;
}

export function recordConsent(buyer: Buyer, at: Instant, granted: boolean): void {
  buyer.consent.push({ at, granted });
  buyer.consent.sort((a, b) => a.at - b.at);
}
