// A real started server on a fresh database of one engine, with a clock the test moves.
import { expect } from "vitest";
import { buildServer } from "../../src/api/server.js";
import type { Catalogue } from "../../src/domain/catalogue/index.js";
import { People, type Role } from "../../src/service/people.js";
import { Service } from "../../src/service/service.js";
import { openDatabase, type EngineName } from "../../src/store/database.js";
import { freshDatabaseUrl } from "./engines.js";
import { at, bundled, phoneKey } from "./scenario.js";

export interface TestClock {
  now(): number;
  set(text: string): void;
}

export function testClock(start: string): TestClock {
  let current = at(start);
  return { now: () => current, set: (text) => { current = at(text); } };
}

export interface Running {
  base: string;
  databaseUrl: string;
  service: Service;
  clock: TestClock;
  apiKey: string;
  /** Sends JSON with the integrator key, or the given token. */
  call(method: string, path: string, body?: unknown, options?: { token?: string; headers?: Record<string, string> }): Promise<{ status: number; body: any }>;
  login(username: string): Promise<string>;
  restart(): Promise<Running>;
  close(): Promise<void>;
}

export const testUsers: Array<{ username: string; role: Role; subjectId: string; cities?: string[]; brands?: string[] }> = [
  { username: "owner-o1", role: "consumer", subjectId: "O1", brands: ["lianjia"] },
  { username: "consumer-c5", role: "consumer", subjectId: "C5", brands: ["lianjia"] },
  { username: "agent-a7", role: "agent", subjectId: "A7", brands: ["lianjia"] },
  { username: "manager", role: "store_manager", subjectId: "M1" },
  { username: "quality", role: "quality_officer", subjectId: "Q1" },
  { username: "quality-wuhan", role: "quality_officer", subjectId: "Q2", cities: ["wuhan"] },
  { username: "finance", role: "finance", subjectId: "F1" },
  { username: "operator", role: "operations", subjectId: "OP" },
];
export const testPassword = "correct horse battery";

export async function startApp(engine: EngineName, options: { start?: string; catalogue?: Catalogue; databaseUrl?: string; apiKey?: string; clock?: TestClock; sweepPart?: number; answerWithinMs?: number } = {}): Promise<Running> {
  const databaseUrl = options.databaseUrl ?? (await freshDatabaseUrl(engine));
  const database = openDatabase(databaseUrl, options.answerWithinMs === undefined ? {} : { answerWithinMs: options.answerWithinMs });
  const clock = options.clock ?? testClock(options.start ?? "2026-03-01T09:00:00+08:00");
  const service = new Service({ database, catalogue: options.catalogue ?? bundled, phoneKey, clock, ...(options.sweepPart === undefined ? {} : { sweepPart: options.sweepPart }) });
  await service.start();
  const people = new People(database.db, clock.now);
  let apiKey = options.apiKey;
  if (apiKey === undefined) {
    for (const user of testUsers) {
      await people.addUser({ ...user, cities: user.cities ?? ["*"], brands: user.brands ?? ["*"], password: testPassword }, clock.now());
    }
    apiKey = await people.addApiKey({ label: "test", brand: "lianjia", cities: ["*"] }, clock.now());
  }
  // The tests' receivers listen on 127.0.0.1.
  const app = await buildServer({ service, people, now: clock.now, logger: false, webhookHosts: "private-allowed" });
  const base = await app.listen({ port: 0, host: "127.0.0.1" });
  const key = apiKey;
  const running: Running = {
    base, databaseUrl, service, clock, apiKey: key,
    async call(method, path, body, callOptions = {}) {
      const headers: Record<string, string> = { authorization: `Bearer ${callOptions.token ?? key}`, ...callOptions.headers };
      if (body !== undefined) headers["content-type"] = "application/json";
      const response = await fetch(`${base}${path}`, { method, headers, ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }) });
      const text = await response.text();
      return { status: response.status, body: text === "" ? null : JSON.parse(text) };
    },
    async login(username) {
      const response = await running.call("POST", "/v1/sessions", { username, password: testPassword });
      if (response.status !== 200) throw new Error(`login ${username}: ${JSON.stringify(response.body)}`);
      return response.body.token as string;
    },
    async restart() {
      await running.close();
      return startApp(engine, { ...options, databaseUrl, apiKey: key, clock });
    },
    async close() {
      await app.close();
      await database.close();
    },
  };
  return running;
}

/** A batch's answer with every event accepted; if not, the failure shows what was not, or the whole answer (a 503 says why). */
export function expectAllAccepted(answer: { status: number; body: any }): void {
  const results: Array<{ status: string }> | undefined = answer.body?.results;
  expect({ status: answer.status, notAccepted: results?.filter((r) => r.status !== "accepted") ?? answer.body }).toEqual({ status: 200, notAccepted: [] });
}
