// Which errors mean "the store cannot take this now, send it again" (503) and which are the
// request's or a bug (4xx, 500).
import { describe, expect, it } from "vitest";
import { isStoreUnavailable } from "../../src/store/unavailable.js";

const withCode = (code: string) => Object.assign(new Error(code), { code });

describe("a store that is unavailable", () => {
  it.each(["SQLITE_FULL", "SQLITE_IOERR_WRITE", "SQLITE_BUSY", "SQLITE_READONLY", "08006", "08001", "08003", "53300", "57P01", "57P03", "25006", "ECONNREFUSED", "ENOTFOUND", "ANXIN_WRITER_STOPPED"])("is said by %s", (code) => {
    expect(isStoreUnavailable(withCode(code))).toBe(true);
  });

  it.each(["SQLITE_CONSTRAINT_UNIQUE", "SQLITE_ERROR", "SQLITE_CORRUPT", "08P01", "23505", "42P01", "57014", "22P02"])("is not said by %s", (code) => {
    expect(isStoreUnavailable(withCode(code))).toBe(false);
  });

  it("is said by pg's lost connection, which has no code, and not by other errors without one", () => {
    expect(isStoreUnavailable(new Error("Connection terminated unexpectedly"))).toBe(true);
    expect(isStoreUnavailable(new Error("timeout exceeded when trying to connect"))).toBe(true);
    // A pool transaction's rollback on the lost connection, which Kysely throws in the statement's place.
    expect(isStoreUnavailable(new Error("Client has encountered a connection error and is not queryable"))).toBe(true);
    expect(isStoreUnavailable(new Error("Client was closed and is not queryable"))).toBe(true);
    expect(isStoreUnavailable(new Error("Cannot read properties of undefined"))).toBe(false);
    expect(isStoreUnavailable(null)).toBe(false);
    expect(isStoreUnavailable("SQLITE_FULL")).toBe(false);
  });
});
