// The obligations register: every obligation ever opened, by id and by subject. Those that may
// still change (open, or breached and waiting for late evidence) are live objects; once every
// obligation of a subject is fulfilled, the subject's obligations are settled into columns
// (settled-obligations.ts). A subject's settled obligations were all opened before any live one
// of it, so its list in opening order is the settled ones, then the live ones.
import { assert } from "../domain/assert.js";
import { fulfil, type Obligation, type ObligationStatus } from "../domain/obligations.js";
import type { Instant } from "../domain/time.js";
import type { IdIndex } from "./id-index.js";
import { obligationIdOf, partsOf } from "./ids.js";
import { SettledObligations } from "./settled-obligations.js";
import type { StringTable } from "./string-table.js";

export class Obligations {
  private readonly live = new Map<string, Obligation>();
  /** Most subjects have one obligation, held as it is; a list only for several (a complaint's three stages). */
  private readonly liveBySubject = new Map<string, Obligation | Obligation[]>();
  private readonly settled: SettledObligations;

  /** `subjects` numbers subject ids (settled-obligations.ts); `capacity`: the settled obligations to make room for at the start (string-table.ts). */
  constructor(events: IdIndex, subjects?: StringTable, capacity = 0) {
    this.settled = new SettledObligations(events, subjects, capacity);
  }

  get size(): number {
    return this.live.size + this.settled.size;
  }

  get(id: string): Obligation | undefined {
    const live = this.live.get(id);
    if (live !== undefined) return live;
    const [commitment, subjectId, stage, ...rest] = partsOf(id);
    return subjectId === undefined || rest.length > 0 ? undefined : this.settled.find(commitment!, subjectId, stage ?? null);
  }

  find(commitment: string, subjectId: string, stage: string | null, id = obligationIdOf(commitment, subjectId, stage)): Obligation | undefined {
    return this.live.get(id) ?? this.settled.find(commitment, subjectId, stage);
  }

  /** The obligation if it is open: what a deadline sweep acts on (settled ones never are). */
  open(id: string): Obligation | undefined {
    const live = this.live.get(id);
    return live?.progress.status === "open" ? live : undefined;
  }

  /** A subject's obligations in the order they were opened. */
  ofSubject(subjectId: string): readonly Obligation[] {
    const live = this.liveOf(subjectId);
    const settled = this.settled.ofSubject(subjectId);
    if (live.length === 0) return settled;
    return settled.length === 0 ? live : settled.concat(live);
  }

  add(obligation: Obligation): void {
    this.live.set(obligation.id, obligation);
    const held = this.liveBySubject.get(obligation.subjectId);
    if (held === undefined) this.liveBySubject.set(obligation.subjectId, obligation);
    else if (Array.isArray(held)) held.push(obligation);
    else this.liveBySubject.set(obligation.subjectId, [held, obligation]);
  }

  /** Fulfils a live obligation and settles its subject if that was the last one outstanding. */
  fulfil(obligation: Obligation, evidence: { at: Instant; eventId: string }): void {
    const subject = this.liveOf(obligation.subjectId);
    assert(subject.includes(obligation), `only a live obligation is fulfilled here: ${obligation.id}`);
    fulfil(obligation, evidence);
    if (subject.some((o) => o.progress.status !== "fulfilled")) return;
    this.liveBySubject.delete(obligation.subjectId);
    for (const o of subject) {
      this.settled.add(o);
      this.live.delete(o.id);
    }
  }

  /** A subject's live obligations, however they are held. */
  private liveOf(subjectId: string): readonly Obligation[] {
    const held = this.liveBySubject.get(subjectId);
    return held === undefined ? [] : Array.isArray(held) ? held : [held];
  }

  /** How many obligations stand in each status, without reading back the settled ones. */
  countByStatus(): Map<ObligationStatus, number> {
    const counts = new Map<ObligationStatus, number>();
    if (this.settled.size > 0) counts.set("fulfilled", this.settled.size);
    for (const { progress } of this.live.values()) counts.set(progress.status, (counts.get(progress.status) ?? 0) + 1);
    return counts;
  }

  /** How many obligations stand breached, per commitment (only live ones can be). */
  breachedByCommitment(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const { commitment, progress } of this.live.values()) if (progress.status === "breached") counts.set(commitment, (counts.get(commitment) ?? 0) + 1);
    return counts;
  }

  /**
   * Every obligation by the time it was opened, then the time it falls due, then id: an order that
   * depends on nothing but the obligations.
   */
  values(): Obligation[] {
    return [...this.inOrder()];
  }

  /**
   * values(), read back one at a time: sorted by their keys alone, as a city-year's millions of
   * obligations, read back as objects all at once, took more than a 4 GB heap.
   */
  *inOrder(): Generator<Obligation> {
    const live = [...this.live.values()];
    const settled = this.settled.size;
    const total = settled + live.length;
    const openedAt = new Float64Array(total);
    const dueAt = new Float64Array(total);
    const ids = new Array<string>(total);
    for (let i = 0; i < total; i++) {
      const keys = i < settled ? this.settled.keysAt(i) : live[i - settled]!;
      openedAt[i] = keys.openedAt;
      dueAt[i] = keys.dueAt;
      ids[i] = keys.id;
    }
    const order = Array.from({ length: total }, (_, i) => i);
    order.sort((a, b) => openedAt[a]! - openedAt[b]! || dueAt[a]! - dueAt[b]! || (ids[a]! < ids[b]! ? -1 : ids[a]! > ids[b]! ? 1 : 0));
    for (const i of order) yield i < settled ? this.settled.at(i) : live[i - settled]!;
  }
}
