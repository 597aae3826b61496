// Scale-out on PostgreSQL: ingest and deadline processing with 1, 2 and 4 `anxin serve`
// processes sharing one database. Run: npm run build && node dist/bench/scale-out.js [--quick]
import { cpus } from "node:os";
import pg from "pg";
import { startCluster } from "../tools/postgres-cluster.js";
import { spawnServe } from "../tools/serve-process.js";
import { useScratchDir } from "../tools/scratch.js";
import { postJson } from "./post.js";

useScratchDir("anxin-bench-");

const quick = process.argv.includes("--quick");

/** Showings entered long ago: every one is an overdue deadline the moment it is accepted. */
function overdueShowings(prefix: string, count: number): object[] {
  const events: object[] = [];
  const listings = Math.ceil(count / 20);
  for (let i = 0; i < listings; i++) events.push({ id: `${prefix}-L${i}`, type: "listing.published", occurredAt: "2025-06-01T10:00:00+08:00", city: "beijing", brand: "lianjia", data: { listingId: `${prefix}-L${i}`, ownerId: `O${i}`, agentId: "A7", communityId: "C1", layout: "2室1厅", areaSqm: 80, askingPriceFen: 500_000_000 } });
  for (let i = 0; i < count; i++) events.push({ id: `${prefix}-S${i}`, type: "showing.recorded", occurredAt: "2025-06-02T10:00:00+08:00", city: "beijing", brand: "lianjia", data: { showingId: `${prefix}-S${i}`, listingId: `${prefix}-L${i % listings}`, buyerId: "B", agentId: "A7" } });
  return events;
}

async function serve(url: string, tickMs: number) {
  const server = await spawnServe({ ANXIN_DATABASE_URL: url, ANXIN_PHONE_KEY: "scale-out-bench-key-0123456789", ANXIN_LOG: "off" }, ["--tick-ms", String(tickMs)]);
  return { base: server.base, key: server.apiKey, stop: () => server.kill("SIGTERM") };
}

async function paidClaims(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query<{ n: string }>("select count(*) as n from claims where status = 'paid'");
  await client.end();
  return Number(rows[0]!.n);
}

async function round(adminUrl: string, processes: number, events: number) {
  const name = `scale_${processes}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = adminUrl.replace(/\/postgres$/, `/${name}`);
  // The first process makes the schema and the demo key; the others join it.
  const servers = [await serve(url, 100)];
  for (let i = 1; i < processes; i++) servers.push(await serve(url, 100));
  const key = servers[0]!.key!;
  try {
    const batches: object[][] = [];
    const all = overdueShowings(`p${processes}`, events);
    for (let i = 0; i < all.length; i += 1000) batches.push(all.slice(i, i + 1000));
    const started = performance.now();
    let next = 0;
    await Promise.all(servers.map(async (server) => {
      while (next < batches.length) {
        const batch = batches[next++]!;
        await postJson(server.base, "/v1/events/batch", key, JSON.stringify({ events: batch }));
      }
    }));
    const ingestSeconds = (performance.now() - started) / 1000;
    const giveUpAt = performance.now() + 300_000;
    for (let paid = await paidClaims(url); paid < events; paid = await paidClaims(url)) {
      if (performance.now() > giveUpAt) throw new Error(`only ${paid} of ${events} claims paid after 5 minutes`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const allPaidSeconds = (performance.now() - started) / 1000;
    return { processes, ingestRate: all.length / ingestSeconds, allPaidSeconds };
  } finally {
    for (const server of servers) await server.stop();
  }
}

const cluster = await startCluster();
if (cluster === null) {
  console.log("PostgreSQL binaries not found: scale-out bench skipped");
} else {
  try {
    const events = quick ? 10_000 : 40_000;
    console.log(`machine: ${cpus()[0]?.model ?? "?"} × ${cpus().length}, node ${process.version}; ${events.toLocaleString("en-US")} overdue showings per round (each a deadline breached and a claim paid)`);
    console.log("processes   batched ingest ev/s   every deadline processed and paid after");
    for (const processes of [1, 2, 4]) {
      const result = await round(cluster.url, processes, events);
      console.log(`${String(processes).padStart(9)}   ${Math.round(result.ingestRate).toLocaleString("en-US").padStart(19)}   ${result.allPaidSeconds.toFixed(1).padStart(6)} s`);
    }
  } finally {
    cluster.stop();
  }
}
