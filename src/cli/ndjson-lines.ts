// The lines of an NDJSON file, a chunk at a time: a chunk is decoded as UTF-8 in one call and cut
// at each "\n" (a "\r" before it dropped). Line iterators (node:readline) cost an await and a
// regular expression per line, which for a city-year is most of the time spent reading.
import { createReadStream } from "node:fs";
import { StringDecoder } from "node:string_decoder";

export interface LinesChunk {
  lines: string[];
  /** Bytes of the file read so far, for a progress bar. */
  bytesRead: number;
}

const chunkBytes = 1 << 20;

/** Every line of the file in order, blank ones included; the last one even without a final "\n". */
export async function* linesOf(path: string): AsyncGenerator<LinesChunk> {
  const decoder = new StringDecoder("utf8");
  let bytesRead = 0;
  let rest = "";
  for await (const chunk of createReadStream(path, { highWaterMark: chunkBytes }) as AsyncIterable<Buffer>) {
    bytesRead += chunk.length;
    const text = rest + decoder.write(chunk);
    const lines: string[] = [];
    let start = 0;
    for (let end = text.indexOf("\n"); end >= 0; end = text.indexOf("\n", start)) {
      lines.push(text.slice(start, text.charCodeAt(end - 1) === 13 ? end - 1 : end));
      start = end + 1;
    }
    rest = text.slice(start);
    yield { lines, bytesRead };
  }
  const last = rest + decoder.end();
  if (last !== "") yield { lines: [last], bytesRead };
}
