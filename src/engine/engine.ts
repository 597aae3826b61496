// The engine: applies events and ticks of the clock to its state. The only place that orchestrates.
// Same events, catalogue and clock in; same state out, byte for byte. No I/O, no wall clock.
import { applicableVersions, versionsOfKind, type Catalogue, type Version } from "../domain/catalogue/index.js";
import { notJson } from "../domain/events/json.js";
import type { EventType } from "../domain/events/schema.js";
import { redactRejected, validateEvent, type AcceptedEvent, type Rejection } from "../domain/events/validate.js";
import { phoneKeyOf, preCallCheck, type CallPurpose, type PreCallAnswer } from "../domain/consent.js";
import { recordFacts } from "../domain/facts.js";
import { identifyPhone, isPhoneNumber, maskPhonesIn } from "../domain/phone.js";
import { assessDeal, overallDecision, type RiskDecision, type RiskFinding } from "../domain/risk.js";
import { ruleKinds, type RuleKind } from "../domain/rules/index.js";
import type { Instant } from "../domain/time.js";
import { applyCommand, commandTypes } from "./commands.js";
import { elsewhere, namesAnothersRecord } from "../domain/ownership.js";
import { Context } from "./context.js";
import { createState, type EngineState } from "./state.js";
import { versionIndex, Workflow } from "./workflow.js";

export interface EngineOptions {
  catalogue: Catalogue;
  /** The secret phones are hashed with; from configuration, never in the log. */
  phoneKey: string;
  /** Whether to keep what changed for a store to write (default); a replay writes nothing. */
  keepChanges?: boolean;
  /** Roughly how many events it will hold, if known (state.ts). */
  expectedEvents?: number;
}

export type Outcome =
  | { status: "accepted"; event: AcceptedEvent }
  | { status: "duplicate"; eventId: string }
  | { status: "rejected"; eventId: string | null; rejection: Rejection };

/** When an input was received, and from whom where the shell knows (kept with a rejection). */
export interface Receipt {
  now: Instant;
  sender?: string;
  /**
   * An event read back from the log, applied as it was when logged: what decided then whether it
   * was taken (ownership.ts) is not asked again, so that a log written before such a rule came in
   * rebuilds the state its store holds.
   */
  logged?: true;
}

export interface PreSigningAnswer {
  dealId: string;
  decision: RiskDecision;
  findings: RiskFinding[];
  reason: string;
}

type AnyRuleKind = RuleKind<any>;

export class Engine {
  readonly state: EngineState;
  readonly catalogue: Catalogue;
  private readonly phoneKey: string;
  private readonly versions: Map<string, Version>;
  private readonly workflow: Workflow;
  private readonly context: Context;
  /** Per event type: the published versions whose rule may open something on it. */
  private readonly openers = new Map<EventType, Version[]>();
  private readonly followers = new Map<EventType, AnyRuleKind[]>();
  /** Whether a deadline's obligation is still open: a sweep acts on those alone. */
  private readonly isOpen = (id: string): boolean => this.state.obligations.open(id) !== undefined;

  constructor(options: EngineOptions) {
    this.state = createState({ keepChanges: options.keepChanges ?? true, expectedEvents: options.expectedEvents });
    this.catalogue = options.catalogue;
    this.phoneKey = options.phoneKey;
    this.versions = versionIndex(options.catalogue.versions);
    this.workflow = new Workflow(this.state, options.catalogue.settings);
    this.context = new Context(this.state, options.catalogue, this.versions, this.workflow);
    for (const version of options.catalogue.versions) {
      if (version.status !== "published") continue;
      const kind = ruleKinds[version.rule.kind] as AnyRuleKind;
      for (const type of kind.opensOn(version.rule)) pushTo(this.openers, type, version);
    }
    for (const kind of Object.values(ruleKinds) as AnyRuleKind[]) {
      for (const type of kind.followsUp) pushTo(this.followers, type, kind);
    }
  }

