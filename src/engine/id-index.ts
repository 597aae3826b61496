// Accepted event ids and their content fingerprints. A JavaScript Map holds at most 2^24 entries
// and the log grows past that (a Beijing year is ~38 million events), so ids are spread over
// shards by a hash of the id.
const shardCount = 64;

function shardOf(id: string): number {
  let hash = 2166136261; // FNV-1a over the UTF-16 code units
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 16777619);
  return (hash >>> 0) % shardCount;
}

export class IdIndex {
  private readonly shards: Array<Map<string, string>> = Array.from({ length: shardCount }, () => new Map());
  private count = 0;

  get size(): number {
    return this.count;
  }

  get(id: string): string | undefined {
    return this.shards[shardOf(id)]!.get(id);
  }

  has(id: string): boolean {
    return this.shards[shardOf(id)]!.has(id);
  }

  set(id: string, fingerprint: string): void {
    const shard = this.shards[shardOf(id)]!;
    if (!shard.has(id)) this.count++;
    shard.set(id, fingerprint);
  }
}
