export * from "./schema.js";
export * from "./validate.js";
export { canonicalJson, envelopeFingerprint } from "./canonical.js";
