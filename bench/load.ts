// Check latency at a fixed request rate over loopback, from a load generator in a process of its
// own: wrk (Debian's package, in C) when it is installed, autocannon otherwise. On this 2-core
// machine the generator shares the cores with the server, and a generator in Node adds its own
// pauses: a do-nothing Node HTTP server measured p99 26–34 ms under autocannon and 4 ms under wrk.
import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const connections = 16;

export interface Latency {
  generator: "wrk" | "autocannon";
  p50: number;
  p99: number;
  requestsPerSecond: number;
  failures: number;
}

/** A 3-second warm-up (the server's compiler) is run and discarded before the measured run. */
export async function latencyAt(url: string, key: string, body: object, rate: number, seconds: number): Promise<Latency> {
  await measure(url, key, body, rate, 3);
  return measure(url, key, body, rate, seconds);
}

function measure(url: string, key: string, body: object, rate: number, seconds: number): Promise<Latency> {
  wrkInstalled ??= hasWrk();
  return wrkInstalled ? wrk(url, key, body, rate, seconds) : autocannon(url, key, body, rate, seconds);
}

let wrkInstalled: boolean | undefined;

function hasWrk(): boolean {
  try {
    execFileSync("wrk", ["--version"], { stdio: "ignore" });
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== "ENOENT"; // `wrk --version` exits 1 after printing it
  }
}

/**
 * wrk has no fixed rate of its own: each connection waits between its requests, on average
 * connections/rate. The waits are drawn from an exponential distribution, so that the requests
 * arrive as a Poisson process, as from many independent callers. With a fixed wait the
 * connections stay in step and send bursts of 16 requests (measured on the same server, in paired
 * runs: p99 3.1–7.6 ms with fixed waits, 1.3–4.6 ms with drawn ones).
 */
async function wrk(url: string, key: string, body: object, rate: number, seconds: number): Promise<Latency> {
  const script = join(mkdtempSync(join(tmpdir(), "anxin-wrk-")), "paced.lua");
  writeFileSync(script, [
    `wrk.method = "POST"`, `wrk.headers["content-type"] = "application/json"`, `wrk.headers["authorization"] = "Bearer ${key}"`,
    `wrk.body = ${JSON.stringify(JSON.stringify(body))}`,
    // Each thread has its own Lua state: seeded by an address in it, so that threads draw differently.
    `math.randomseed(tonumber(tostring({}):match("(%x+)$"), 16) % 2147483647)`,
    `function delay() return math.floor(-${(connections * 1000) / rate} * math.log(1 - math.random())) end`,
  ].join("\n"));
  const { stdout } = await run("wrk", ["-t2", `-c${connections}`, `-d${seconds}s`, "--latency", "-s", script, url]);
  const percentile = (p: string) => {
    const match = new RegExp(`^\\s+${p}%\\s+([\\d.]+)(us|ms|s)$`, "m").exec(stdout);
    if (match === null) throw new Error(`wrk printed no ${p}th percentile:\n${stdout}`);
    return Number(match[1]) * { us: 0.001, ms: 1, s: 1000 }[match[2] as "us" | "ms" | "s"];
  };
  const failures = Number(/Non-2xx or 3xx responses: (\d+)/.exec(stdout)?.[1] ?? 0)
    + (/Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(stdout)?.slice(1).reduce((sum, n) => sum + Number(n), 0) ?? 0);
  return { generator: "wrk", p50: percentile("50"), p99: percentile("99"), requestsPerSecond: Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)![1]), failures };
}

async function autocannon(url: string, key: string, body: object, rate: number, seconds: number): Promise<Latency> {
  const args = JSON.stringify({ url, key, body, rate, seconds, connections });
  const { stdout } = await run(process.execPath, [join(import.meta.dirname, "load-run.js"), args]);
  const result = JSON.parse(stdout) as { p50: number; p99: number; requests: number; non2xx: number; errors: number };
  return { generator: "autocannon", p50: result.p50, p99: result.p99, requestsPerSecond: result.requests / seconds, failures: result.non2xx + result.errors };
}
