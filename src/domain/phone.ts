// Phones are personal data: matched by keyed hash, shown masked, never kept in clear.
import { createHmac } from "node:crypto";
import { parsePhoneNumberFromString } from "libphonenumber-js/max";

export type PhoneHash = string;

export interface PhoneIdentity {
  phoneHash: PhoneHash;
  /** e.g. 138****8000 */
  phoneMasked: string;
}

/** Null when the text is not a valid E.164 number of a real numbering plan. */
export function identifyPhone(e164: string, phoneKey: string): PhoneIdentity | null {
  const parsed = parsePhoneNumberFromString(e164);
  if (parsed === undefined || !parsed.isValid() || parsed.number !== e164) return null;
  return { phoneHash: hashPhone(e164, phoneKey), phoneMasked: maskNational(parsed.nationalNumber) };
}

export function hashPhone(e164: string, phoneKey: string): PhoneHash {
  return createHmac("sha256", phoneKey).update(e164).digest("hex").slice(0, 32);
}

function maskNational(national: string): string {
  if (national.length <= 7) return `${national.slice(0, 1)}****${national.slice(-2)}`;
  return `${national.slice(0, 3)}****${national.slice(-4)}`;
}