  /** Validates, deduplicates and applies one event as received at `now`. Never throws on bad input. */
  submit(input: unknown, options: Receipt): Outcome {
    const validation = validateEvent(input, { phoneKey: this.phoneKey });
    if (!validation.ok) return this.reject(input, validation.rejection, options);
    return this.accept(validation.event, options);
  }

  /** Applies an event that already passed validation (a replayed log). */
  accept(event: AcceptedEvent, options: Receipt): Outcome {
    const verdict = this.state.seen.verdict(event.id, event.digest);
    if (verdict === "duplicate") {
      this.state.counts.duplicates++;
      return { status: "duplicate", eventId: event.id };
    }
    if (verdict === "conflict") {
      return this.reject(event, { code: "conflict", message: `event ${event.id} was already accepted with other content`, field: "id" }, options);
    }
    this.advanceClock(options.now);
    if (commandTypes.has(event.type)) {
      const refusal = applyCommand(this.state, this.workflow, event, this.context.now);
      if (refusal !== null) return this.reject(event, refusal, options);
      this.state.seen.set(event.id, event.digest);
    } else {
      const field = options.logged === true ? null : namesAnothersRecord(this.state.facts, event);
      if (field !== null) {
        const id = (event.data as Record<string, unknown>)[field.slice("data.".length)];
        return this.reject(event, { code: "out_of_scope", message: `${field} ${String(id)} is a record of another brand or city`, field }, options);
      }
      // Known before its rules run: an obligation it fulfils is settled with a reference to it.
      this.state.seen.set(event.id, event.digest);
      this.applyRules(event);
    }
    this.state.counts.accepted++;
    return { status: "accepted", event };
  }

  /**
   * Processes every open obligation due by `now`: at the same instant, events come before
   * deadlines, so `inclusive: false` sweeps only what fell due strictly before `now`.
   * A virtual clock (replay) steps through each due time; a live clock detects at `now`. With a
   * `limit`, it stops after breaching that many: the caller calls again for the rest.
   */
  tick(now: Instant, options: { inclusive: boolean; virtual?: boolean; limit?: number } = { inclusive: true }): number {
    if (!options.virtual) this.advanceClock(now);
    const limit = options.limit ?? Infinity;
    let processed = 0;
    for (let dueAt = this.state.deadlines.firstDueAt(); dueAt !== undefined && processed < limit; dueAt = this.state.deadlines.firstDueAt()) {
      if (dueAt > now || (dueAt === now && !options.inclusive)) break;
      const due = this.state.deadlines.pop(this.isOpen);
      if (due === undefined) continue; // none open at that time
      if (options.virtual) this.advanceClock(dueAt);
      const obligation = this.state.obligations.open(due.id)!;
      const version = this.versions.get(obligation.versionKey)!;
      const kind = ruleKinds[version.rule.kind] as AnyRuleKind;
      this.context.breach(obligation, () => kind.onDue?.(this.context, version, obligation));
      processed++;
    }
    this.advanceClock(now);
    return processed;
  }

  /** A line that is not even JSON is still kept, with the reason. */
  rejectUnparseable(text: string, error: string, now: Instant): Outcome {
    return this.reject(text.slice(0, 2_000), notJson(error), { now });
  }

  /** "May agent A7 call this number for marketing now?" Answers from what the engine knows at `at`. */
  preCallCheck(request: { phone: string; purpose: CallPurpose; city: string; brand: string; at: Instant }): PreCallAnswer | Rejection {
    const identity = identifyPhone(request.phone, this.phoneKey);
    if (identity === null) return { code: "invalid_phone", message: "not a valid E.164 phone number", field: "phone" };
    const live = versionsOfKind(this.applicable(request), "forbidden-act").some((v) => v.rule.act === "marketing-call-without-consent");
    return preCallCheck(this.state.facts.phones.get(phoneKeyOf(request.brand, identity.phoneHash)), { ...request, phoneMasked: identity.phoneMasked, commitmentLive: live });
  }

