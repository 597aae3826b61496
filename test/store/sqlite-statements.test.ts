// SQLite's prepared statements are reused by their SQL, never while one is still iterating.
import SQLite from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { withStatementCache } from "../../src/store/sqlite-statements.js";

describe("the SQLite statement cache", () => {
  it("hands out one statement per SQL, a fresh one while it iterates, and keeps only the most recent", () => {
    const sqlite = new SQLite(":memory:");
    const cached = withStatementCache(sqlite, 2);
    const select = "select value from json_each('[1,2,3]')";
    const first = cached.prepare(select);
    expect(cached.prepare(select)).toBe(first);
    const rows = first.iterate();
    rows.next();
    const second = cached.prepare(select);
    expect(second).not.toBe(first);
    expect(second.all()).toHaveLength(3);
    rows.return?.();
    cached.prepare("select 1");
    cached.prepare("select 2");
    expect(cached.prepare(select)).not.toBe(second);
    cached.close();
  });
});
