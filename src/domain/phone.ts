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

/** In any text, what may be a phone: 7 to 15 digits in a row (E.164's lengths), with or without a +. */
const phoneLike = /\+?\d{7,15}/g;

/** The text with whatever may be a phone in it replaced: for texts kept that no one checked (a rejected input, a parser's message). */
export function redactPhonesIn(text: string): string {
  return text.replace(phoneLike, "[redacted]");
}

function maskNational(national: string): string {
  if (national.length <= 7) return `${national.slice(0, 1)}****${national.slice(-2)}`;
  return `${national.slice(0, 3)}****${national.slice(-4)}`;
}
