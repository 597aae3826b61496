// Reads catalogue files: the bundled catalogue (catalogue/settings.yaml + catalogue/commitments/*.yaml)
// and drafts that extend it. Validation is the domain's; this module only reads.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { buildCatalogue, checkCatalogueFile, type CatalogueFile, type CatalogueProblem, type CatalogueResult } from "../domain/catalogue/index.js";

/** The catalogue/ folder shipped with Anxin, found from this module whether run from src/ or dist/. */
export function bundledCatalogueDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, "catalogue", "settings.yaml"))) return join(dir, "catalogue");
    dir = dirname(dir);
  }
  throw new Error("the bundled catalogue/ folder was not found");
}

type FileRead = { ok: true; file: CatalogueFile } | { ok: false; problems: CatalogueProblem[] };

export function readCatalogueFile(path: string): FileRead {
  let input: unknown;
  try {
    input = parse(readFileSync(path, "utf8"));
  } catch (error) {
    return { ok: false, problems: [{ path, message: (error as Error).message }] };
  }
  const checked = checkCatalogueFile(input);
  return checked.ok ? checked : { ok: false, problems: checked.problems.map((p) => ({ path: `${path}${p.path}`, message: p.message })) };
}

function readDir(dir: string): { files: CatalogueFile[]; problems: CatalogueProblem[] } {
  if (!existsSync(join(dir, "settings.yaml")) || !existsSync(join(dir, "commitments"))) {
    return { files: [], problems: [{ path: dir, message: "not a catalogue folder: it holds settings.yaml and commitments/*.yaml, as catalogue/ does" }] };
  }
  const paths = [join(dir, "settings.yaml"), ...readdirSync(join(dir, "commitments")).filter((f) => f.endsWith(".yaml")).sort().map((f) => join(dir, "commitments", f))];
  const files: CatalogueFile[] = [];
  const problems: CatalogueProblem[] = [];
  for (const path of paths) {
    const read = readCatalogueFile(path);
    if (read.ok) files.push(read.file);
    else problems.push(...read.problems);
  }
  return { files, problems };
}

/**
 * Loads a catalogue: the bundled one by default; a folder laid out like it; or one file, which
 * stands alone or, with `extends: bundled`, overrides versions of the bundled catalogue.
 */
export function loadCatalogue(path?: string): CatalogueResult {
  const target = resolve(path ?? bundledCatalogueDir());
  if (!existsSync(target)) return { ok: false, problems: [{ path: target, message: "no such file or folder" }] };
  if (statSync(target).isDirectory()) {
    const { files, problems } = readDir(target);
    return problems.length > 0 ? { ok: false, problems } : buildCatalogue(files);
  }
  const read = readCatalogueFile(target);
  if (!read.ok) return read;
  if (read.file.extends !== "bundled") return buildCatalogue([read.file]);
  const base = readDir(bundledCatalogueDir());
  return base.problems.length > 0 ? { ok: false, problems: base.problems } : buildCatalogue([...base.files, read.file]);
}
