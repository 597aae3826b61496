// Every error a client can cause answers 4xx with a machine-readable code, a message and the field.
export class ApiError extends Error {
  constructor(readonly statusCode: number, readonly code: string, message: string, readonly field = "") {
    super(message);
  }
}

export const ErrorBody = {
  type: "object",
  properties: { code: { type: "string" }, message: { type: "string" }, field: { type: "string" } },
  required: ["code", "message", "field"],
} as const;

/** HTTP status for an engine rejection code. */
export function statusOfRejection(code: string): number {
  switch (code) {
    case "conflict":
      return 409;
    case "insufficient_authority":
      return 403;
    case "unknown_claim":
      return 404;
    case "invalid_transition":
      return 409;
    default:
      return 400;
  }
}
