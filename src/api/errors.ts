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

/**
 * What a connection is answered when Node's parser cannot read its request, before any route sees
 * it: Fastify's own answer ({"error","message","statusCode"}) in this API's shape. Headers over
 * Node's 16 KiB are 431; a request not sent in time 408; anything else that is not HTTP 400.
 */
export function answerUnreadableRequest(error: Error & { code?: string }, socket: { destroyed: boolean; writable: boolean; write(text: string): unknown; destroy(error?: Error): void }): void {
  if (error.code === "ECONNRESET" || socket.destroyed) return;
  const [status, reason, body] =
    error.code === "HPE_HEADER_OVERFLOW" ? [431, "Request Header Fields Too Large", { code: "headers_too_large", message: "the request's headers exceed 16 KiB", field: "headers" }]
    : error.code === "ERR_HTTP_REQUEST_TIMEOUT" ? [408, "Request Timeout", { code: "request_timeout", message: "the request was not received in time", field: "" }]
    : [400, "Bad Request", { code: "bad_request", message: "the request is not HTTP/1.1 this server can read", field: "" }];
  const text = JSON.stringify(body);
  if (socket.writable) socket.write(`HTTP/1.1 ${status} ${reason}\r\nContent-Length: ${Buffer.byteLength(text)}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${text}`);
  socket.destroy(error);
}
