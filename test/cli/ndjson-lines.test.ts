// Replay reads a history's lines a chunk at a time (ndjson-lines.ts): cut where a chunk ends, a line
// and a character must still come back whole, and the file's last line even without its "\n".
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { linesOf, maxLineBytes } from "../../src/cli/ndjson-lines.js";
import { notUtf8, type UnparsedLine } from "../../src/domain/events/history-line.js";

function file(content: string | Buffer): string {
  const path = join(mkdtempSync(join(tmpdir(), "anxin-lines-")), "history.ndjson");
  writeFileSync(path, content);
  return path;
}

async function read(path: string): Promise<{ lines: Array<string | UnparsedLine>; chunks: number; bytesRead: number }> {
  const lines: Array<string | UnparsedLine> = [];
  let chunks = 0;
  let bytesRead = 0;
  for await (const chunk of linesOf(path)) {
    lines.push(...chunk.lines);
    chunks++;
    bytesRead = chunk.bytesRead;
  }
  return { lines, chunks, bytesRead };
}

describe("the lines of an NDJSON history", () => {
  it("are cut at \\n and at \\r\\n, blank ones left out, the last one read without a final newline", async () => {
    const content = '{"a":1}\r\n\n{"b":"x\\r\\n"}\n  \n{"c":3}';
    const { lines, bytesRead } = await read(file(content));
    expect(lines).toEqual(['{"a":1}', '{"b":"x\\r\\n"}', '{"c":3}']);
    expect(bytesRead).toBe(content.length);
  });

  it("come back whole across chunks, a line and a Chinese character cut by a chunk's end included", async () => {
    // Chunks are 1 MiB: the first line ends one byte before it, so that the three bytes of 房 run
    // across it; more lines make further chunks, and the last but one, near the longest line kept, spans two.
    const chunk = 2 ** 20;
    const first = "a".repeat(chunk - 2);
    const message = "房东说带看太少，价格也谈不拢";
    const long = `${"房".repeat(340_000)}\r`; // 1,020,001 bytes
    const content = [first, message, ...Array.from({ length: 3_000 }, (_, i) => `${JSON.stringify({ text: message })}${" ".repeat(i % 700)}`), long, "end"].join("\n");
    expect(Buffer.from(content).subarray(chunk - 1, chunk + 2).toString()).toBe("房");
    const longStart = Buffer.byteLength(content.slice(0, content.indexOf(long)));
    expect(Math.floor(longStart / chunk)).toBeLessThan(Math.floor((longStart + Buffer.byteLength(long)) / chunk));
    const { lines, chunks, bytesRead } = await read(file(content));
    expect(chunks).toBeGreaterThan(1);
    expect(bytesRead).toBe(Buffer.byteLength(content));
    expect(lines).toEqual(content.split("\n").map((line) => (line === long ? long.slice(0, -1) : line)));
  });

  it("end at \\n only: a lone \\r is part of its line, and a \\r\\n cut by a chunk's end is still one line end", async () => {
    const chunk = 2 ** 20;
    const content = `${"a".repeat(chunk - 1)}\r\n{"b":1}\r{"c":2}\n`;
    expect(content[chunk - 1]).toBe("\r");
    expect((await read(file(content))).lines).toEqual(["a".repeat(chunk - 1), '{"b":1}\r{"c":2}']);
  });

  it("keep only the first megabyte of a longer line, which no event comes near, so that it is rejected, not held whole", async () => {
    const content = `{"a":1}\n${"x".repeat(3 * maxLineBytes + 5)}\n{"b":2}`;
    const { lines } = await read(file(content));
    expect(lines).toEqual(['{"a":1}', "x".repeat(maxLineBytes), '{"b":2}']);
  });

  it("of an empty file, or one of blank lines only, are none", async () => {
    expect((await read(file(""))).lines).toEqual([]);
    expect((await read(file("\n  \n \r\n\t"))).lines).toEqual([]);
  });

  it("that are not UTF-8 come with their reason, decoded with U+FFFD, wherever they lie: a chunk's valid lines stay text", async () => {
    // L\xe9 and L\xe8 (Latin-1) would both decode to L\ufffd, one listing, if taken.
    const chunk = 2 ** 20;
    const latin1 = (text: string) => Buffer.from(text, "latin1");
    const first = Buffer.concat([Buffer.from('{"a":1}\n'), latin1('{"id":"L\xe9"}\n'), Buffer.from('{"b":"房"}\n')]);
    // The next line's \xe8 is the first chunk's last byte: the line runs across the chunks.
    const head = Buffer.from(`${"a".repeat(chunk - first.length - 10)}\n`);
    const content = Buffer.concat([first, head, latin1('{"id":"L\xe8","x":"'), Buffer.from('"}\n{"c":3}\n'), latin1("\xff")]);
    expect(content[chunk - 1]).toBe(0xe8);
    const { lines, chunks } = await read(file(content));
    expect(chunks).toBeGreaterThan(1);
    expect(lines).toEqual([
      '{"a":1}', notUtf8('{"id":"L\ufffd"}'), '{"b":"房"}', head.toString().trimEnd(),
      notUtf8('{"id":"L\ufffd","x":""}'), '{"c":3}', notUtf8("\ufffd"),
    ]);
  });
});
