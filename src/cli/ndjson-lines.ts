// The lines of an NDJSON file, a chunk at a time: each chunk's line ends found in its bytes, each
// line decoded from UTF-8 on its own (a "\r" before its "\n" dropped). A byte 0x0A is never part of
// another character in UTF-8, so this is exact; and it costs a fifth of decoding the chunk into one
// string and cutting that, or of a line iterator (node:readline: an await and a regular expression
// a line), which for a city-year were most of the time spent reading. Lines end at "\n" only, as
// NDJSON's do: a lone "\r" (which node:readline also took for a line's end) is part of its line.
// A blank line (nothing or only white space) carries nothing in NDJSON and is left out here, once,
// for every reader. A line that is not UTF-8 comes as its text with its reason (the service refuses
// such a body: decoded, each bad byte is U+FFFD, and ids differing by one would be one id); valid
// chunks, all of them in practice, are checked whole, at gigabytes a second.
import { isUtf8 } from "node:buffer";
import { createReadStream } from "node:fs";
import { notUtf8, type UnparsedLine } from "../domain/events/history-line.js";

export interface LinesChunk {
  /** A line as text, or one that is not UTF-8 (decoded with U+FFFD) with its reason. */
  lines: Array<string | UnparsedLine>;
  /** Bytes of the file read so far, for a progress bar. */
  bytesRead: number;
}

const chunkBytes = 1 << 20;
/** No event comes near this (the contract bounds every field): of a longer line only this much is kept, to be rejected. */
export const maxLineBytes = 1 << 20;
const newline = 0x0a;
const carriageReturn = 0x0d;

/** Every non-blank line of the file in order; the last one even without a final "\n". */
export async function* linesOf(path: string): AsyncGenerator<LinesChunk> {
  let bytesRead = 0;
  const unfinished = new UnfinishedLine();
  for await (const chunk of createReadStream(path, { highWaterMark: chunkBytes }) as AsyncIterable<Buffer>) {
    bytesRead += chunk.length;
    const lines: Array<string | UnparsedLine> = [];
    // The chunk's whole lines, from the first that starts in it to its last "\n", checked at once.
    const wholeFrom = unfinished.empty ? 0 : chunk.indexOf(newline) + 1;
    const wholeUntil = chunk.lastIndexOf(newline) + 1;
    const allUtf8 = wholeFrom < wholeUntil && isUtf8(chunk.subarray(wholeFrom, wholeUntil));
    let start = 0;
    for (let end = chunk.indexOf(newline); end >= 0; end = chunk.indexOf(newline, start)) {
      let line: string | UnparsedLine;
      if (unfinished.empty) {
        line = allUtf8 ? decode(chunk, start, end) : checked(chunk, start, end);
      } else {
        unfinished.add(chunk.subarray(0, end));
        line = unfinished.take();
      }
      if (!blank(line)) lines.push(line);
      start = end + 1;
    }
    if (start < chunk.length) unfinished.add(chunk.subarray(start));
    yield { lines, bytesRead };
  }
  const last = unfinished.empty ? "" : unfinished.take();
  if (!blank(last)) yield { lines: [last], bytesRead };
}

/** The pieces of a line that runs across chunks, up to maxLineBytes: joined once, when it ends. */
class UnfinishedLine {
  private pieces: Buffer[] = [];
  private bytes = 0;

  get empty(): boolean {
    return this.pieces.length === 0;
  }

  add(piece: Buffer): void {
    const kept = piece.subarray(0, maxLineBytes - this.bytes);
    this.pieces.push(kept);
    this.bytes += kept.length;
  }

  take(): string | UnparsedLine {
    const line = Buffer.concat(this.pieces, this.bytes);
    this.pieces = [];
    this.bytes = 0;
    return checked(line, 0, line.length);
  }
}

function blank(line: string | UnparsedLine): boolean {
  return typeof line === "string" && line.trim() === "";
}

function decode(bytes: Buffer, start: number, end: number): string {
  return bytes.toString("utf8", start, textEnd(bytes, start, end));
}

/** Where a line's text ends: before a "\r" ending it, and after at most maxLineBytes. */
function textEnd(bytes: Buffer, start: number, end: number): number {
  const last = end > start && bytes[end - 1] === carriageReturn ? end - 1 : end;
  return Math.min(last, start + maxLineBytes);
}

/** The line, or its text with the reason it is refused if it is not UTF-8 (a line cut at maxLineBytes may end inside a character, and is refused anyway). */
function checked(bytes: Buffer, start: number, end: number): string | UnparsedLine {
  const until = textEnd(bytes, start, end);
  const text = bytes.toString("utf8", start, until);
  return until === start + maxLineBytes || isUtf8(bytes.subarray(start, until)) ? text : notUtf8(text);
}
