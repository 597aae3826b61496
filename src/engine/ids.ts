// Ids built from the domain's own keys, so that a replay names every claim and obligation the same
// way. "%" and "/" are escaped, so that parts never run into each other and an id splits back.

export function idOf(parts: readonly string[]): string {
  let id = escapePart(parts[0] ?? "");
  for (let i = 1; i < parts.length; i++) id += `/${escapePart(parts[i]!)}`;
  return id;
}

/** The parts an id was built from. */
export function partsOf(id: string): string[] {
  return id.split("/").map((part) => (part.includes("%") ? part.replace(/%2F|%25/g, (escaped) => (escaped === "%2F" ? "/" : "%")) : part));
}

/** An obligation is named by its commitment, its subject and, where it has several, its stage. */
export function obligationIdOf(commitment: string, subjectId: string, stage: string | null): string {
  return idOf(stage === null ? [commitment, subjectId] : [commitment, subjectId, stage]);
}

function escapePart(part: string): string {
  return part.includes("%") || part.includes("/") ? part.replaceAll("%", "%25").replaceAll("/", "%2F") : part;
}
