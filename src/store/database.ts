// One typed query layer (Kysely) over two engines: embedded SQLite (better-sqlite3, WAL) and PostgreSQL (pg).
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { Kysely, PostgresDialect, sql, type Generated } from "kysely";
import { postgresPool } from "./postgres-pool.js";
import { LeasingDialect } from "./postgres-writer.js";
import { checkpointedPragmas, checkpointInBackground } from "./sqlite-checkpoints.js";
import { sqliteWithWriterThread } from "./sqlite-thread.js";
import { onWriter } from "./writer-scope.js";
import type { ComplaintTable, DailyFigureTable, DealTable, ListingDayTable, ListingPriceTable, ListingTable, OwnerReportTable, ShowingTable } from "./reports/tables.js";

export type EngineName = "sqlite" | "postgres";
/** On PostgreSQL, the advisory lock that serialises appending to the log across processes. */
export const logLockKey = 20_130_924;

export interface LogTable {
  seq: Generated<number>;
  /** event: an accepted event; tick: the clock processed deadlines at `at`. */
  kind: "event" | "tick";
  event_id: string | null;
  type: string | null;
  at: number;
  received_at: number;
  city: string | null;
  brand: string | null;
  fingerprint: string | null;
  /** The accepted event as JSON, phones already replaced by hash and mask. */
  body: string | null;
}

export interface RejectedTable {
  seq: Generated<number>;
  event_id: string | null;
  type: string | null;
  code: string;
  message: string;
  field: string;
  received_at: number;
  input: string;
  /** The API key's hash that sent it, and the input's brand and city where it names valid ones (0010): for scoped readers. */
  sender: string | null;
  brand: string | null;
  city: string | null;
}

export interface ClaimTable {
  id: string;
  commitment: string;
  version: string;
  city: string;
  brand: string;
  beneficiary_id: string | null;
  kind: string;
  amount_fen: number;
  fund: string;
  status: string;
  opened_at: number;
  breach_at: number | null;
  paid_at: number | null;
  body: string;
}

export interface ObligationTable {
  id: string;
  commitment: string;
  city: string;
  brand: string;
  subject_id: string;
  responsible_id: string | null;
  beneficiary_id: string | null;
  due_at: number;
  status: string;
  stage: string | null;
  /** When an obligation.due_soon notice was sent; null before. */
  warned_at: number | null;
  // The rest of the obligation's view (projection.ts). Null only in rows logged before these
  // columns, until the service's start has re-projected them (migrations.ts, 0006).
  version: string;
  opened_at: number;
  /** JSON: the ids of the events that opened it. */
  caused_by: string;
  fulfilled_at: number | null;
  fulfilled_by: string | null;
  /** 1 if the evidence arrived after the breach was recorded, 0 if before; null unless fulfilled. */
  after_breach: number | null;
  breached_at: number | null;
  claim_id: string | null;
}

export interface EntryTable {
  id: string;
  at: number;
  purpose: string;
  claim_id: string | null;
  version_key: string | null;
  caused_by: string;
}

export interface PostingTable {
  entry_id: string;
  line: number;
  account: string;
  amount_fen: number;
}

export interface RiskTable {
  key: string;
  deal_id: string;
  rule: string;
  decision: string;
  city: string;
  brand: string;
  body: string;
  detected_at: number | null;
}

export interface AlertTable {
  seq: Generated<number>;
  kind: string;
  at: number;
  claim_id: string | null;
  obligation_id: string | null;
  deal_id: string | null;
  message: string;
}

export interface UserTable {
  username: string;
  role: string;
  /** The consumer's or agent's id in the brokerage's events (beneficiaryId, agentId). */
  subject_id: string;
  cities: string;
  brands: string;
  password_hash: string;
  created_at: number;
}

export interface SessionTable {
  token_hash: string;
  username: string;
  expires_at: number;
}

export interface ApiKeyTable {
  key_hash: string;
  label: string;
  brand: string;
  cities: string;
  created_at: number;
}

export interface WebhookTable {
  id: string;
  key_hash: string;
  url: string;
  kinds: string;
  secret: string;
  created_at: number;
}

export interface DeliveryTable {
  id: Generated<number>;
  webhook_id: string;
  kind: string;
  body: string;
  attempts: number;
  next_at: number;
  status: "pending" | "delivered" | "failed";
  last_error: string | null;
  created_at: number;
}

/** Work done on a schedule (weekly owner reports, one-off backfills): done up to an instant. */
export interface ScheduleTable {
  name: string;
  done_until: number;
}

