// Errors that say the store cannot take a request now, whatever the request: the disk is full, the
// file or server cannot be reached, it is busy past its wait, or it takes no writes (a standby after
// a failover). The write was rolled back, so the same request may be sent again.

/** SQLite's result codes (with their extended forms, e.g. SQLITE_IOERR_WRITE). */
const sqlite = /^SQLITE_(FULL|IOERR|BUSY|LOCKED|CANTOPEN|NOMEM|READONLY)/;
/**
 * PostgreSQL's SQLSTATEs: class 08 (connection), 53 (insufficient resources), 57P01–57P03 (the
 * server shutting down or starting) and 25006 (a read-only transaction); a socket's errors.
 */
const postgres = /^(08|53|57P0[1-3]$|25006$)/;
const socket = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH"]);

export function isStoreUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && (sqlite.test(code) || postgres.test(code) || socket.has(code));
}
