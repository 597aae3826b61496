// PostgreSQL's plain bulk inserts as COPY FROM STDIN (bulk.ts). A multi-row insert binds every
// value as a parameter, and the server reads each back through an expression. In batched ingest,
// COPY took the server 0.8× the time for the obligations and the same for the log, and the
// writer's thread half the CPU, with no parameters to copy to it or bind. A copy travels as a
// statement like any other, `copy "t" ("a", ...) from stdin` with its data, COPY's text format in
// UTF-8, as its one parameter; the connection (the pool's, postgres-pool.ts, or the writer's,
// postgres-worker.ts) sends it as COPY.
import pg from "pg";

export function isCopy(sql: string): boolean {
  return sql.startsWith("copy ") && sql.endsWith(" from stdin");
}

const encoder = new TextEncoder();

/**
 * Rows as COPY's text format, from their values row by row (bulk.ts): a line a row, tabs between
 * values, null as \N; in UTF-8, so that the bytes are handed to the writer's thread rather than
 * copied to it (writer-thread.ts) and written to the socket as they are. Encoded a line at a time:
 * one string of all the lines took V8 three to four times as long to flatten and encode.
 */
export function copyData(values: readonly unknown[], columns: number): Uint8Array {
  let bytes = new Uint8Array(64 * 1024);
  let length = 0;
  let line = "";
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    line += value === null ? "\\N" : typeof value === "string" ? escaped(value) : String(value);
    if ((i + 1) % columns !== 0) {
      line += "\t";
      continue;
    }
    line += "\n";
    // UTF-8 takes at most three bytes for each UTF-16 unit.
    if (length + line.length * 3 > bytes.length) {
      const larger = new Uint8Array(Math.max(bytes.length * 2, length + line.length * 3));
      larger.set(bytes.subarray(0, length));
      bytes = larger;
    }
    length += encoder.encodeInto(line, bytes.subarray(length)).written;
    line = "";
  }
  return bytes.subarray(0, length);
}

const special = /[\\\t\n\r]/;
const specials = /[\\\t\n\r]/g;
const escapes: Record<string, string> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" };

function escaped(text: string): string {
  return special.test(text) ? text.replace(specials, (c) => escapes[c]!) : text;
}

/** pg's Query as CopyIn uses it (its types leave out what is used here). */
const Query = pg.Query as unknown as new (text: string) => {
  text: string;
  callback: (error: Error | null | undefined, result: pg.QueryResult) => void;
};

/** What CopyIn uses of pg's connection. */
interface CopyConnection {
  stream: { writable: boolean; cork(): void; uncork(): void; write(chunk: Uint8Array): boolean };
  query(text: string): void;
  endCopyFrom(): void;
}

/**
 * pg answers the server's request for a copy's data with a refusal, or, through pg-copy-streams,
 * with a stream, which a pipelined connection refuses. The data here goes out with the statement:
 * in order, before anything sent after it, which is what the server reads next. Its CopyData
 * message is written as header and bytes, as pg's serializer would copy them into its buffer.
 */
class CopyIn extends Query {
  constructor(text: string, private readonly data: Uint8Array) {
    super(text);
  }

  submit(connection: CopyConnection): Error | null {
    if (!connection.stream.writable) return new Error("the connection to PostgreSQL is closed");
    const header = Buffer.allocUnsafe(5);
    header[0] = 0x64; // 'd', CopyData
    header.writeInt32BE(4 + this.data.byteLength, 1);
    connection.stream.cork();
    try {
      connection.query(this.text);
      connection.stream.write(header);
      connection.stream.write(this.data);
      connection.endCopyFrom();
    } finally {
      connection.stream.uncork();
    }
    return null;
  }

  handleCopyInResponse(): void {
    // The data is on its way already.
  }
}

/** Runs a copy statement (isCopy) with its data (copyData) on `client`. */
export function copyIn(client: pg.Client, sql: string, data: Uint8Array): Promise<pg.QueryResult> {
  return new Promise((resolve, reject) => {
    const copy = new CopyIn(sql, data);
    copy.callback = (error, result) => (error == null ? resolve(result) : reject(error));
    client.query(copy as unknown as pg.Submittable);
  });
}