export interface Tables {
  users: UserTable;
  sessions: SessionTable;
  api_keys: ApiKeyTable;
  webhooks: WebhookTable;
  deliveries: DeliveryTable;
  log: LogTable;
  rejected: RejectedTable;
  claims: ClaimTable;
  obligations: ObligationTable;
  entries: EntryTable;
  postings: PostingTable;
  risks: RiskTable;
  alerts: AlertTable;
  listings: ListingTable;
  listing_prices: ListingPriceTable;
  listing_days: ListingDayTable;
  deals: DealTable;
  daily_figures: DailyFigureTable;
  showings: ShowingTable;
  complaints: ComplaintTable;
  owner_reports: OwnerReportTable;
  schedules: ScheduleTable;
}

export interface Database {
  db: Kysely<Tables>;
  engine: EngineName;
  /** The URL it was opened with: a thread may open a connection of its own there (SQLite's `:memory:` excepted). */
  url: string;
  /** Runs `work`, whose transactions begin on the engine's writer (writer-scope.ts); returns once they are durable. */
  onWriter<T>(work: () => Promise<T>): Promise<T>;
  /** A number kept while no other process can append: SQLite's is 0 (one writer per file); PostgreSQL's, the lease of the log's lock in a transaction inside `onWriter`, else null. */
  writerLease(): number | null;
  /** Whether the writer is under way with a lease of the log's lock (PostgreSQL), which a write may join without waiting for the lock. */
  writerLeased(): boolean;
  /**
   * Runs `work` (a migration) where no statement is given up for its silence: PostgreSQL's pool
   * gives up a connection after `answerWithinMs` without an answer, and an index built on a
   * city-year store takes longer.
   */
  migrating<T>(work: (db: Kysely<Tables>) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** SQLite: checkpoint the WAL from a worker thread (a long-lived service), not inside commits. */
  backgroundCheckpoints?: boolean;
  /** PostgreSQL: how long the writer, or any other statement but a migration's or a wait for the log's lock, waits for an answer before its connection is given up (PostgresSettings). */
  answerWithinMs?: number;
}

/** Far longer than any statement but a migration's is silent: a 500-row insert, 5,000 log rows read, a week of a city's listing-days for the owners' reports, a report's aggregate over a city-year. */
const defaultAnswerWithinMs = 30_000;

/** Whether a thread can open a connection of its own to the store: an in-memory SQLite database is its connection's alone. */
export const openableOnThread = (database: Database): boolean => !(database.engine === "sqlite" && /^(sqlite:)?:memory:$/.test(database.url));

export const isPostgresUrl = (url: string): boolean => url.startsWith("postgres://") || url.startsWith("postgresql://");

export function openDatabase(url: string, options: OpenOptions = {}): Database {
  if (isPostgresUrl(url)) {
    const answerWithinMs = options.answerWithinMs ?? defaultAnswerWithinMs;
    const dialect = new LeasingDialect(postgresPool(url, { answerWithinMs }), { url, lockKey: logLockKey, answerWithinMs }), db = new Kysely<Tables>({ dialect });
    const migrating = async <T>(work: (db: Kysely<Tables>) => Promise<T>): Promise<T> => {
      const unbounded = new Kysely<Tables>({ dialect: new PostgresDialect({ pool: postgresPool(url, { answerWithinMs: null, max: 1 }) }) });
      try {
        return await work(unbounded);
      } finally {
        await unbounded.destroy();
      }
    };
    return { db, engine: "postgres", url, onWriter, writerLease: () => dialect.leaseNumber(), writerLeased: () => dialect.leased(), migrating, close: () => db.destroy() };
  }
  // Any other scheme is no SQLite path (`mysql://x` made a directory `mysql:`).
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) throw new Error("a database URL is sqlite:PATH or postgres://…");
  const path = url.startsWith("sqlite:") ? url.slice("sqlite:".length) : url;
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const checkpointed = options.backgroundCheckpoints === true && path !== ":memory:";
  const pragmas = ["busy_timeout = 5000", "journal_mode = WAL", "synchronous = NORMAL", ...(checkpointed ? checkpointedPragmas : [])];
  const db = new Kysely<Tables>({ dialect: sqliteWithWriterThread({ path, pragmas }) });
  const checkpointer = checkpointed
    ? checkpointInBackground(path, (error) => {
      process.emitWarning(`WAL checkpoints are back in commits: ${error.message}`);
      sql`pragma wal_autocheckpoint = 1000`.execute(db).catch(() => {}); // closed meanwhile: nothing to checkpoint
    })
    : null;
  return {
    db, engine: "sqlite", url, onWriter, writerLease: () => 0, writerLeased: () => false, migrating: (work) => work(db),
    close: async () => {
      await checkpointer?.stop();
      await db.destroy();
    },
  };
}
