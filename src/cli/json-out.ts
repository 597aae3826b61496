// A large JSON document written in chunks: a city-year's replay state holds millions of
// obligations, whose JSON as one string (several GB) is longer than V8's strings may be, and
// `anxin replay --json` ended in "RangeError: Invalid string length" after the whole replay.

/** How much text is gathered before a chunk is written. */
const chunkLength = 1 << 20;

/**
 * Writes exactly what `JSON.stringify(document, null, 2)` followed by a newline would, with each
 * member that is an array written element by element; a member that is a generator is written as
 * the array of what it yields, made one element at a time.
 */
export async function writeJsonDocument(document: Record<string, unknown>, write: (text: string) => Promise<void>): Promise<void> {
  let pending = "{";
  let first = true;
  const flush = async (force = false) => {
    if (pending.length >= chunkLength || (force && pending !== "")) {
      await write(pending);
      pending = "";
    }
  };
  for (const [key, value] of Object.entries(document)) {
    if (value === undefined || typeof value === "function" || typeof value === "symbol") continue; // left out, as JSON.stringify leaves it out
    pending += `${first ? "" : ","}\n  ${JSON.stringify(key)}: `;
    first = false;
    if (!Array.isArray(value) && !isGenerator(value)) {
      pending += indented(JSON.stringify(value, null, 2), "  ");
      continue;
    }
    let elements = 0;
    for (const element of value as Iterable<unknown>) {
      // An element JSON leaves out (undefined, a function) is written null, as in an array.
      pending += `${elements++ === 0 ? "[" : ","}\n    ${indented(JSON.stringify(element, null, 2) ?? "null", "    ")}`;
      await flush();
    }
    pending += elements === 0 ? "[]" : "\n  ]";
  }
  pending += first ? "}\n" : "\n}\n";
  await flush(true);
}

function indented(json: string, indent: string): string {
  return json.includes("\n") ? json.replaceAll("\n", `\n${indent}`) : json;
}

function isGenerator(value: unknown): value is Generator {
  return Object.prototype.toString.call(value) === "[object Generator]";
}
