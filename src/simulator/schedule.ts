// Events of a simulated history, bucketed by business day so that each day is written in time order.
import type { Envelope } from "../domain/events/schema.js";
import { InvariantError } from "../domain/assert.js";
import { formatInstant, msPerDay, type Instant } from "../domain/time.js";

export type SimEvent = Envelope;

export class Schedule {
  private readonly buckets = new Map<number, Array<{ at: Instant; seq: number; event: SimEvent }>>();
  private seq = 0;
  /** The first day not yet taken: an event for an earlier one would never be written. */
  private firstUntakenDay = 0;

  constructor(
    private readonly place: { city: string; brand: string; idPrefix: string },
    private readonly firstDayAt: Instant,
    private readonly days: number,
  ) {}

  /**
   * Schedules an event; one outside the simulated days is not written. Its id is numbered either
   * way, so that a shorter run's ids are the longer one's.
   */
  add(at: Instant, type: string, data: Record<string, unknown>): void {
    const day = Math.floor((at - this.firstDayAt) / msPerDay);
    const seq = ++this.seq;
    if (day < 0 || day >= this.days) return;
    // A day already written is gone: a deal's proposals, dated before the day its sale was drawn, were lost so.
    if (day < this.firstUntakenDay) throw new InvariantError(`${type} at ${formatInstant(at)} falls on a day already written`);
    const event: SimEvent = { id: `${this.place.idPrefix}-${seq}`, type, occurredAt: formatInstant(at), city: this.place.city, brand: this.place.brand, data };
    let bucket = this.buckets.get(day);
    if (bucket === undefined) this.buckets.set(day, (bucket = []));
    bucket.push({ at, seq, event });
  }

  /** The events of a day in time order, forgotten once taken. */
  take(day: number): SimEvent[] {
    this.firstUntakenDay = day + 1;
    const bucket = this.buckets.get(day) ?? [];
    this.buckets.delete(day);
    bucket.sort((a, b) => a.at - b.at || a.seq - b.seq);
    return bucket.map((entry) => entry.event);
  }
}
