// The lines of an NDJSON file, a chunk at a time: each chunk's line ends found in its bytes, each
// line decoded from UTF-8 on its own (a "\r" before its "\n" dropped). A byte 0x0A is never part of
// another character in UTF-8, so this is exact; and it costs a fifth of decoding the chunk into one
// string and cutting that, or of a line iterator (node:readline: an await and a regular expression
// a line), which for a city-year were most of the time spent reading.
import { createReadStream } from "node:fs";

export interface LinesChunk {
  lines: string[];
  /** Bytes of the file read so far, for a progress bar. */
  bytesRead: number;
}

const chunkBytes = 1 << 20;
const newline = 0x0a;
const carriageReturn = 0x0d;

/** Every line of the file in order, blank ones included; the last one even without a final "\n". */
export async function* linesOf(path: string): AsyncGenerator<LinesChunk> {
  let bytesRead = 0;
  /** The start of a line the chunk before did not finish. */
  let rest: Buffer | null = null;
  for await (const chunk of createReadStream(path, { highWaterMark: chunkBytes }) as AsyncIterable<Buffer>) {
    bytesRead += chunk.length;
    const lines: string[] = [];
    let start = 0;
    for (let end = chunk.indexOf(newline); end >= 0; end = chunk.indexOf(newline, start)) {
      if (rest === null) {
        lines.push(decode(chunk, start, end));
      } else {
        const joined = Buffer.concat([rest, chunk.subarray(0, end)]);
        lines.push(decode(joined, 0, joined.length));
        rest = null;
      }
      start = end + 1;
    }
    if (start < chunk.length) rest = rest === null ? chunk.subarray(start) : Buffer.concat([rest, chunk]);
    yield { lines, bytesRead };
  }
  if (rest !== null) yield { lines: [decode(rest, 0, rest.length)], bytesRead };
}

function decode(bytes: Buffer, start: number, end: number): string {
  return bytes.toString("utf8", start, end > start && bytes[end - 1] === carriageReturn ? end - 1 : end);
}
