// What a caller may read and act on: the brands and cities of their account or API key, "*" for
// every one. Ids are chosen by each brand's systems, so a consumer's or an owner's id means a
// person only within their brand and city: their scope bounds what their id finds, too.
import type { Expression, ExpressionBuilder, SelectQueryBuilder, SqlBool } from "kysely";
import { placeOfFund } from "../domain/ledger.js";
import type { Integrator } from "../service/people.js";

export interface Scope {
  brands: readonly string[];
  cities: readonly string[];
}

export function scopeOfKey(integrator: Integrator): Scope {
  return { brands: [integrator.brand], cities: integrator.cities };
}

export function covers(scope: Scope, brand: string, city: string): boolean {
  return (scope.brands.includes("*") || scope.brands.includes(brand)) && (scope.cities.includes("*") || scope.cities.includes(city));
}

/** A fund is the platform's, which only those covering every brand and city may see or top up, or a brand's in a city (`brand:city`). */
export function coversFund(scope: Scope, fundId: string): boolean {
  const place = placeOfFund(fundId);
  return place === "platform" ? scopeCovers(scope) : covers(scope, place.brand, place.city);
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
