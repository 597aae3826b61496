// JSON as Anxin takes it: any JSON text, but nested no deeper than `maxJsonDepth`. The contract's
// events nest four levels; the walks over a value (canonical.ts, accept.ts's whereFlawed) and
// JSON.stringify recurse, and 10 kB of brackets nest 5,000 levels, past the stack: until
// 2026-11-27 such a body was a 500, and such a line ended a replay.
import { redactPhonesIn } from "../phone.js";
import type { Rejection } from "./validate.js";

export const maxJsonDepth = 64;

export type ParsedJson = { ok: true; value: unknown } | { ok: false; error: string };

/** JSON.parse, with what it throws, or a value nested too deep, as the reason it is not taken. */
export function parseJson(text: string): ParsedJson {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    // V8's message quotes the text around the fault, which may hold a phone, and is kept with the rejection.
    return { ok: false, error: redactPhonesIn((error as Error).message) };
  }
  return nestsDeeperThan(value, maxJsonDepth) ? { ok: false, error: `nested deeper than ${maxJsonDepth} levels` } : { ok: true, value };
}

/** The rejection of a text that is not JSON Anxin takes, for the reason parseJson gave. */
export function notJson(error: string): Rejection {
  return { code: "invalid_json", message: `not JSON: ${error}`, field: "" };
}

/** Whether `value` nests deeper than `levels` (a scalar nests 0 levels, `[]` and `[1]` one). */
export function nestsDeeperThan(value: unknown, levels: number): boolean {
  if (value === null || typeof value !== "object") return false;
  if (levels === 0) return true;
  if (Array.isArray(value)) return value.some((item) => nestsDeeperThan(item, levels - 1));
  for (const key in value) if (nestsDeeperThan((value as Record<string, unknown>)[key], levels - 1)) return true;
  return false;
}
