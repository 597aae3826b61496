// One suite, two engines: each store/API test runs on SQLite and on PostgreSQL.
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { inject } from "vitest";
import type { EngineName } from "../../src/store/database.js";

export const engines: EngineName[] = inject("pgUrl") === null ? ["sqlite"] : ["sqlite", "postgres"];

/** A fresh, empty database of the engine: a temp SQLite file, or a new PostgreSQL database. */
export async function freshDatabaseUrl(engine: EngineName): Promise<string> {
  if (engine === "sqlite") return `sqlite:${join(mkdtempSync(join(tmpdir(), "anxin-test-")), "anxin.db")}`;
  const adminUrl = inject("pgUrl")!;
  const name = `anxin_${randomBytes(6).toString("hex")}`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  await client.query(`create database ${name}`);
  await client.end();
  return adminUrl.replace(/\/postgres$/, `/${name}`);
}
