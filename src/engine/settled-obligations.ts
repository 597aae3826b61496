// Fulfilled obligations, in columns. A fulfilled obligation never changes again, and nearly every
// obligation ends fulfilled (a Beijing year opens ~6 million, 99.9% kept). As objects they cost
// ~500 bytes each and dominated a city-year replay's heap; here a record costs ~100 bytes, outside
// the collector's object graph: strings as indexes into string tables (subjects and people here,
// event ids in the accepted-id index that already holds them), times as numbers. Reading one
// back builds a frozen copy equal to what was archived.
import { assert } from "../domain/assert.js";
import type { Obligation } from "../domain/obligations.js";
import type { IdIndex } from "./id-index.js";
import { obligationIdOf } from "./ids.js";
import { grown, StringTable } from "./string-table.js";

/** A few distinct values (commitments, versions, cities, brands, stages) as small codes; 0 is null. */
class Symbols {
  private readonly codes = new Map<string, number>();
  private readonly texts: Array<string | null> = [null];

  code(text: string | null): number {
    if (text === null) return 0;
    let code = this.codes.get(text);
    if (code === undefined) {
      code = this.texts.push(text) - 1;
      assert(code < 1 << 16, "at most 65,535 distinct commitments, versions, cities, brands and stages");
      this.codes.set(text, code);
    }
    return code;
  }

  /** The code of a text already seen, or -1 (a lookup must not grow the table). */
  known(text: string | null): number {
    return text === null ? 0 : (this.codes.get(text) ?? -1);
  }

  text(code: number): string | null {
    return this.texts[code]!;
  }
}

/** What does not fit the columns (several causes, or ids the index does not hold), kept as it is. */
interface Unusual {
  causedBy: string[];
  byEventId: string;
}

export class SettledObligations {
  private readonly subjects = new StringTable();
  private readonly people = new StringTable();
  private readonly symbols = new Symbols();
  /** Per subject index: its latest record, or -1. */
  private latestOfSubject = new Int32Array(1 << 10).fill(-1);
  private readonly unusual = new Map<number, Unusual>();
  private count = 0;
  // Per record, one column each.
  private previous = new Int32Array(1 << 10); // the subject's record before this one, or -1
  private subject = new Int32Array(1 << 10);
  private ordinal = new Float64Array(1 << 10); // the register's opening order
  private commitment = new Uint16Array(1 << 10);
  private version = new Uint16Array(1 << 10);
  private city = new Uint16Array(1 << 10);
  private brand = new Uint16Array(1 << 10);
  private stage = new Uint16Array(1 << 10);
  private beneficiary = new Int32Array(1 << 10); // -1 is null
  private responsible = new Int32Array(1 << 10);
  private openedAt = new Float64Array(1 << 10);
  private dueAt = new Float64Array(1 << 10);
  private fulfilledAt = new Float64Array(1 << 10);
  private afterBreach = new Uint8Array(1 << 10);
  private cause = new Int32Array(1 << 10); // -1: see `unusual`
  private byEvent = new Int32Array(1 << 10);

  /** Event ids are kept as references into the accepted-id index. */
  constructor(private readonly events: IdIndex) {}

  get size(): number {
    return this.count;
  }

  add(obligation: Obligation, ordinal: number): void {
    const p = obligation.progress;
    assert(p.status === "fulfilled", `only a fulfilled obligation is settled: ${obligation.id}`);
    if (this.count === this.previous.length) this.grow();
    const r = this.count++;
    const s = this.subjects.add(obligation.subjectId);
    if (s === this.latestOfSubject.length) {
      const larger = grown(this.latestOfSubject);
      larger.fill(-1, s);
      this.latestOfSubject = larger;
    }
    this.previous[r] = this.latestOfSubject[s]!;
    this.latestOfSubject[s] = r;
    this.subject[r] = s;
    this.ordinal[r] = ordinal;
    this.commitment[r] = this.symbols.code(obligation.commitment);
    this.version[r] = this.symbols.code(obligation.versionKey);
    this.city[r] = this.symbols.code(obligation.city);
    this.brand[r] = this.symbols.code(obligation.brand);
    this.stage[r] = this.symbols.code(obligation.stage);
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
    const s = this.subjects.indexOf(subjectId);
    for (let r = s < 0 ? -1 : this.latestOfSubject[s]!; r >= 0; r = this.previous[r]!) found.push(this.read(r, subjectId));
    return found.reverse();
  }

  find(commitment: string, subjectId: string, stage: string | null): Obligation | undefined {
    const c = this.symbols.known(commitment);
    const t = this.symbols.known(stage);
    const s = c < 0 || t < 0 ? -1 : this.subjects.indexOf(subjectId);
    for (let r = s < 0 ? -1 : this.latestOfSubject[s]!; r >= 0; r = this.previous[r]!) {
      if (this.commitment[r] === c && this.stage[r] === t) return this.read(r, subjectId);
    }
    return undefined;
  }

  /** Every settled obligation with its opening ordinal, in the order they were settled. */
  *entries(): Generator<[number, Obligation]> {
    for (let r = 0; r < this.count; r++) yield [this.ordinal[r]!, this.read(r, this.subjects.textAt(this.subject[r]!))];
  }

  private read(r: number, subjectId: string): Obligation {
    const text = (code: number) => this.symbols.text(code);
    const person = (index: number) => (index < 0 ? null : this.people.textAt(index));
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

  private grow(): void {
    this.previous = grown(this.previous);
    this.subject = grown(this.subject);
    this.ordinal = grown(this.ordinal);
    this.commitment = grown(this.commitment);
    this.version = grown(this.version);
    this.city = grown(this.city);
    this.brand = grown(this.brand);
    this.stage = grown(this.stage);
    this.beneficiary = grown(this.beneficiary);
    this.responsible = grown(this.responsible);
    this.openedAt = grown(this.openedAt);
    this.dueAt = grown(this.dueAt);
    this.fulfilledAt = grown(this.fulfilledAt);
    this.afterBreach = grown(this.afterBreach);
    this.cause = grown(this.cause);
    this.byEvent = grown(this.byEvent);
  }
}
