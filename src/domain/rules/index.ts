// The rule kinds: one small pure module each. A new commitment of a known kind is a catalogue
// entry; a new kind is a module here, its schema in catalogue/schema.ts, and its spec test.
import type { RuleKindName } from "../catalogue/index.js";
import { benefitWaiver } from "./benefit-waiver.js";
import { cappedLoss } from "./capped-loss.js";
import { complaintClock } from "./complaint-clock.js";
import { confirmedIncident } from "./confirmed-incident.js";
import { deadlineAfterEvent } from "./deadline-after-event.js";
import { forbiddenAct } from "./forbidden-act.js";
import { lossAdvance } from "./loss-advance.js";
import { nonMonetaryRemedy } from "./non-monetary-remedy.js";
import { preSigningRisk } from "./pre-signing-risk.js";
import { refundOnFailure } from "./refund-on-failure.js";
import type { RuleKind } from "./types.js";

export const ruleKinds: { [K in RuleKindName]: RuleKind<K> } = {
  "deadline-after-event": deadlineAfterEvent,
  "forbidden-act": forbiddenAct,
  "confirmed-incident": confirmedIncident,
  "refund-on-failure": refundOnFailure,
  "loss-advance": lossAdvance,
  "capped-loss": cappedLoss,
  "benefit-waiver": benefitWaiver,
  "non-monetary-remedy": nonMonetaryRemedy,
  "complaint-clock": complaintClock,
  "pre-signing-risk": preSigningRisk,
};

export type { RuleKind, RuleContext, ClaimRequest, ObligationRequest, Place, VersionOf, AlertKind } from "./types.js";
