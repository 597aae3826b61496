// A throwaway PostgreSQL cluster for tests and benchmarks: initdb -A trust into a temp dir, pg_ctl on a free
// port on 127.0.0.1 with a temp socket dir, stopped and removed afterwards. As root, the server
// runs as the postgres user (initdb refuses root).
import pg from "pg";
import { execFileSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

export interface Cluster {
  url: string;
  stop(): void;
}

function binDir(): string | null {
  if (process.env["ANXIN_PG_BIN"] !== undefined) return process.env["ANXIN_PG_BIN"];
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, "bin", "initdb"))).sort((a, b) => Number(b) - Number(a));
  return versions.length === 0 ? null : join(root, versions[0]!, "bin");
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address !== null ? address.port : 0));
    });
  });
}

export async function startCluster(): Promise<Cluster | null> {
  const bin = binDir();
  if (bin === null) return null;
  const asRoot = process.getuid?.() === 0;
  const run = (command: string, args: string[]) =>
    asRoot ? execFileSync("runuser", ["-u", "postgres", "--", join(bin, command), ...args], { stdio: "pipe" }) : execFileSync(join(bin, command), args, { stdio: "pipe" });
  const dir = mkdtempSync(join(tmpdir(), "anxin-pg-"));
  if (asRoot) chownSync(dir, Number(execFileSync("id", ["-u", "postgres"]).toString().trim()), Number(execFileSync("id", ["-g", "postgres"]).toString().trim()));
  const data = join(dir, "data");
  run("initdb", ["-A", "trust", "-U", "postgres", "-D", data, "--no-sync", "-E", "UTF8"]);
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
  run("pg_ctl", ["-D", data, "-o", options, "-l", join(dir, "server.log"), "-w", "start"]);
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    try {
      run("pg_ctl", ["-D", data, "-m", "immediate", "stop"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  // A run that ends without stopping it (a failure, an interrupt) stops it on the way out, before
  // its scratch directory is removed (tools/scratch.ts).
  process.prependListener("exit", stop);
  return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, stop };
}

/** A new empty store for a benchmark: a SQLite file in a temp dir, or a new database on the cluster. */
export async function freshUrl(engine: "sqlite" | "postgres", adminUrl: string | null): Promise<string> {
  if (engine === "sqlite") return `sqlite:${join(mkdtempSync(join(tmpdir(), "anxin-bench-")), "anxin.db")}`;
  const name = `bench_${Math.random().toString(36).slice(2, 10)}`;
  const client = new pg.Client({ connectionString: adminUrl! });
  await client.connect();
  await client.query(`create database ${name}`);
  await client.end();
  return adminUrl!.replace(/\/postgres$/, `/${name}`);
}

/**
 * Removes a store freshUrl made, once a benchmark is done with it: left on the cluster, a database
 * of a baseline's rows is vacuumed by PostgreSQL while later figures are measured.
 */
export async function dropStore(url: string, adminUrl: string | null): Promise<void> {
  if (url.startsWith("sqlite:")) {
    rmSync(dirname(url.slice("sqlite:".length)), { recursive: true, force: true });
    return;
  }
  const client = new pg.Client({ connectionString: adminUrl! });
  await client.connect();
  await client.query(`drop database ${new URL(url).pathname.slice(1)}`);
  await client.end();
}
