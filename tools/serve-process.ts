// A real `anxin serve` child process (the built CLI), for tests and benchmarks: its URL, the demo
// credentials it prints on a fresh database, its output, and a way to kill it.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";

/** The project root, from tools/ in the source tree or dist/tools/ in the build. */
const root = import.meta.dirname.includes("/dist/") ? join(import.meta.dirname, "..", "..") : join(import.meta.dirname, "..");

export interface ServeProcess {
  base: string;
  child: ChildProcess;
  output(): string;
  password: string | null;
  apiKey: string | null;
  kill(signal: NodeJS.Signals): Promise<void>;
}

export function builtCli(): string {
  const cli = join(root, "bin", "anxin.js");
  if (!existsSync(join(root, "dist", "src", "cli", "main.js"))) throw new Error("run `npx tsc -p .` first: the process tests start the built CLI");
  return cli;
}

/**
 * Node's flags for `anxin serve`, as `npm start` runs it (package.json): a young generation of
 * 32 MiB a semi-space, not 16; in steady state, batched ingest on PostgreSQL took 1.04–1.15× the
 * events a second with it (seven pairs), SQLite 0.95–1.05× (docs/service.md).
 */
export const serveNodeFlags = ["--max-semi-space-size=32"];

export async function spawnServe(env: Record<string, string>, args: string[] = []): Promise<ServeProcess> {
  const child = spawn(process.execPath, [...serveNodeFlags, builtCli(), "serve", "--port", "0", ...args], { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => { output += chunk.toString(); });
  child.stderr!.on("data", (chunk: Buffer) => { output += chunk.toString(); });
  // A run that ends before stopping it (a failure, an interrupt) takes it along.
  const orphaned = () => child.kill("SIGKILL");
  process.once("exit", orphaned);
  const exited = new Promise<void>((resolve) => child.once("exit", () => {
    process.off("exit", orphaned);
    resolve();
  }));
  const deadline = 20_000;
  // The service writes its URL, any demo credentials and then the docs line, in that order.
  for (let waited = 0; !/API docs: /.test(output); waited += 50) {
    if (waited > deadline || child.exitCode !== null) throw new Error(`anxin serve did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    base: /Anxin is serving (\S+)/.exec(output)![1]!,
    child,
    output: () => output,
    password: /"password":"([^"]+)"/.exec(output)?.[1] ?? null,
    apiKey: /(ak_[A-Za-z0-9_-]+)/.exec(output)?.[1] ?? null,
    async kill(signal) {
      if (child.exitCode === null) child.kill(signal);
      await exited;
    },
  };
}

export async function post(base: string, path: string, body: unknown, token: string, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const response = await fetch(`${base}${path}`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, body: text === "" ? null : JSON.parse(text) };
}

export async function get(base: string, path: string, token: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, body: await response.json() };
}
