// Group commit: items submitted one at a time are written together, in one write, each caller
// answered with its own result. A write starts once the requests that have arrived are all read
// (setImmediate: after the event loop's I/O), since a write that never waits for I/O (SQLite's, on
// the event loop) would otherwise end before the next request is read; items that come while it
// is under way go in the next. Sixteen senders of single events then cost about one transaction
// for every sixteen events. If a group's write fails for a reason that may be one item's (not the
// store being down), its items are written again one by one, so that only what fails fails.
import { AsyncResource } from "node:async_hooks";
import { InvariantError } from "../domain/assert.js";

interface Waiting<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

export class GroupCommit<T, R> {
  private readonly waiting: Array<Waiting<T, R>> = [];
  /** A write is scheduled or under way: what is submitted meanwhile waits for it. */
  private draining = false;
  // Bound now, so that writes run in no caller's async context (writer-scope.ts keeps one there).
  private readonly drain = AsyncResource.bind(() => void this.writeWaiting());

  /**
   * `writeAll` returns one result per item, in order. `byItem` says whether a group's failure may
   * be one item's, so that its items are written again alone.
   */
  constructor(
    private readonly writeAll: (items: T[]) => Promise<R[]>,
    private readonly maxItems: number,
    private readonly byItem: (error: unknown) => boolean,
  ) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (this.draining) return;
      this.draining = true;
      setImmediate(this.drain);
    });
  }

  private async writeWaiting(): Promise<void> {
    while (this.waiting.length > 0) {
      const group = this.waiting.splice(0, this.maxItems);
      const failure = await this.write(group);
      if (failure === null) continue;
      if (group.length === 1 || !this.byItem(failure.error)) {
        for (const w of group) w.reject(failure.error);
        continue;
      }
      for (const w of group) {
        const alone = await this.write([w]);
        if (alone !== null) w.reject(alone.error);
      }
    }
    this.draining = false;
  }

  /** Writes a group and answers its callers; on failure answers none and says why. */
  private async write(group: Array<Waiting<T, R>>): Promise<{ error: unknown } | null> {
    let results: R[];
    try {
      results = await this.writeAll(group.map((w) => w.item));
    } catch (error) {
      return { error };
    }
    group.forEach((w, i) => (i < results.length ? w.resolve(results[i]!) : w.reject(new InvariantError("a group commit's write left an item unanswered"))));
    return null;
  }
}
