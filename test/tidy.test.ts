// Tidy: the rules of the code base, checked mechanically (TigerBeetle's "tidy", in TypeScript).
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { ruleKinds } from "../src/domain/rules/index.js";
import { serveNodeFlags } from "../tools/serve-process.js";
import { bundled } from "./support/scenario.js";

const root = join(import.meta.dirname, "..");
const maxLines = 300;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith(".ts") ? [path] : [];
  });
}

const source = (dir: string) => files(join(root, dir)).map((path) => ({ path: relative(root, path), text: readFileSync(path, "utf8") }));

describe("tidy", () => {
  it("the domain and the engine never read the clock or draw random numbers", () => {
    const offenders = [...source("src/domain"), ...source("src/engine")].filter((f) => /Date\.now\(|new Date\(\)|Math\.random\(/.test(f.text)).map((f) => f.path);
    expect(offenders).toEqual([]);
  });

  it("the domain has no floating-point money: no parseFloat, no toFixed", () => {
    expect(source("src/domain").filter((f) => /parseFloat|toFixed\(/.test(f.text)).map((f) => f.path)).toEqual([]);
  });

  it(`no source file is over ${maxLines} lines`, () => {
    const long = source("src").filter((f) => f.text.split("\n").length > maxLines).map((f) => `${f.path}: ${f.text.split("\n").length}`);
    expect(long).toEqual([]);
  });

  it("every rule kind is used by the catalogue, and every commitment has its specification", () => {
    const used = new Set(bundled.versions.map((v) => v.rule.kind));
    expect(Object.keys(ruleKinds).filter((kind) => !used.has(kind as never))).toEqual([]);
    const specs = new Set(readdirSync(join(root, "test", "commitments")));
    const missing = [...new Set(bundled.versions.map((v) => v.commitment))].filter((id) => !specs.has(`${id}.test.ts`));
    expect(missing).toEqual([]);
  });

  it("the tests and benchmarks start `anxin serve` with Node's flags, as `npm start` does", () => {
    const scripts = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
    expect(scripts.start).toBe(`node ${serveNodeFlags.join(" ")} bin/anxin.js serve`);
  });
});
