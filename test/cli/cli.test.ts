// The command line: catalogue listing and checking, replay (JSON of events.md, --until, --compare),
// and the clear errors of bad arguments.
import { execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import { createServer, type AddressInfo } from "node:net";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { ev, listing } from "../support/scenario.js";

const root = join(import.meta.dirname, "..", "..");

async function anxin(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(["node", "anxin", ...args], { out: (t) => void out.push(t), err: (t) => void err.push(t), interactive: false });
  return { code, out: out.join(""), err: err.join("") };
}

function file(lines: Array<object | string>): string {
  const path = join(mkdtempSync(join(tmpdir(), "anxin-cli-")), "events.ndjson");
  writeFileSync(path, lines.map((l) => (typeof l === "string" ? l : JSON.stringify(l))).join("\n") + "\n");
  return path;
}

const showing = ev("showing.recorded", "2026-03-02T15:20:00+08:00", { showingId: "S1", listingId: "L1", buyerId: "C9", agentId: "A7" });

describe("anxin catalogue", () => {
  it("lists what applies to a city, brand and date", async () => {
    const result = await anxin("catalogue", "--city", "beijing", "--brand", "lianjia", "--date", "2026-03-02");
    expect(result.code).toBe(0);
    expect(result.out).toContain("showing-feedback-48h@beijing-2025");
    expect(result.out).not.toContain("maintenance-loss");
    expect(result.out).toContain("11 version(s)");
  });

  it("checks a draft: valid exits 0; broken exits 1 naming the problem", async () => {
    for (const draft of ["no-marketing-calls-next-wave", "complaints-30124-business-hours"]) expect((await anxin("catalogue", "check", join(root, `catalogue/drafts/${draft}.yaml`))).code).toBe(0);
    const bad = join(mkdtempSync(join(tmpdir(), "anxin-cat-")), "bad.yaml");
    writeFileSync(bad, "extends: bundled\nversions:\n  - commitment: x\n    version: '1'\n");
    const result = await anxin("catalogue", "check", bad);
    expect(result.code).toBe(1);
    expect(result.err).toContain("/versions/0");
    // A folder not laid out as catalogue/ is a problem named, not a stack trace.
    const folder = mkdtempSync(join(tmpdir(), "anxin-cat-"));
    expect(await anxin("catalogue", "check", folder)).toMatchObject({ code: 1, err: expect.stringContaining(`${folder}: not a catalogue folder`) });
    expect(await anxin("replay", file([listing()]), "--catalogue", folder)).toMatchObject({ code: 2, err: expect.stringContaining("not a catalogue folder") });
  });
});

describe("anxin replay", () => {
  it("prints the JSON of events.md: claims, obligations, risks, rejected, ledger", async () => {
    const result = await anxin("replay", file([listing(), showing, "garbage"]), "--until", "2026-03-10T00:00:00+08:00", "--json");
    const json = JSON.parse(result.out);
    expect(json.claims).toMatchObject([{ commitment: "showing-feedback-48h", beneficiaryId: "O1", kind: "payout", amountFen: 10000, status: "paid" }]);
    expect(json.obligations).toMatchObject([{ commitment: "showing-feedback-48h", subjectId: "S1", dueAt: "2026-03-05T00:00:00+08:00", status: "breached" }]);
    expect(json.risks).toEqual([]);
    expect(json.rejected).toMatchObject([{ code: "invalid_json" }]);
    expect(json.ledger.balanced).toBe(true);
    expect(json.ledger.accounts.length).toBeGreaterThan(0);
  });

  it("without --until the clock stops at the last event", async () => {
    const json = JSON.parse((await anxin("replay", file([listing(), showing]), "--json")).out);
    expect(json.clock).toBe("2026-03-02T15:20:00+08:00");
    expect(json.obligations[0].status).toBe("open");
  });

  it("--compare tries the next-wave draft on a history: Zhengzhou calls become claims", async () => {
    const calls = [1, 2].map((i) => ev("call.placed", `2026-10-1${i}T10:00:00+08:00`, { callId: `K${i}`, phone: "+8613800138000", agentId: "A1", purpose: "marketing" }, { city: "zhengzhou" }));
    const result = await anxin("replay", file(calls), "--catalogue", join(root, "catalogue/drafts/no-marketing-calls-next-wave.yaml"), "--compare", "--json");
    expect(JSON.parse(result.out).compare).toEqual([
      { commitment: "no-marketing-calls", bundled: { claims: 0, amountFen: 0, paidFen: 0, breached: 0 }, draft: { claims: 2, amountFen: 20000, paidFen: 0, breached: 0 }, delta: { claims: 2, amountFen: 20000, paidFen: 0, breached: 0 } },
    ]);
  });

  it("--compare counts a standard's missed deadlines: 30124 on Shanghai's business hours misses none over a weekend", async () => {
    // Filed Friday 20:00, answered Saturday 10:00: on calendar time the answer and the solution (due 08:00) are late.
    const complaint = (type: string, at: string, data: object = {}) => ev(type, at, { complaintId: "CP1", ...data }, { city: "shanghai" });
    const history = [complaint("complaint.filed", "2026-03-06T20:00:00+08:00", { consumerId: "C5", category: "attitude", text: "没人回电话" }), complaint("complaint.responded", "2026-03-07T10:00:00+08:00")];
    const result = await anxin("replay", file(history), "--catalogue", join(root, "catalogue/drafts/complaints-30124-business-hours.yaml"), "--compare", "--json");
    expect(JSON.parse(result.out).compare).toEqual([
      { commitment: "complaints-30124", bundled: { claims: 0, amountFen: 0, paidFen: 0, breached: 2 }, draft: { claims: 0, amountFen: 0, paidFen: 0, breached: 0 }, delta: { claims: 0, amountFen: 0, paidFen: 0, breached: -2 } },
    ]);
  });

  it("a bad --until is a clear error with exit code 2", async () => {
    const result = await anxin("replay", file([listing()]), "--until", "next tuesday");
    expect(result.code).toBe(2);
    expect(result.err).toContain("--until must be RFC 3339");
  });

  it("--log refuses a file that is not an exported log, naming its first line that is not", async () => {
    const events = file([listing()]);
    expect(await anxin("replay", "--log", events)).toMatchObject({ code: 2, err: `anxin: ${events}:1 is not a log entry of anxin log export\n` });
    const empty = await anxin("replay", "--log", file([]));
    expect(empty).toMatchObject({ code: 0, out: expect.stringContaining("claims       0\n") });
  });

  it("a path that is no file is a clear error with exit code 2", async () => {
    expect(await anxin("replay", tmpdir())).toMatchObject({ code: 2, err: expect.stringContaining(`cannot read ${tmpdir()}: not a file`) });
    expect(await anxin("replay", join(tmpdir(), "no-such-history.ndjson"))).toMatchObject({ code: 2, err: expect.stringContaining("cannot read") });
  });

  it("says its version", async () => {
    const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string };
    expect(await anxin("--version")).toEqual({ code: 0, out: `${version}\n`, err: "" });
  });

  it("the built command runs as `anxin replay` from a shell", () => {
    const out = execFileSync(process.execPath, [join(root, "bin", "anxin.js"), "replay", file([listing(), showing]), "--until", "2026-03-06T00:00:00+08:00"], { encoding: "utf8" });
    expect(out).toContain("claims       1 (1 paid)");
    expect(out).toContain("ledger       balanced");
  });
});

