// `anxin replay --json` writes its state in chunks (a city-year's is gigabytes, past V8's longest
// string): what it writes is JSON.stringify's indented text, byte for byte.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { writeJsonDocument } from "../../src/cli/json-out.js";

async function written(document: Record<string, unknown>): Promise<{ text: string; chunks: number }> {
  const chunks: string[] = [];
  await writeJsonDocument(document, async (text) => void chunks.push(text));
  return { text: chunks.join(""), chunks: chunks.length };
}

describe("a JSON document written in chunks", () => {
  it("is JSON.stringify(document, null, 2) and a newline, whatever the document", async () => {
    const member = fc.oneof(fc.jsonValue(), fc.array(fc.jsonValue(), { maxLength: 4 }), fc.constant(undefined), fc.constant([undefined]));
    await fc.assert(fc.asyncProperty(fc.dictionary(fc.string(), member, { maxKeys: 6 }), async (document) => {
      expect((await written(document)).text).toBe(`${JSON.stringify(document, null, 2)}\n`);
    }), { numRuns: 1_000 });
  });

  it("writes a generator as the array of what it yields", async () => {
    function* views(count: number) {
      for (let i = 0; i < count; i++) yield { id: `o-${i}`, stage: i % 2 === 0 ? null : "answer" };
    }
    for (const count of [0, 1, 3]) {
      const expected = `${JSON.stringify({ claims: [], obligations: [...views(count)], ledger: { balanced: true } }, null, 2)}\n`;
      expect((await written({ claims: [], obligations: views(count), ledger: { balanced: true } })).text).toBe(expected);
    }
  });

  it("writes a long array in many chunks", async () => {
    const document = { clock: "2025-12-31T23:58:00+08:00", obligations: Array.from({ length: 20_000 }, (_, i) => ({ id: `showing-feedback-48h/S${i}`, status: "fulfilled", note: "买家反馈".repeat(10) })), ledger: { balanced: true } };
    const { text, chunks } = await written(document);
    expect(text).toBe(`${JSON.stringify(document, null, 2)}\n`);
    expect(chunks).toBeGreaterThan(2);
  });
});
