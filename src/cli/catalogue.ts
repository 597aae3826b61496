// `anxin catalogue [--city C] [--brand B] [--date D]` and `anxin catalogue check FILE`
import { applicableVersions, type Version } from "../domain/catalogue/index.js";
import { startOfBusinessDate } from "../domain/time.js";
import { loadCatalogue } from "../store/catalogue-files.js";
import { catalogueOrFail } from "./replay.js";
import { CliError, type Io } from "./io.js";

export interface ListFlags {
  city?: string;
  brand?: string;
  date?: string;
  catalogue?: string;
  json?: boolean;
}

function versionView(v: Version) {
  return {
    commitment: v.commitment, version: v.key, status: v.status, level: v.level, type: v.type, name: v.name,
    scope: v.scope, effectiveFrom: v.effectiveFrom, effectiveTo: v.effectiveTo ?? null, rule: v.rule,
  };
}

/** Lists what applies to a city, brand and date; with none given, every version. */
export function listCommand(flags: ListFlags, io: Io): number {
  const catalogue = catalogueOrFail(flags.catalogue);
  let versions: readonly Version[] = catalogue.versions;
  if (flags.city !== undefined || flags.brand !== undefined || flags.date !== undefined) {
    if (flags.city === undefined || flags.brand === undefined) throw new CliError("give --city and --brand (and optionally --date, default today is not assumed: give it)");
    if (flags.date === undefined) throw new CliError("give --date YYYY-MM-DD: the catalogue answers for a date, not for the wall clock");
    const at = startOfBusinessDate(flags.date);
    if (at === null) throw new CliError(`--date must be YYYY-MM-DD, got ${flags.date}`);
    versions = applicableVersions(catalogue.versions, { city: flags.city, brand: flags.brand, at });
  }
  const sorted = [...versions].sort((a, b) => (a.key < b.key ? -1 : 1));
  if (flags.json) {
    io.out(`${JSON.stringify(sorted.map(versionView), null, 2)}\n`);
    return 0;
  }
  for (const v of sorted) {
    const scope = `${v.scope.cities.join(",")} / ${v.scope.brands.join(",")}`;
    io.out(`${v.key.padEnd(40)} ${v.status.padEnd(9)} ${v.level.padEnd(8)} ${v.rule.kind.padEnd(21)} from ${v.effectiveFrom}  ${scope.padEnd(40)} ${v.name.zh}\n`);
  }
  io.out(`${sorted.length} version(s)\n`);
  return 0;
}

export function checkCommand(file: string, io: Io): number {
  const loaded = loadCatalogue(file);
  if (!loaded.ok) {
    io.err(`${file}: not a valid catalogue\n${loaded.problems.map((p) => `  ${p.path}: ${p.message}`).join("\n")}\n`);
    return 1;
  }
  const drafts = loaded.catalogue.versions.filter((v) => v.status === "draft").length;
  io.out(`${file}: valid, ${loaded.catalogue.versions.length} versions (${drafts} draft)\n`);
  return 0;
}
