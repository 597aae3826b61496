// What a caller may read and act on: the brands and cities of their account or API key, "*" for
// every one. Ids are chosen by each brand's systems, so a consumer's or an owner's id means a
// person only within their brand and city: their scope bounds what their id finds, too.
import { placeOfFund } from "../domain/ledger.js";
import type { Integrator } from "../service/people.js";
import { scopeCovers, type Scope } from "../store/scope.js";

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
