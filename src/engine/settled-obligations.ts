// Fulfilled obligations, in columns. A fulfilled obligation never changes again, and nearly every
// obligation ends fulfilled (a Beijing year opens ~6 million, 99.9% kept). As objects they cost
// ~500 bytes each and dominated a city-year replay's heap; here a record costs ~100 bytes, outside
// the collector's object graph: subjects in a string table, event ids as indexes into the
// accepted-id index that already holds them, people and the few commitments, versions, cities,
// brands and stages as dictionary codes, times as numbers. Reading one back builds a frozen copy
// equal to what was archived.
import { assert } from "../domain/assert.js";
import type { Obligation } from "../domain/obligations.js";
import type { IdIndex } from "./id-index.js";
import { obligationIdOf } from "./ids.js";
import { columnLength, Dictionary, grown } from "./columns.js";
import { StringTable } from "./string-table.js";

/** What does not fit the columns (several causes, or ids the index does not hold), kept as it is. */
interface Unusual {
  causedBy: string[];
  byEventId: string;
}

export class SettledObligations {
  /** People, by the million (a null one is -1), numbered by their counters where they have them; the few commitments, versions, cities, brands and stages (code + 1, so that 0 is null). */
  private readonly people = new StringTable(0, { byCounter: true });
  private readonly symbols = new Dictionary();
  /** Per subject index: its latest record + 1, or 0 (so that room made up front needs no filling). */
  private latestOfSubject: Int32Array;
  private readonly unusual = new Map<number, Unusual>();
  private count = 0;
  // Per record, one column each; allocated by `grow`.
  private previous = new Int32Array(0); // the subject's record before this one, or -1
  private subject = new Int32Array(0);
  private commitment = new Uint16Array(0);
  private version = new Uint16Array(0);
  private city = new Uint16Array(0);
  private brand = new Uint16Array(0);
  private stage = new Uint16Array(0);
  private beneficiary = new Int32Array(0); // -1 is null
  private responsible = new Int32Array(0);
  private openedAt = new Float64Array(0);
  private dueAt = new Float64Array(0);
  private fulfilledAt = new Float64Array(0);
  private afterBreach = new Uint8Array(0);
  private cause = new Int32Array(0); // -1: see `unusual`
  private byEvent = new Int32Array(0);

  /**
   * Event ids are kept as references into the accepted-id index, subjects as their numbers in
   * `subjects` (shared with the showings' columns: state.ts). `capacity`: the records to make
   * room for at the start (string-table.ts).
   */
  constructor(
    private readonly events: IdIndex,
    private readonly subjects = new StringTable(),
    capacity = 0,
  ) {
    const length = columnLength(capacity);
    this.latestOfSubject = new Int32Array(length);
    this.grow(length);
  }

  get size(): number {
    return this.count;
  }

  add(obligation: Obligation): void {
    const p = obligation.progress;
    assert(p.status === "fulfilled", `only a fulfilled obligation is settled: ${obligation.id}`);
    if (this.count === this.previous.length) this.grow();
    const r = this.count++;
    const s = this.subjects.add(obligation.subjectId);
    if (s >= this.latestOfSubject.length) this.latestOfSubject = grown(this.latestOfSubject, s + 1);
    this.previous[r] = this.latestOfSubject[s]! - 1;
    this.latestOfSubject[s] = r + 1;
    this.subject[r] = s;
    this.commitment[r] = this.symbols.code(obligation.commitment) + 1;
    this.version[r] = this.symbols.code(obligation.versionKey) + 1;
    this.city[r] = this.symbols.code(obligation.city) + 1;
    this.brand[r] = this.symbols.code(obligation.brand) + 1;
    this.stage[r] = obligation.stage === null ? 0 : this.symbols.code(obligation.stage) + 1;
    assert(this.symbols.size < 0xffff, "at most 65,534 distinct commitments, versions, cities, brands and stages (16-bit codes)");
    this.beneficiary[r] = obligation.beneficiaryId === null ? -1 : this.people.add(obligation.beneficiaryId);
    this.responsible[r] = obligation.responsibleId === null ? -1 : this.people.add(obligation.responsibleId);
    this.openedAt[r] = obligation.openedAt;
    this.dueAt[r] = obligation.dueAt;
    this.fulfilledAt[r] = p.fulfilledAt;
    this.afterBreach[r] = p.afterBreach ? 1 : 0;
    const cause = obligation.causedBy.length === 1 ? this.events.indexOf(obligation.causedBy[0]!) : -1;
    const byEvent = this.events.indexOf(p.byEventId);
    if (cause < 0 || byEvent < 0) this.unusual.set(r, { causedBy: [...obligation.causedBy], byEventId: p.byEventId });
    this.cause[r] = cause;
    this.byEvent[r] = byEvent;
  }

