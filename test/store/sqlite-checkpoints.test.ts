// A service's SQLite WAL is checkpointed by a worker thread, not inside its commits.
import { mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { builtCli } from "../../tools/serve-process.js";
import { openDatabase } from "../../src/store/database.js";
import { migrate } from "../../src/store/migrations.js";

describe("background WAL checkpoints on SQLite", () => {
  it("copies committed pages into the database file while commits do not, and stops on close", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "anxin-ckpt-")), "anxin.db");
    const database = openDatabase(`sqlite:${path}`, { backgroundCheckpoints: true });
    await migrate(database);
    const setting = await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(database.db);
    expect(setting.rows[0]!.wal_autocheckpoint).toBe(0);
    const before = statSync(path).size;
    const body = "x".repeat(2_000);
    await database.db.transaction().execute(async (trx) => {
      for (let i = 0; i < 4; i++) {
        await trx.insertInto("log").values(Array.from({ length: 500 }, (_, j) => ({ kind: "event" as const, event_id: `E${i}-${j}`, type: "showing.recorded", at: j, received_at: j, city: "beijing", brand: "lianjia", fingerprint: null, body }))).execute();
      }
    });
    expect(statSync(`${path}-wal`).size).toBeGreaterThan(4_000_000);
    const deadline = Date.now() + 10_000;
    while (statSync(path).size < before + 4_000_000 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(statSync(path).size).toBeGreaterThan(before + 4_000_000);
    await database.close();
  });

  it("runs in a process whatever its flags, and lets it finish: the worker's connection is closed first", () => {
    const path = join(mkdtempSync(join(tmpdir(), "anxin-ckpt-")), "anxin.db");
    const database = new URL("../dist/src/store/database.js", `file://${builtCli()}`).href;
    const script = `const { openDatabase } = await import(${JSON.stringify(database)});
      const db = openDatabase(${JSON.stringify(`sqlite:${path}`)}, { backgroundCheckpoints: true });
      await db.close();
      console.log("closed");`;
    const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
    expect({ status: run.status, stdout: run.stdout, stderr: run.stderr }).toEqual({ status: 0, stdout: "closed\n", stderr: "" });
  });
});
