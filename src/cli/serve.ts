// `anxin serve`: the HTTP service on SQLite (default, ./data/anxin.db) or PostgreSQL (ANXIN_DATABASE_URL).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { dirname } from "node:path";
import { buildServer } from "../api/server.js";
import { People } from "../service/people.js";
import { Service } from "../service/service.js";
import { deliverDue } from "../service/webhooks.js";
import { isPostgresUrl, openDatabase, type Database, type OpenOptions } from "../store/database.js";
import { migrate } from "../store/migrations.js";
import { catalogueOrFail } from "./replay.js";
import { CliError, integerSetting, type Io } from "./io.js";
import { repeating } from "./repeating.js";

export const defaultDatabaseUrl = "sqlite:./data/anxin.db";
export const systemClock = { now: () => Date.now() };
const deliveryIntervalMs = 500;

export interface ServeFlags {
  port?: string;
  host?: string;
  catalogue?: string;
  tickMs?: string;
}

/** The phone key: from ANXIN_PHONE_KEY, else a key file made once beside the database. */
export function phoneKeyOf(databaseUrl: string): string {
  const fromEnv = process.env["ANXIN_PHONE_KEY"];
  if (fromEnv !== undefined && fromEnv.length >= 16) return fromEnv;
  if (isPostgresUrl(databaseUrl)) throw new CliError("set ANXIN_PHONE_KEY (16+ characters) for a PostgreSQL deployment: every process must hash phones alike");
  const path = `${dirname(databaseUrl.replace(/^sqlite:/, ""))}/phone.key`;
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, randomBytes(32).toString("hex"), { mode: 0o600 });
  }
  return readFileSync(path, "utf8").trim();
}

/**
 * The configured database, opened and migrated. What stops it (an unknown scheme, a file that
 * cannot be opened, a server that cannot be reached) is said plainly, naming the URL without its
 * password (exit 2), rather than as a stack trace.
 */
export async function openConfigured(options: OpenOptions = {}): Promise<{ database: Database; url: string }> {
  const url = process.env["ANXIN_DATABASE_URL"] ?? defaultDatabaseUrl;
  let database: Database | null = null;
  try {
    database = openDatabase(url, options);
    await migrate(database);
    return { database, url };
  } catch (error) {
    await database?.close().catch(() => {});
    throw new CliError(`cannot open the database ${shown(url)}: ${(error as Error).message}`);
  }
}

/** A database URL as it may be shown: without its password. */
const shown = (url: string) => url.replace(/\/\/([^:/@]*):[^@]*@/, "//$1:***@");

export async function serveCommand(flags: ServeFlags, io: Io): Promise<number> {
  const port = integerSetting("--port (or $PORT)", flags.port ?? process.env["PORT"] ?? "3000", 0, 65_535);
  // NaN or 0 made setInterval tick every millisecond.
  const tickMs = integerSetting("--tick-ms (or $ANXIN_TICK_MS)", flags.tickMs ?? process.env["ANXIN_TICK_MS"] ?? "1000", 10, 3_600_000);
  const { database, url } = await openConfigured({ backgroundCheckpoints: true });
  const service = new Service({ database, catalogue: catalogueOrFail(flags.catalogue), phoneKey: phoneKeyOf(url), clock: systemClock });
  const started = await service.start();
  const people = new People(database.db, systemClock.now);
  const webhookHosts = process.env["ANXIN_WEBHOOKS_TO_PRIVATE"] === "allow" ? "private-allowed" : "public";
  const app = await buildServer({ service, people, now: systemClock.now, logger: process.env["ANXIN_LOG"] !== "off", webhookHosts });
  const host = flags.host ?? process.env["HOST"] ?? "127.0.0.1";
  let address: string;
  try {
    address = await app.listen({ port, host });
  } catch (error) {
    await app.close();
    await database.close();
    throw new CliError(`cannot listen on ${host}:${port}: ${(error as Error).message}`);
  }
  // One write, the docs line last: whoever waits for it (tests, scripts) has the credentials too.
  let text = `Anxin is serving ${address} on ${database.engine} (${started.replayed} log entries replayed, ${started.processed} deadlines processed on start)\n`;
  if (!(await people.hasUser("operator"))) {
    const password = randomBytes(12).toString("base64url");
    await people.addUser({ username: "operator", role: "operations", subjectId: "operator", cities: ["*"], brands: ["*"], password }, systemClock.now());
    const key = await people.addApiKey({ label: "demo integrator", brand: "lianjia", cities: ["*"] }, systemClock.now());
    text += `\nA demo operator was created (shown once):\n  curl -s -X POST ${address}/v1/sessions -H 'content-type: application/json' -d '{"username":"operator","password":"${password}"}'\n`;
    text += `and a demo integrator API key for lianjia, all cities:\n  ${key}\n\n`;
  }
  io.out(`${text}API docs: ${address}/docs   OpenAPI: ${address}/openapi.json\n`);
  // The sweep and the weekly reports apart: a city-year's week takes ~12 s, the sweep need not wait for it.
  const loops = [
    repeating(tickMs, () => service.sweep(), (error) => app.log.error({ err: error }, "deadline sweep failed; it will be retried")),
    repeating(tickMs, () => service.ownerReports(), (error) => app.log.error({ err: error }, "owners' weekly reports failed; they will be retried")),
    repeating(deliveryIntervalMs, () => deliverDue(database, systemClock.now, (message, fields) => app.log.info(fields, message), webhookHosts), (error) => app.log.error({ err: error }, "webhook delivery run failed; it will be retried")),
  ];
  const stop = async () => {
    await Promise.all([app.close(), ...loops.map((loop) => loop.stop())]);
    await database.close();
    process.exit(0);
  };
  process.once("SIGINT", () => void stop());
  process.once("SIGTERM", () => void stop());
  return new Promise<number>(() => undefined);
}