describe("anxin simulate", () => {
  it("stops quietly when its reader has read enough (anxin simulate … | head)", async () => {
    const child = spawn(process.execPath, [join(root, "bin", "anxin.js"), "simulate", "--city", "beijing", "--days", "365", "--scale", "0.01"], { stdio: ["ignore", "pipe", "pipe"] });
    let err = "";
    child.stderr.on("data", (chunk: Buffer) => { err += chunk.toString(); });
    const [first] = (await once(child.stdout, "data")) as [Buffer];
    expect(child.exitCode).toBeNull(); // still writing when its reader goes
    child.stdout.destroy();
    const [code] = (await once(child, "exit")) as [number];
    expect(JSON.parse(first.toString().split("\n")[0]!)).toMatchObject({ type: "listing.published" });
    expect({ code, err }).toEqual({ code: 0, err: "" });
  });

  it("refuses a scale whose world would not fit in memory, before drawing it", async () => {
    expect(await anxin("simulate", "--city", "beijing", "--days", "1", "--scale", "100")).toMatchObject({ code: 2, err: expect.stringContaining("--scale must be at most 10") });
    expect(await anxin("simulate", "--city", "beijing", "--days", "0")).toMatchObject({ code: 2, err: expect.stringContaining("--days must be a positive integer") });
  });

  it("refuses a seed the generator would cut, a brand events cannot name, and days past the contract's last year", async () => {
    for (const seed of ["4294967303", "-1", "", "1.5"]) {
      expect(await anxin("simulate", "--city", "beijing", "--days", "1", "--seed", seed)).toMatchObject({ code: 2, err: expect.stringContaining("--seed must be an integer from 0 to 4294967295") });
    }
    expect(await anxin("simulate", "--city", "beijing", "--days", "1", "--brand", "Bad Brand")).toMatchObject({ code: 2, err: expect.stringContaining("--brand") });
    expect(await anxin("simulate", "--city", "beijing", "--days", "60", "--start", "2999-12-01")).toMatchObject({ code: 2, err: expect.stringContaining("run past 2999") });
    expect(await anxin("simulate", "--city", "beijing", "--days", "1000000000", "--scale", "0.00001")).toMatchObject({ code: 2, err: expect.stringContaining("run past 2999") });
  });
});

