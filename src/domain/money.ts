// Money is an integer number of fen (1 CNY = 100 fen), always a safe integer.
import { assert } from "./assert.js";

export type Fen = number;

export const fenPerYuan = 100;

export function assertFen(amountFen: Fen, what: string): Fen {
  assert(Number.isSafeInteger(amountFen), `${what} must be a safe integer of fen, got ${amountFen}`);
  return amountFen;
}

export function yuan(amountYuan: number): Fen {
  return assertFen(amountYuan * fenPerYuan, "yuan amount");
}

export function sumFen(amounts: Iterable<Fen>): Fen {
  let total = 0;
  for (const amount of amounts) total += amount;
  return assertFen(total, "sum");
}

export function capFen(amountFen: Fen, limitFen: Fen | null): Fen {
  return limitFen === null ? amountFen : Math.min(amountFen, limitFen);
}

/** 1234567 fen → "12345.67", by integer arithmetic. */
export function formatYuan(amountFen: Fen): string {
  const sign = amountFen < 0 ? "-" : "";
  const abs = Math.abs(amountFen);
  return `${sign}${Math.floor(abs / fenPerYuan)}.${String(abs % fenPerYuan).padStart(2, "0")}`;
}
