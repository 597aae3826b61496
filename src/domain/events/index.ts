export * from "./schema.js";
export * from "./validate.js";
export { canonicalJson, fingerprint } from "./canonical.js";
