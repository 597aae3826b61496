// Errors that say the store cannot take a request now, whatever the request: the disk is full, the
// file or server cannot be reached, it is busy past its wait, or it takes no writes (a standby after
// a failover), or its writer thread ended (the next write starts another). The request may be sent
// again: its events' ids make a resend safe.
import { writerStoppedCode } from "./writer-protocol.js";

/** SQLite's result codes (with their extended forms, e.g. SQLITE_IOERR_WRITE). */
const sqlite = /^SQLITE_(FULL|IOERR|BUSY|LOCKED|CANTOPEN|NOMEM|READONLY)/;
/**
 * PostgreSQL's SQLSTATEs: class 08 (connection; not 08P01, a protocol violation, which a request
 * can cause), 53 (insufficient resources), 57P01–57P03 (the server shutting down or starting) and
 * 25006 (a read-only transaction).
 */
const postgres = /^(08(?!P01)|53|57P0[1-3]$|25006$)/;
const network = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN"]);
/**
 * pg's own errors for a connection lost or not made in time carry no code, only these words. A
 * transaction's rollback on a lost connection fails with the last two, and Kysely throws that in
 * place of the statement's own error.
 */
const lostConnection = /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error and is not queryable|Client was closed and is not queryable)/;

export function isStoreUnavailable(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === "string") return sqlite.test(code) || postgres.test(code) || network.has(code) || code === writerStoppedCode;
  return typeof message === "string" && lostConnection.test(message);
}
