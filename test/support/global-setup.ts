// Starts one throwaway PostgreSQL cluster for the whole suite (unless ANXIN_TEST_PG_URL names one),
// and gives the run a scratch directory for its stores, removed at the end.
import type { TestProject } from "vitest/node";
import { startCluster, type Cluster } from "../../tools/postgres-cluster.js";
import { useScratchDir } from "../../tools/scratch.js";

let cluster: Cluster | null = null;

export default async function setup(project: TestProject) {
  useScratchDir("anxin-test-");
  let url = process.env["ANXIN_TEST_PG_URL"] ?? null;
  if (url === null && process.env["ANXIN_TEST_ENGINES"] !== "sqlite") {
    cluster = await startCluster();
    url = cluster?.url ?? null;
    if (url === null && process.env["ANXIN_REQUIRE_PG"] === "1") throw new Error("PostgreSQL is required (ANXIN_REQUIRE_PG=1) but its binaries were not found");
    if (url === null) console.warn("PostgreSQL binaries not found: the PostgreSQL half of the suite is skipped (.ci/run installs them)");
  }
  project.provide("pgUrl", url);
  return () => cluster?.stop();
}

declare module "vitest" {
  export interface ProvidedContext {
    pgUrl: string | null;
  }
}
