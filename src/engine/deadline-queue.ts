// Open obligations ordered by due time, then id, so that equal times sweep in one order.
//
// Deadlines fall on few distinct times: a showing's feedback is due a fixed time after the start
// of the next business day, so a Beijing day's ~16,000 showings share one. The ids due at a time
// share a bucket, sorted once when it is swept, and the heap orders the distinct times alone, as
// numbers. A heap of every deadline compared ids, with their long common prefixes, at each level.
// Looking at the earliest time does not sort its bucket: a live service looks at every tick, while
// the day's showings are still being pushed into it, each of which would then be inserted in place.
export interface Due {
  dueAt: number;
  id: string;
}

/** The ids due at one time; once it is swept, sorted, with those before `next` swept. */
interface Bucket {
  ids: string[];
  sorted: boolean;
  next: number;
}

export class DeadlineQueue {
  /** The distinct due times, as a binary heap. */
  private readonly times: number[] = [];
  private readonly buckets = new Map<number, Bucket>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  push(item: Due): void {
    this.count++;
    const bucket = this.buckets.get(item.dueAt);
    if (bucket === undefined) {
      this.buckets.set(item.dueAt, { ids: [item.id], sorted: false, next: 0 });
      this.pushTime(item.dueAt);
    } else if (!bucket.sorted) {
      bucket.ids.push(item.id);
    } else {
      // Due at the time being swept: it takes its place among the ids not swept yet.
      const ids = bucket.ids;
      let low = bucket.next;
      let high = ids.length;
      while (low < high) {
        const middle = (low + high) >>> 1;
        if (ids[middle]! <= item.id) low = middle + 1;
        else high = middle;
      }
      ids.splice(low, 0, item.id);
    }
  }

  /** The earliest due time, live ids or not; its bucket is left unsorted until it is swept (pop). */
  firstDueAt(): number | undefined {
    return this.times[0];
  }

  /**
   * The earliest due time at which some id is still `live`, dropping on the way ids that are not.
   * A bucket not being swept is looked at from its end, where dropping costs nothing: unsorted.
   */
  firstLiveDueAt(live: (id: string) => boolean): number | undefined {
    for (let dueAt = this.times[0]; dueAt !== undefined; dueAt = this.times[0]) {
      const bucket = this.buckets.get(dueAt)!;
      const ids = bucket.ids;
      if (bucket.sorted) {
        for (; bucket.next < ids.length && !live(ids[bucket.next]!); bucket.next++) this.count--;
      } else {
        for (; ids.length > 0 && !live(ids[ids.length - 1]!); ids.pop()) this.count--;
      }
      if (bucket.next < ids.length) return dueAt;
      this.dropFront(dueAt);
    }
    return undefined;
  }

  /**
   * The next `live` id due at the earliest time, or undefined once that time has none left (it is
   * then forgotten). Ids not live when their time is first swept are dropped before it is sorted:
   * most obligations are fulfilled before they fall due, and sorting theirs was most of a replay's
   * sweeps. An id is live again only by being pushed again.
   */
  pop(live: (id: string) => boolean): Due | undefined {
    const dueAt = this.times[0];
    if (dueAt === undefined) return undefined;
    const bucket = this.buckets.get(dueAt)!;
    if (!bucket.sorted) {
      const ids = bucket.ids.filter(live);
      this.count -= bucket.ids.length - ids.length;
      ids.sort(); // by UTF-16 code units, as `<` compares
      bucket.ids = ids;
      bucket.sorted = true;
    }
    let id: string | undefined;
    while (bucket.next < bucket.ids.length && id === undefined) {
      const next = bucket.ids[bucket.next++]!;
      this.count--;
      if (live(next)) id = next;
    }
    if (bucket.next === bucket.ids.length) this.dropFront(dueAt);
    return id === undefined ? undefined : { dueAt, id };
  }

  /** Forgets the earliest time, whose bucket is empty or swept. */
  private dropFront(dueAt: number): void {
    this.buckets.delete(dueAt);
    this.popTime();
  }

  private pushTime(time: number): void {
    const heap = this.times;
    let i = heap.push(time) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent]! <= time) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = time;
  }

  private popTime(): void {
    const heap = this.times;
    const last = heap.pop()!;
    if (heap.length === 0) return;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && heap[right]! < heap[left]! ? right : left;
      if (heap[child]! >= last) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = last;
  }
}
