// The HTTP API: Fastify with JSON-schema validation (TypeBox) and a generated OpenAPI document.
import { isUtf8 } from "node:buffer";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import { AjvCompiler } from "@fastify/ajv-compiler";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { Service } from "../service/service.js";
import type { People, User, Integrator } from "../service/people.js";
import type { WebhookHosts } from "../service/webhook-hosts.js";
import { isStoreUnavailable } from "../store/unavailable.js";
import { EngineRebuilding } from "../service/replica.js";
import { whereFlawed } from "../domain/events/accept.js";
import { notJson, parseJson } from "../domain/events/json.js";
import { redactPhonesIn } from "../domain/phone.js";
import { answerUnreadableRequest, ApiError } from "./errors.js";
import { RouteMethods } from "./methods.js";
import { registerEventRoutes } from "./routes/events.js";
import { registerClaimRoutes } from "./routes/claims.js";
import { registerCheckRoutes } from "./routes/checks.js";
import { registerMoneyRoutes } from "./routes/money.js";
import { registerSessionRoutes } from "./routes/sessions.js";
import { registerWebhookRoutes } from "./routes/webhooks.js";
import { registerComplaintRoutes } from "./routes/complaints.js";
import { registerReportRoutes } from "./routes/reports.js";
import { registerListingRoutes } from "./routes/listings.js";

export const maxBodyBytes = 4 * 1024 * 1024;
const validators = AjvCompiler();

export type TypedApp = FastifyInstance<Server, IncomingMessage, ServerResponse, FastifyBaseLogger, TypeBoxTypeProvider>;

export interface ApiContext {
  service: Service;
  people: People;
  now(): number;
  userOf(request: FastifyRequest): Promise<User>;
  integratorOf(request: FastifyRequest): Promise<Integrator & { keyHash: string }>;
  /** Where webhooks may be delivered (service/webhook-hosts.ts). */
  webhookHosts: WebhookHosts;
}

/** A body that was not JSON, kept so that an event route can record it as rejected. */
export interface InvalidJson {
  invalidJson: string;
  error: string;
}

const eventRoutes = new Set(["/v1/events", "/v1/events/batch"]);
/** How long a stopping process waits for the requests under way: far longer than any takes (a batch, a report). */
const closeWithinMs = 10_000;

export function isInvalidJson(body: unknown): body is InvalidJson {
  return typeof body === "object" && body !== null && "invalidJson" in body;
}

export function invalidJsonError(body: InvalidJson): ApiError {
  const { code, message, field } = notJson(body.error);
  return new ApiError(400, code, message, field);
}

