// Phones are personal data: matched by keyed hash, shown masked, never kept in clear.
import { createHmac } from "node:crypto";
import { findPhoneNumbersInText, parsePhoneNumberFromString } from "libphonenumber-js/max";

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

/**
 * The text with whatever may be a phone in it replaced, the phones a search finds masked first:
 * for texts kept that no one checked (a rejected input, a parser's message).
 */
export function redactPhonesIn(text: string): string {
  return (maskPhonesIn(text) ?? text).replace(phoneLike, "[redacted]");
}

/** Seven digits (ASCII or full-width), with at most three other characters between each: only a text with such a run is searched (a search takes ~0.3 ms). */
const mayHoldPhone = /[0-9０-９](?:[^0-9０-９]{0,3}[0-9０-９]){6}/;
/** A Latin letter touching a digit or a +: the search passes over a number so written (wx13912345678, 13912345678abc). */
const letterTouchingNumber = /[A-Za-z](?=[+＋0-9０-９])|(?<=[0-9０-９])[A-Za-z]/g;

/**
 * The text with every phone number in it masked as a phone is shown (139****5678), numbers without
 * a + read in China's plan: an owner's message or a complaint is kept and shown, and may carry
 * "请回电 139 1234 5678" or "wx13912345678". Null when it holds none.
 */
export function maskPhonesIn(text: string): string | null {
  if (!mayHoldPhone.test(text)) return null;
  // Searched with such letters read as spaces: the same length, so the places found are the text's.
  const found = findPhoneNumbersInText(text.replace(letterTouchingNumber, " "), "CN");
  if (found.length === 0) return null;
  let masked = "";
  let from = 0;
  for (const { startsAt, endsAt, number } of found) {
    masked += text.slice(from, startsAt) + maskNational(number.nationalNumber);
    from = endsAt;
  }
  return masked + text.slice(from);
}

/**
 * A key that is only ever matched, never shown (an Idempotency-Key), as it may be kept: as sent,
 * or its keyed hash if it holds a phone ("topup-13912345678"). The same key keeps the same form.
 */
export function keptKey(key: string, phoneKey: string): string {
  return maskPhonesIn(key) === null ? key : `#${hashPhone(key, phoneKey)}`;
}

const mayStartPhone = /^[\s(（+＋0-9０-９]/;

/**
 * Whether an id is a phone number, however written (+86 139 1234 5678, full-width digits): a
 * mobile number of China's plan, or any valid number written with +.
 */
export function isPhoneNumber(id: string): boolean {
  const first = id.charCodeAt(0) | 0x20; // most ids start with a Latin letter: nothing more is done for them
  if ((first >= 0x61 && first <= 0x7a) || !mayStartPhone.test(id)) return false;
  const compact = id.normalize("NFKC").replace(/[\s\-.()]/g, "");
  if (!/^\+?\d{7,15}$/.test(compact)) return false;
  const parsed = parsePhoneNumberFromString(compact, "CN");
  return parsed !== undefined && parsed.isValid() && (compact.startsWith("+") || parsed.getType() === "MOBILE");
}

function maskNational(national: string): string {
  if (national.length <= 7) return `${national.slice(0, 1)}****${national.slice(-2)}`;
  return `${national.slice(0, 3)}****${national.slice(-4)}`;
}