  /** The subject's settled obligations in the order they were opened. */
  ofSubject(subjectId: string): Obligation[] {
    const found: Obligation[] = [];
    for (let r = this.latestOf(subjectId); r >= 0; r = this.previous[r]!) found.push(this.read(r, subjectId));
    return found.reverse();
  }

  find(commitment: string, subjectId: string, stage: string | null): Obligation | undefined {
    const c = this.symbols.known(commitment) + 1;
    const t = stage === null ? 0 : this.symbols.known(stage) + 1;
    if (c === 0 || (stage !== null && t === 0)) return undefined; // never settled under these keys
    for (let r = this.latestOf(subjectId); r >= 0; r = this.previous[r]!) {
      if (this.commitment[r] === c && this.stage[r] === t) return this.read(r, subjectId);
    }
    return undefined;
  }

  /** The r-th settled obligation (in the order they were settled), read back. */
  at(r: number): Obligation {
    return this.read(r, this.subjects.textAt(this.subject[r]!));
  }

  /** The r-th settled obligation's sort keys (Obligations.inOrder), without reading it back. */
  keysAt(r: number): { openedAt: number; dueAt: number; id: string } {
    const text = (code: number) => (code === 0 ? null : this.symbols.text(code - 1));
    return { openedAt: this.openedAt[r]!, dueAt: this.dueAt[r]!, id: obligationIdOf(text(this.commitment[r]!)!, this.subjects.textAt(this.subject[r]!), text(this.stage[r]!)) };
  }

  /** The subject's latest record (the others follow `previous`), or -1. */
  private latestOf(subjectId: string): number {
    const s = this.subjects.indexOf(subjectId);
    return s < 0 ? -1 : this.latestOfSubject[s]! - 1;
  }

  private read(r: number, subjectId: string): Obligation {
    const text = (code: number) => (code === 0 ? null : this.symbols.text(code - 1));
    const person = (code: number) => (code < 0 ? null : this.people.textAt(code));
    const unusual = this.unusual.get(r);
    const commitment = text(this.commitment[r]!)!;
    const stage = text(this.stage[r]!);
    return Object.freeze({
      id: obligationIdOf(commitment, subjectId, stage),
      commitment,
      versionKey: text(this.version[r]!)!,
      city: text(this.city[r]!)!,
      brand: text(this.brand[r]!)!,
      subjectId,
      stage,
      beneficiaryId: person(this.beneficiary[r]!),
      responsibleId: person(this.responsible[r]!),
      openedAt: this.openedAt[r]!,
      dueAt: this.dueAt[r]!,
      causedBy: Object.freeze(unusual?.causedBy ?? [this.events.idAt(this.cause[r]!)]) as string[],
      progress: Object.freeze({
        status: "fulfilled" as const,
        fulfilledAt: this.fulfilledAt[r]!,
        byEventId: unusual?.byEventId ?? this.events.idAt(this.byEvent[r]!),
        afterBreach: this.afterBreach[r] === 1,
      }),
    });
  }

  /** Every column made half as long again, or `atLeast` long, its records copied. */
  private grow(atLeast?: number): void {
    this.previous = grown(this.previous, atLeast);
    this.subject = grown(this.subject, atLeast);
    this.commitment = grown(this.commitment, atLeast);
    this.version = grown(this.version, atLeast);
    this.city = grown(this.city, atLeast);
    this.brand = grown(this.brand, atLeast);
    this.stage = grown(this.stage, atLeast);
    this.beneficiary = grown(this.beneficiary, atLeast);
    this.responsible = grown(this.responsible, atLeast);
    this.openedAt = grown(this.openedAt, atLeast);
    this.dueAt = grown(this.dueAt, atLeast);
    this.fulfilledAt = grown(this.fulfilledAt, atLeast);
    this.afterBreach = grown(this.afterBreach, atLeast);
    this.cause = grown(this.cause, atLeast);
    this.byEvent = grown(this.byEvent, atLeast);
  }
}
