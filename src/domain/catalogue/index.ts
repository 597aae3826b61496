// Validates catalogue files, merges drafts over the bundled catalogue, and answers
// "which version of which commitment applies to this city, brand and instant".
import { TypeCompiler } from "@sinclair/typebox/compiler";
import { startOfBusinessDate, type Instant } from "../time.js";
import { CatalogueFile, RuleSchemas, type RuleKindName, type Settings, type Tier, type VersionRecord } from "./schema.js";

export * from "./schema.js";

export interface Version extends VersionRecord {
  /** commitment@version: what a claim records as "the exact version". */
  key: string;
  fromAt: Instant;
  /** Exclusive end; Infinity when open-ended. */
  toAt: Instant;
}

export interface Catalogue {
  settings: Settings;
  versions: readonly Version[];
}

export interface CatalogueProblem {
  path: string;
  message: string;
}

export type CatalogueResult = { ok: true; catalogue: Catalogue } | { ok: false; problems: CatalogueProblem[] };

const fileCheck = TypeCompiler.Compile(CatalogueFile);
const ruleChecks = new Map(Object.entries(RuleSchemas).map(([kind, schema]) => [kind, TypeCompiler.Compile(schema)]));

export function checkCatalogueFile(input: unknown): { ok: true; file: CatalogueFile } | { ok: false; problems: CatalogueProblem[] } {
  if (fileCheck.Check(input)) return { ok: true, file: input };
  const problems = new Map<string, CatalogueProblem>();
  for (const e of fileCheck.Errors(input)) {
    // A rule fails the union of every kind as a whole: checked against its own kind, the field at fault is named.
    const kind = e.path.endsWith("/rule") ? (e.value as { kind?: unknown } | null)?.kind : undefined;
    const ruleCheck = typeof kind === "string" ? ruleChecks.get(kind) : undefined;
    const found = ruleCheck === undefined ? [{ path: e.path || "/", message: e.message }] : [...ruleCheck.Errors(e.value)].map((r) => ({ path: `${e.path}${r.path}`, message: r.message }));
    for (const problem of found) problems.set(`${problem.path} ${problem.message}`, problem);
  }
  return { ok: false, problems: [...problems.values()].slice(0, 20) };
}

/** Builds a catalogue from files in order: later versions with the same key replace earlier ones. */
export function buildCatalogue(files: readonly CatalogueFile[]): CatalogueResult {
  const problems: CatalogueProblem[] = [];
  let settings: Settings | undefined;
  const byKey = new Map<string, Version>();
  files.forEach((file, fileIndex) => {
    if (file.settings !== undefined) settings = file.settings;
    file.versions.forEach((record, index) => {
      const path = `/files/${fileIndex}/versions/${index}`;
      const version = toVersion(record, path, problems);
      if (version !== null) byKey.set(version.key, version);
    });
  });
  if (settings === undefined) problems.push({ path: "/settings", message: "no file gives the catalogue settings (funds, approval tiers)" });
  else problems.push(...checkTiers(settings));
  if (problems.length > 0 || settings === undefined) return { ok: false, problems };
  return { ok: true, catalogue: { settings, versions: [...byKey.values()] } };
}

function toVersion(record: VersionRecord, path: string, problems: CatalogueProblem[]): Version | null {
  const fromAt = startOfBusinessDate(record.effectiveFrom);
  const toAt = record.effectiveTo === undefined ? Infinity : startOfBusinessDate(record.effectiveTo);
  if (fromAt === null) problems.push({ path: `${path}/effectiveFrom`, message: `${record.effectiveFrom} is not a date` });
  if (toAt === null) problems.push({ path: `${path}/effectiveTo`, message: `${record.effectiveTo} is not a date` });
  if (fromAt !== null && toAt !== null && toAt <= fromAt) problems.push({ path: `${path}/effectiveTo`, message: "effectiveTo must be after effectiveFrom" });
  const wildcardBrand = record.scope.brands.includes("*");
  if (record.level === "platform" && !wildcardBrand) problems.push({ path: `${path}/scope/brands`, message: "a platform-level commitment applies to every brand: use [\"*\"]" });
  if (record.level === "brand" && wildcardBrand) problems.push({ path: `${path}/scope/brands`, message: "a brand-level commitment names its brands" });
  const standard = record.rule.kind === "complaint-clock" || record.rule.kind === "pre-signing-risk";
  if (standard !== (record.type === "standard")) problems.push({ path: `${path}/type`, message: `rule kind ${record.rule.kind} is a ${standard ? "standard" : "commitment"}` });
  const hours = record.rule.kind === "complaint-clock" ? record.rule.businessHours : undefined;
  if (hours !== undefined && hours.opens >= hours.closes) problems.push({ path: `${path}/rule/businessHours/closes`, message: "the hours close after they open, on the same day" });
  if (fromAt === null || toAt === null) return null;
  return { ...record, key: `${record.commitment}@${record.version}`, fromAt, toAt };
}

function checkTiers(settings: Settings): CatalogueProblem[] {
  const lists = [settings.approvalTiers.default, ...settings.approvalTiers.overrides.map((o) => o.tiers)];
  const bad = lists.some((tiers) => tiers.at(-1)!.maxFen !== null || tiers.slice(0, -1).some((t, i) => t.maxFen === null || (i > 0 && t.maxFen <= tiers[i - 1]!.maxFen!)));
  return bad ? [{ path: "/settings/approvalTiers", message: "tiers rise strictly and the last has no limit (maxFen: null)" }] : [];
}

export interface Where {
  city: string;
  brand: string;
  at: Instant;
}

export function inScope(version: Version, where: Where): boolean {
  return (
    version.status === "published" &&
    version.fromAt <= where.at &&
    where.at < version.toAt &&
    (version.scope.cities.includes("*") || version.scope.cities.includes(where.city)) &&
    (version.scope.brands.includes("*") || version.scope.brands.includes(where.brand))
  );
}

/** The versions that apply, one per commitment: where two overlap, the later effectiveFrom wins. */
export function applicableVersions(versions: readonly Version[], where: Where): Version[] {
  const chosen = new Map<string, Version>();
  for (const version of versions) {
    if (!inScope(version, where)) continue;
    const current = chosen.get(version.commitment);
    if (current === undefined || version.fromAt > current.fromAt) chosen.set(version.commitment, version);
  }
  return [...chosen.values()];
}

export function versionsOfKind<K extends RuleKindName>(versions: readonly Version[], kind: K): Array<Version & { rule: Extract<Version["rule"], { kind: K }> }> {
  return versions.filter((v): v is Version & { rule: Extract<Version["rule"], { kind: K }> } => v.rule.kind === kind);
}

export function tiersFor(settings: Settings, where: { city: string; brand: string }): readonly Tier[] {
  const override = settings.approvalTiers.overrides.find((o) => o.city === where.city && o.brand === where.brand);
  return override?.tiers ?? settings.approvalTiers.default;
}