describe("a database that cannot be opened, or a port taken", () => {
  const withDatabase = async (url: string, run: () => Promise<void>) => {
    const before = process.env["ANXIN_DATABASE_URL"];
    process.env["ANXIN_DATABASE_URL"] = url;
    try {
      await run();
    } finally {
      if (before === undefined) delete process.env["ANXIN_DATABASE_URL"];
      else process.env["ANXIN_DATABASE_URL"] = before;
    }
  };
  const report = () => anxin("report", "fulfilment", "--from", "2026-01-01", "--to", "2026-02-01");

  it("is said plainly with exit code 2, naming the URL without its password", async () => {
    await withDatabase("mysql://anxin/db", async () => {
      expect(await report()).toMatchObject({ code: 2, err: "anxin: cannot open the database mysql://anxin/db: a database URL is sqlite:PATH or postgres://…\n" });
    });
    await withDatabase(`sqlite:${tmpdir()}`, async () => {
      expect(await report()).toMatchObject({ code: 2, err: expect.stringContaining(`anxin: cannot open the database sqlite:${tmpdir()}: `) });
    });
    await withDatabase("postgres://anxin:secret@127.0.0.1:1/anxin", async () => {
      const result = await anxin("keys", "add", "--label", "x", "--brand", "lianjia", "--cities", "*");
      expect(result).toMatchObject({ code: 2, err: expect.stringContaining("anxin: cannot open the database postgres://anxin:***@127.0.0.1:1/anxin: connect ECONNREFUSED") });
      expect(result.err).not.toContain("secret");
    });
  });

  it("anxin users add adds a person, and refuses a phone number as a username or subject, which would be kept in clear", async () => {
    await withDatabase(`sqlite:${join(mkdtempSync(join(tmpdir(), "anxin-users-")), "anxin.db")}`, async () => {
      const add = (...args: string[]) => anxin("users", "add", "--role", "consumer", "--password", "correct horse battery", ...args);
      // A consumer's id is one brand's: an account over every brand would name other people too.
      expect(await add("--username", "owner-o1", "--subject", "O1")).toMatchObject({ code: 2, err: expect.stringContaining("a consumer belongs to one brand") });
      expect(await add("--username", "owner-o1", "--subject", "O1", "--brands", "lianjia")).toMatchObject({ code: 0, out: "user owner-o1 (consumer) added\n" });
      for (const args of [["--username", "13912345678", "--brands", "lianjia"], ["--username", "owner-o2", "--subject", "+8613912345678", "--brands", "lianjia"]]) {
        expect(await add(...args)).toMatchObject({ code: 2, err: "anxin: a username or subject that is a phone number would be kept in clear: use the person's id\n" });
      }
    });
  });

  it("anxin keys add and users add refuse a scope no event can match; serve refuses a port or tick that is no number; log export says what it cannot write", async () => {
    await withDatabase(`sqlite:${join(mkdtempSync(join(tmpdir(), "anxin-admin-")), "anxin.db")}`, async () => {
      expect(await anxin("keys", "add", "--label", "crm", "--brand", "Lianjia")).toMatchObject({ code: 2, err: expect.stringContaining(`brand: "Lianjia" is not a name as events write it`) });
      expect(await anxin("keys", "add", "--label", "crm", "--brand", "lianjia", "--cities", "")).toMatchObject({ code: 2, err: expect.stringContaining("give the cities") });
      expect(await anxin("keys", "add", "--label", "crm", "--brand", "lianjia", "--cities", "beijing,shanghai")).toMatchObject({ code: 0, out: expect.stringMatching(/^ak_/) });
      const user = await anxin("users", "add", "--username", "li", "--role", "agent", "--password", "correct horse battery", "--cities", "Beijing");
      expect(user).toMatchObject({ code: 2, err: expect.stringContaining(`cities: "Beijing"`) });
      for (const [flag, value] of [["--port", "abc"], ["--port", "99999"], ["--port", "1e3"], ["--tick-ms", "0"], ["--tick-ms", "fast"]] as const) {
        expect(await anxin("serve", flag, value)).toMatchObject({ code: 2, err: expect.stringContaining(`${flag} (or $`) });
      }
      expect(await anxin("report", "fulfilment", "--from", "2026-01-01", "--to", "2026-02-01", "--city", "Beijing")).toMatchObject({ code: 2, err: expect.stringContaining(`city: "Beijing" is not a name as events write it`) });
      const unwritable = join(tmpdir(), "no-such-folder-anxin", "log.ndjson");
      expect(await anxin("log", "export", unwritable)).toMatchObject({ code: 2, err: expect.stringContaining(`anxin: cannot write ${unwritable}: ENOENT`) });
    });
  });

  it("a port already taken stops anxin serve with exit code 2", async () => {
    const taken = createServer().listen(0, "127.0.0.1");
    await once(taken, "listening");
    const { port } = taken.address() as AddressInfo;
    try {
      await withDatabase(`sqlite:${join(mkdtempSync(join(tmpdir(), "anxin-port-")), "anxin.db")}`, async () => {
        expect(await anxin("serve", "--port", String(port))).toMatchObject({ code: 2, err: expect.stringContaining(`anxin: cannot listen on 127.0.0.1:${port}: listen EADDRINUSE`) });
      });
    } finally {
      taken.close();
    }
  });
});
