// One autocannon measurement in a fresh process, so that the load generator's own pauses (a bench
// process holding its test data has a large heap) are not counted as the server's latency.
// Run by bench/load.ts when wrk is not installed: node dist/bench/load-run.js '{"url":…,"key":…,"body":…,"rate":500,"seconds":10,"connections":16}'
import autocannon from "autocannon";

const { url, key, body, rate, seconds, connections } = JSON.parse(process.argv[2]!) as { url: string; key: string; body: object; rate: number; seconds: number; connections: number };
const result = await autocannon({
  url, method: "POST", connections, overallRate: rate, duration: seconds,
  headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: JSON.stringify(body),
});
process.stdout.write(JSON.stringify({ p50: result.latency.p50, p99: result.latency.p99, requests: result.requests.total, non2xx: result.non2xx, errors: result.errors }));
