// The pre-call check: may this agent call this phone for this purpose now?
// Only marketing calls need a current marketing_calls consent; the answer says why.
import type { PhoneFacts } from "./facts.js";
import type { PhoneHash } from "./phone.js";
import { formatInstant, type Instant } from "./time.js";

export type CallPurpose = "marketing" | "service" | "transaction";
export const callPurposes: readonly CallPurpose[] = ["marketing", "service", "transaction"];

export interface PreCallAnswer {
  decision: "allow" | "deny";
  reason: string;
  phoneMasked: string;
}

export function preCallCheck(phone: PhoneFacts | undefined, request: { purpose: CallPurpose; at: Instant; phoneMasked: string; commitmentLive: boolean }): PreCallAnswer {
  const { purpose, at, phoneMasked } = request;
  if (purpose !== "marketing") return { decision: "allow", reason: `a ${purpose} call needs no marketing consent`, phoneMasked };
  if (consentedAt(phone, at)) {
    const since = [...(phone?.changes ?? [])].reverse().find((c) => c.at <= at && c.granted)!;
    return { decision: "allow", reason: `marketing_calls consent current since ${formatInstant(since.at)}`, phoneMasked };
  }
  const revoked = [...(phone?.changes ?? [])].reverse().find((c) => c.at <= at && !c.granted);
  const why = revoked !== undefined ? `consent revoked at ${formatInstant(revoked.at)}` : "no marketing_calls consent on record";
  const stake = request.commitmentLive ? "; a call now would be a breach worth 100 CNY to the consumer (no-marketing-calls)" : "";
  return { decision: "deny", reason: `${why}${stake}`, phoneMasked };
}

/** A phone as a brand knows it. */
export type PhoneKey = `${string}/${PhoneHash}`;

export function phoneKeyOf(brand: string, phoneHash: PhoneHash): PhoneKey {
  return `${brand}/${phoneHash}`;
}

/** Whether a phone had a current marketing-calls consent at an instant. */
export function consentedAt(phone: PhoneFacts | undefined, at: Instant): boolean {
  let granted = false;
  for (const change of phone?.changes ?? []) {
    if (change.at > at) break;
    granted = change.granted;
  }
  return granted;
}