export async function buildServer(options: { service: Service; people: People; now: () => number; logger?: boolean; webhookHosts?: WebhookHosts }): Promise<TypedApp> {
  const app = Fastify({
    bodyLimit: maxBodyBytes,
    // While closing, a request that arrives is answered by the hook below, in this API's shape.
    return503OnClosing: false,
    // A path the router cannot decode (bad percent-encoding, an overlong parameter), in this API's error shape.
    frameworkErrors: (error, _request, reply) => (reply as FastifyReply).status(400).send({ code: "invalid_request", message: error.message, field: "url" }),
    // Nor can Node's HTTP parser (headers too large, bytes that are not HTTP): in the same shape.
    clientErrorHandler: answerUnreadableRequest,
    logger: options.logger === false ? false : {
      level: process.env["ANXIN_LOG_LEVEL"] ?? "info",
      // Phones never reach a log line: bodies are not logged, and any phone field is censored.
      redact: { paths: ["req.body.phone", "req.body.data.phone", "body.phone", "phone", "data.phone"], censor: "[redacted]" },
      // A URL may carry one (a query, an id that holds one): it is logged with what may be a phone replaced.
      serializers: {
        req: (request: FastifyRequest) => ({ method: request.method, url: redactPhonesIn(request.url), host: request.host, remoteAddress: request.ip, remotePort: request.socket?.remotePort }),
      },
    },
  }).withTypeProvider<TypeBoxTypeProvider>() as unknown as TypedApp;

  const methods = new RouteMethods();
  app.addHook("onRoute", (route) => methods.add(route.method, route.url));

  // A body is JSON and is taken as sent: Fastify's validator turns "100", true and [100] into
  // numbers (a top-up of `true` credited 1 fen) and drops fields a schema does not name. Only a
  // query, path or header, which arrive as text, are converted.
  const asText = validators({}, { customOptions: {} });
  const asSent = validators({}, { customOptions: { coerceTypes: false, removeAdditional: false } });
  app.setValidatorCompiler((route) => (route.httpPart === "body" ? asSent : asText)(route));

  // Bytes that are not UTF-8 are not JSON: decoded, each would be U+FFFD, and ids differing by one
  // would be one id (L\xe9 and L\xe8). A byte order mark, which Windows tools write, is dropped.
  app.addContentTypeParser("application/json", { parseAs: "buffer" }, (_request, body, done) => {
    const bytes = body as Buffer;
    const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
    const text = bytes.toString("utf8", start);
    if (text.trim() === "") return done(null, undefined);
    const parsed = isUtf8(bytes) ? parseJson(text) : { ok: false as const, error: "the body is not UTF-8 text" };
    done(null, parsed.ok ? parsed.value : { invalidJson: text.slice(0, 20_000), error: parsed.error } satisfies InvalidJson);
  });
  // JSON only: a text/plain body was taken as a string, and refused as "an event is a JSON object".
  app.removeContentTypeParser("text/plain");
  // Nothing decompresses a body: a compressed one would be refused as "not JSON".
  app.addHook("onRequest", async (request) => {
    const encoding = request.headers["content-encoding"];
    if (encoding !== undefined && encoding.toLowerCase() !== "identity") {
      throw new ApiError(415, "unsupported_media_type", `a body with content-encoding ${encoding} is not taken: send it uncompressed`, "content-encoding");
    }
  });

  // A request that arrives while the process stops (on a kept-alive connection) is not started:
  // 503 with Retry-After, as when the store is unavailable. Fastify's own answer had neither. One
  // under way is answered with Connection: close, so that its connection ends with it: kept alive,
  // it held the process for the keep-alive timeout (72 s). None is waited for past `closeWithinMs`.
  let closing = false;
  app.addHook("preClose", async () => {
    closing = true;
    setTimeout(() => app.server.closeAllConnections(), closeWithinMs).unref();
  });
  app.addHook("onRequest", async (_request, reply) => {
    if (!closing) return;
    void reply.header("retry-after", "5");
    throw new ApiError(503, "shutting_down", "this process is stopping and did not start the request; send it again");
  });
  app.addHook("onSend", async (_request, reply) => {
    if (closing) void reply.header("connection", "close");
  });

  // No text may hold U+0000 (PostgreSQL fails a statement given it) or an unpaired surrogate (each
  // engine stores another text in its place): a request carrying one is refused here, naming where.
  // An event's body is not looked at: the contract refuses it per field, and the rejected event is
  // kept (domain/events/accept.ts).
  app.addHook("preValidation", async (request) => {
    const eventRoute = eventRoutes.has(request.routeOptions.url ?? "");
    // An event route keeps a body that was not JSON as a rejected input; any other answers it here.
    if (isInvalidJson(request.body) && !eventRoute) throw invalidJsonError(request.body);
    const flawed = whereFlawed(request.params) ?? whereFlawed(request.query) ?? (eventRoute ? null : whereFlawed(request.body));
    if (flawed !== null) throw new ApiError(400, "invalid_request", flawed.message, flawed.field);
  });

  app.setErrorHandler((error, request, reply) => {
    if (error instanceof ApiError) return reply.status(error.statusCode).send({ code: error.code, message: error.message, field: error.field });
    const fastifyError = error as { validation?: Array<{ instancePath?: string; params?: { missingProperty?: string; allowedValues?: unknown[] }; message?: string }>; statusCode?: number; code?: string; message: string };
    if (fastifyError.validation !== undefined) {
      const first = fastifyError.validation[0];
      const path = (first?.instancePath ?? "").replace(/^\//, "").replaceAll("/", ".");
      const field = first?.params?.missingProperty !== undefined ? [path, first.params.missingProperty].filter(Boolean).join(".") : path;
      const allowed = first?.params?.allowedValues;
      const message = allowed === undefined ? fastifyError.message : `${field} must be one of ${allowed.join(", ")}`;
      return reply.status(400).send({ code: "invalid_request", message, field });
    }
    if (fastifyError.statusCode === 413) return reply.status(413).send({ code: "body_too_large", message: `bodies are limited to ${maxBodyBytes} bytes`, field: "" });
    if (fastifyError.statusCode === 415) return reply.status(415).send({ code: "unsupported_media_type", message: "send the body as JSON, with content-type: application/json", field: "content-type" });
    if (fastifyError.statusCode !== undefined && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
      return reply.status(fastifyError.statusCode).send({ code: (fastifyError.code ?? "bad_request").toLowerCase(), message: fastifyError.message, field: "" });
    }
    if (error instanceof EngineRebuilding) {
      return reply.status(503).header("retry-after", "5").send({ code: "rebuilding", message: error.message, field: "" });
    }
    if (isStoreUnavailable(error)) {
      request.log.warn({ err: error }, "the store is unavailable");
      return reply.status(503).header("retry-after", "5").send({ code: "store_unavailable", message: "the store cannot take this request now; send it again later (the same ids are answered as duplicates if it was applied after all)", field: "" });
    }
    request.log.error({ err: error }, "unexpected error");
    return reply.status(500).send({ code: "internal", message: "an unexpected error; the request was not applied", field: "" });
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split("?")[0]!;
    const allowed = methods.allowedAt(path);
    if (allowed.length > 0) {
      return reply.status(405).header("allow", allowed.join(", ")).send({ code: "method_not_allowed", message: `${path} takes ${allowed.join(", ")}, not ${request.method}`, field: "method" });
    }
    return reply.status(404).send({ code: "not_found", message: `no route ${request.method} ${path}`, field: "" });
  });

  await app.register(swagger, {
    openapi: {
      info: { title: "Anxin API", version: "1", description: "Service commitments made enforceable: events in, claims, checks and money out." },
      components: {
        securitySchemes: {
          apiKey: { type: "http", scheme: "bearer", description: "integrator API key (ak_…), scoped to a brand and cities" },
          session: { type: "http", scheme: "bearer", description: "a user's session token (st_…) from POST /v1/sessions" },
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: "/docs" });

  const context: ApiContext = {
    service: options.service,
    people: options.people,
    now: options.now,
    webhookHosts: options.webhookHosts ?? "public",
    async userOf(request) {
      const token = bearer(request);
      const user = token?.startsWith("st_") ? await options.people.userOfSession(token, options.now()) : null;
      if (user === null) throw new ApiError(401, "unauthenticated", "log in with POST /v1/sessions and send Authorization: Bearer <token>", "authorization");
      return user;
    },
    async integratorOf(request) {
      const key = bearer(request);
      const integrator = key?.startsWith("ak_") ? await options.people.integratorOfKey(key) : null;
      if (integrator === null) throw new ApiError(401, "unauthenticated", "send the integrator API key as Authorization: Bearer ak_…", "authorization");
      return integrator;
    },
  };

  app.get("/healthz", { schema: { hide: true } }, async () => ({ ok: true }));
  app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());
  registerSessionRoutes(app, context);
  registerEventRoutes(app, context);
  registerClaimRoutes(app, context);
  registerCheckRoutes(app, context);
  registerMoneyRoutes(app, context);
  registerWebhookRoutes(app, context);
  registerComplaintRoutes(app, context);
  registerReportRoutes(app, context);
  registerListingRoutes(app, context);
  return app;
}

export type App = Awaited<ReturnType<typeof buildServer>>;

/** Whether the request is made with an integrator's API key rather than a session. */
export function isApiKey(request: FastifyRequest): boolean {
  return bearer(request)?.startsWith("ak_") === true;
}

/** The credentials of `Authorization: Bearer …`, the scheme in any case (RFC 9110). */
function bearer(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (typeof header !== "string" || header.slice(0, 7).toLowerCase() !== "bearer ") return null;
  return header.slice("Bearer ".length).trim();
}
