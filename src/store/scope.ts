// The rows a scope covers, as SQL: a caller's brands and cities (api/scope.ts), "*" for every one.
import type { Expression, ExpressionBuilder, SelectQueryBuilder, SqlBool } from "kysely";

export interface Scope {
  brands: readonly string[];
  cities: readonly string[];
}

/** The rows of `table`, which has brand and city columns, that the scope covers. */
export function withinScope<Q extends SelectQueryBuilder<any, any, any>>(query: Q, scope: Scope, table: string): Q {
  return (scopeCovers(scope) ? query : query.where((eb) => rowsCovered(eb, scope, table)!)) as Q;
}

/** Whether the scope covers every brand and city. */
export function scopeCovers(scope: Scope): boolean {
  return scope.brands.includes("*") && scope.cities.includes("*");
}

/** The condition on `table`'s brand and city columns for the rows a scope covers; null for one that covers all. */
export function rowsCovered(eb: ExpressionBuilder<any, any>, scope: Scope, table: string): Expression<SqlBool> | null {
  const conditions: Array<Expression<SqlBool>> = [];
  if (!scope.brands.includes("*")) conditions.push(eb(`${table}.brand`, "in", scope.brands));
  if (!scope.cities.includes("*")) conditions.push(eb(`${table}.city`, "in", scope.cities));
  return conditions.length === 0 ? null : eb.and(conditions);
}
