// Group commit: items submitted one at a time are written together, in one write, each caller
// answered with its own result; if that write fails, each with its failure. A write starts once
// the requests that have arrived are all read (setImmediate: after the event loop's I/O), since
// a write that never waits for I/O (SQLite's, on the event loop) would otherwise end before the
// next request is read; items that come while it is under way wait for it and go in the next.
// Sixteen senders of single events then cost about one transaction for every sixteen events.
export class GroupCommit<T, R> {
  private readonly waiting: Array<{ item: T; resolve: (result: R) => void; reject: (error: unknown) => void }> = [];
  private writing = false;

  /** `writeAll` returns one result per item, in order. */
  constructor(private readonly writeAll: (items: T[]) => Promise<R[]>, private readonly maxItems: number) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (this.writing) return;
      this.writing = true;
      setImmediate(() => void this.writeWaiting());
    });
  }

  private async writeWaiting(): Promise<void> {
    while (this.waiting.length > 0) {
      const group = this.waiting.splice(0, this.maxItems);
      try {
        const results = await this.writeAll(group.map((w) => w.item));
        group.forEach((w, i) => w.resolve(results[i]!));
      } catch (error) {
        for (const w of group) w.reject(error);
      }
    }
    this.writing = false;
  }
}