  /** "May deal D1 be signed now?" pass, warn or halt, with every reason. */
  preSigningCheck(request: { dealId: string; city: string; brand: string; at: Instant; priceFen?: number }): PreSigningAnswer {
    const versions = versionsOfKind(this.applicable(request), "pre-signing-risk");
    const known = this.state.facts.deals.get(request.dealId);
    // Another brand's or city's deal of that id is not this asker's to see (ownership.ts).
    const deal = known === undefined || elsewhere(known, request) ? undefined : known;
    if (versions.length === 0 || deal === undefined) {
      const reason = versions.length === 0 ? "no pre-signing risk rules are live here" : `no events known for deal ${request.dealId}`;
      return { dealId: request.dealId, decision: "pass", findings: [], reason };
    }
    const listing = deal.listingId === null ? undefined : this.state.facts.listings.get(deal.listingId);
    const findings = versions.flatMap((v) => assessDeal(deal, listing, v.rule, request.at, request.priceFen));
    const decision = overallDecision(findings);
    return { dealId: request.dealId, decision, findings, reason: findings.length === 0 ? "no risk found" : findings.map((f) => f.reason).join("; ") };
  }

  /** The earliest due time of an open obligation, if any: whether a tick would do anything. */
  nextDueAt(): Instant | null {
    return this.state.deadlines.firstLiveDueAt(this.isOpen) ?? null;
  }

  /** Versions of every commitment that apply at a place and instant. */
  applicable(where: { city: string; brand: string; at: Instant }): Version[] {
    return applicableVersions(this.catalogue.versions, where);
  }

  private applyRules(event: AcceptedEvent): void {
    const { changes, facts } = this.state;
    if (changes.kept && event.type === "showing.recorded" && !facts.showings.has(event.data.showingId) && !facts.feedback.has(event.data.showingId)) {
      changes.showings.add(event.data.showingId);
    }
    recordFacts(facts, event);
    for (const kind of this.followers.get(event.type) ?? []) kind.onFollowUp?.(this.context, event);
    const candidates = this.openers.get(event.type);
    if (candidates === undefined) return;
    for (const version of applicableVersions(candidates, event)) {
      (ruleKinds[version.rule.kind] as AnyRuleKind).onEvent(this.context, version, event);
    }
  }

  /** Keeps an input the shell refused before the engine saw it (an integrator outside its scope). */
  refuse(input: unknown, rejection: Rejection, options: Receipt): Outcome {
    return this.reject(input, rejection, options);
  }

  private reject(input: unknown, rejection: Rejection, { now, sender }: Receipt): Outcome {
    const record = input as { id?: unknown; type?: unknown } | null;
    // A message or field may quote what was sent (a type, a member's name, an id): phones in it masked.
    const masked = (text: string) => maskPhonesIn(text) ?? text;
    const id = typeof record?.id === "string" ? (isPhoneNumber(record.id) ? "[redacted]" : masked(record.id)) : null;
    const type = typeof record?.type === "string" ? masked(record.type) : null;
    const kept = isAccepted(input) ? stripInternal(input) : redactRejected(input);
    const said = { code: rejection.code, message: masked(rejection.message), field: masked(rejection.field) };
    this.state.rejected.push({ ...said, id, type, rejectedAt: now, input: kept, sender: sender ?? null });
    this.state.counts.rejected++;
    return { status: "rejected", eventId: id, rejection: said };
  }

  private advanceClock(now: Instant): void {
    if (now > this.state.clock) this.state.clock = now;
    this.context.now = this.state.clock;
  }
}

function isAccepted(input: unknown): input is AcceptedEvent {
  return typeof input === "object" && input !== null && "digest" in input && "at" in input;
}

function stripInternal(event: AcceptedEvent): unknown {
  const { at: _at, digest: _digest, ...contract } = event;
  return contract;
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}
