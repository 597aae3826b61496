// docs/integration.md's curl examples, run in order against a started server.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { spawnServe } from "../support/process.js";

const doc = readFileSync(join(import.meta.dirname, "..", "..", "docs", "integration.md"), "utf8");
const blocks = [...doc.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);

describe("docs/integration.md", () => {
  it("every curl example runs and shows what it says", async () => {
    expect(blocks.length).toBeGreaterThanOrEqual(8);
    const receiver = createServer((request, response) => { request.resume(); request.on("end", () => { response.statusCode = 204; response.end(); }); });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    const dir = mkdtempSync(join(tmpdir(), "anxin-doc-"));
    // The receiver listens on this machine: a webhook to it is allowed only so (docs/service.md).
    const serve = await spawnServe({ ANXIN_DATABASE_URL: `sqlite:${join(dir, "anxin.db")}`, ANXIN_LOG: "off", ANXIN_WEBHOOKS_TO_PRIVATE: "allow" });
    try {
      const env = { ...process.env, ANXIN: serve.base, KEY: serve.apiKey!, RECEIVER: `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hooks` };
      for (const block of blocks) {
        const expected = /# expect: (.*)/.exec(block)?.[1];
        const output = execFileSync("bash", ["-euo", "pipefail", "-c", block], { env, encoding: "utf8" });
        if (expected !== undefined) expect(output, block).toContain(expected.trim());
      }
    } finally {
      await serve.kill("SIGTERM");
      receiver.close();
    }
  });
});
