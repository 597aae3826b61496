// Schemas several routes share, bounded so that no value a client sends reaches a query the store
// cannot run: each is refused as 400 naming its field instead.
import { Type } from "@sinclair/typebox";

/** A city or brand, as events write it (the contract's own schema). */
export { Slug } from "../domain/events/schema.js";

/**
 * A string that must be one of `values`: a filter with a typo is refused, naming the field and
 * the values it may take, rather than answered with an empty list.
 */
export function oneOf<T extends string>(values: readonly T[]) {
  return Type.Unsafe<T>({ type: "string", enum: [...values] });
}

/**
 * How many rows of a list to skip. Bounded by the largest integer a number holds exactly: beyond
 * it (1e30) SQLite refused the value and PostgreSQL's bigint overflowed, each a 500.
 */
export const Offset = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, default: 0 });

/** A position in the log (int8 in the store), bounded as Offset is. */
export const LogSeq = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER });
