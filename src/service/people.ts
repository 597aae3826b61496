// People and integrators: user accounts with roles (scrypt-hashed passwords, session tokens) and
// API keys scoped to a brand and cities. Secrets are stored only as hashes.
import { createHash, randomBytes, scrypt as scryptCallback, timingSafeEqual } from "node:crypto";
import { promisify } from "node:util";
import type { Kysely } from "kysely";
import { notSlug, type ApproverRole } from "../domain/events/schema.js";
import { isPhoneNumber } from "../domain/phone.js";
import type { Tables } from "../store/database.js";

const scrypt = promisify(scryptCallback) as (password: string, salt: Buffer, keylen: number) => Promise<Buffer>;

export const roles = ["consumer", "agent", "store_manager", "quality_officer", "finance", "operations"] as const;
export type Role = (typeof roles)[number];

/** Who may approve claims, at which tier; finance pays and funds; operations is platform quality. */
export function approverRoleOf(role: Role): ApproverRole | null {
  switch (role) {
    case "agent":
    case "store_manager":
    case "quality_officer":
      return role;
    case "operations":
      return "platform_quality";
    case "consumer":
    case "finance":
      return null;
  }
}

export interface User {
  username: string;
  role: Role;
  subjectId: string;
  cities: string[];
  brands: string[];
}

export interface Integrator {
  label: string;
  brand: string;
  cities: string[];
}

export const sessionHours = 12;
/** How long a verified API key is trusted without asking the database again (a revoked key stops working within this). */
export const apiKeyCacheMs = 30_000;
const maxCachedKeys = 10_000;
export const minPasswordChars = 10;

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, 32);
  return `scrypt$${salt.toString("hex")}$${key.toString("hex")}`;
}

async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, saltHex, keyHex] = stored.split("$");
  if (scheme !== "scrypt" || saltHex === undefined || keyHex === undefined) return false;
  const key = await scrypt(password, Buffer.from(saltHex, "hex"), 32);
  return timingSafeEqual(key, Buffer.from(keyHex, "hex"));
}

/** Failed logins of a username within `loginWindowMs` after which it is refused until the window ends. */
export const maxFailedLogins = 10;
export const loginWindowMs = 15 * 60_000;
const maxTrackedLogins = 10_000;

export class People {
  private readonly keyCache = new Map<string, { integrator: Integrator & { keyHash: string }; until: number }>();
  /** Failed logins by username, in this process: guessing a password takes ten tries a quarter-hour. */
  private readonly failures = new Map<string, { count: number; since: number }>();
  /** Checked for an unknown username too, so that the answer's time does not tell which usernames exist. */
  private decoy: Promise<string> | null = null;

  constructor(private readonly db: Kysely<Tables>, private readonly now: () => number) {}

  async addUser(user: User & { password: string }, now: number): Promise<void> {
    if (user.password.length < minPasswordChars) throw new Error(`a password has at least ${minPasswordChars} characters`);
    // Both are kept and shown as given; an event's id may not be a phone either (docs/events.md).
    if (isPhoneNumber(user.username) || isPhoneNumber(user.subjectId)) throw new Error("a username or subject that is a phone number would be kept in clear: use the person's id");
    checkScope("cities", user.cities);
    checkScope("brands", user.brands);
    // A consumer's or an agent's id is one brand's (its systems chose it): over several brands it would name other people too.
    if ((user.role === "consumer" || user.role === "agent") && (user.brands.length !== 1 || user.brands[0] === "*")) {
      throw new Error(`a ${user.role} belongs to one brand, whose systems chose their id ${user.subjectId}: give --brands with one brand`);
    }
    await this.db.insertInto("users").values({
      username: user.username, role: user.role, subject_id: user.subjectId, cities: JSON.stringify(user.cities), brands: JSON.stringify(user.brands),
      password_hash: await hashPassword(user.password), created_at: now,
    }).execute();
  }

  async hasUser(username: string): Promise<boolean> {
    return (await this.db.selectFrom("users").select("username").where("username", "=", username).executeTakeFirst()) !== undefined;
  }

  /** A session token for a correct password; null otherwise (the caller says 401, never which part was wrong). */
  async login(username: string, password: string, now: number): Promise<{ token: string; expiresAt: number; user: User } | null> {
    const row = await this.db.selectFrom("users").selectAll().where("username", "=", username).executeTakeFirst();
    const verified = await verifyPassword(password, row?.password_hash ?? (await (this.decoy ??= hashPassword(randomBytes(16).toString("hex")))));
    if (row === undefined || !verified) {
      const failed = this.failuresWithinWindow(username, now);
      this.failures.delete(username); // re-inserted last: the Map's order is the order of failures
      this.failures.set(username, failed === null ? { count: 1, since: now } : { count: failed.count + 1, since: failed.since });
      if (this.failures.size > maxTrackedLogins) this.failures.delete(this.failures.keys().next().value!); // guessed usernames would fill memory
      return null;
    }
    this.failures.delete(username);
    const token = `st_${randomBytes(24).toString("base64url")}`;
    const expiresAt = now + sessionHours * 3_600_000;
    await this.db.insertInto("sessions").values({ token_hash: sha256(token), username, expires_at: expiresAt }).execute();
    return { token, expiresAt, user: toUser(row) };
  }

  /** When a username that failed too often may try again, or null if it may now. */
  lockedUntil(username: string, now: number): number | null {
    const failed = this.failuresWithinWindow(username, now);
    return failed === null || failed.count < maxFailedLogins ? null : failed.since + loginWindowMs;
  }

  /** The username's failed logins, if their window has not ended. */
  private failuresWithinWindow(username: string, now: number): { count: number; since: number } | null {
    const failed = this.failures.get(username);
    return failed === undefined || now - failed.since > loginWindowMs ? null : failed;
  }

  async userOfSession(token: string, now: number): Promise<User | null> {
    const row = await this.db.selectFrom("sessions").innerJoin("users", "users.username", "sessions.username")
      .selectAll("users").select("sessions.expires_at").where("sessions.token_hash", "=", sha256(token)).executeTakeFirst();
    return row === undefined || row.expires_at <= now ? null : toUser(row);
  }

  async addApiKey(integrator: Integrator, now: number): Promise<string> {
    checkScope("brand", [integrator.brand]);
    checkScope("cities", integrator.cities);
    const key = `ak_${randomBytes(24).toString("base64url")}`;
    await this.db.insertInto("api_keys").values({ key_hash: sha256(key), label: integrator.label, brand: integrator.brand, cities: JSON.stringify(integrator.cities), created_at: now }).execute();
    return key;
  }

  /** The integrator of a key; checks integrators sit in dialers' paths, so a verified key is cached briefly. */
  async integratorOfKey(key: string): Promise<(Integrator & { keyHash: string }) | null> {
    const keyHash = sha256(key);
    const cached = this.keyCache.get(keyHash);
    if (cached !== undefined && cached.until > this.now()) return cached.integrator;
    const row = await this.db.selectFrom("api_keys").selectAll().where("key_hash", "=", keyHash).executeTakeFirst();
    if (row === undefined) return null;
    const integrator = { label: row.label, brand: row.brand, cities: JSON.parse(row.cities) as string[], keyHash: row.key_hash };
    if (this.keyCache.size >= maxCachedKeys) this.keyCache.clear();
    this.keyCache.set(keyHash, { integrator, until: this.now() + apiKeyCacheMs });
    return integrator;
  }
}

function toUser(row: Tables["users"]): User {
  return { username: row.username, role: row.role as Role, subjectId: row.subject_id, cities: JSON.parse(row.cities) as string[], brands: JSON.parse(row.brands) as string[] };
}

/** A scope names cities or brands as events write them, or `*`: another name would match no event. */
function checkScope(what: string, names: string[]): void {
  if (names.length === 0) throw new Error(`give the ${what}: names as events write them (beijing, lianjia), or *`);
  for (const name of names) {
    const problem = name === "*" ? null : notSlug(what, name);
    if (problem !== null) throw new Error(`${problem}, or *`);
  }
}
