// Checks for integrators, fast enough for a dialer's and a signing desk's path: answered from memory.
import { Type } from "@sinclair/typebox";
import { callPurposes } from "../../domain/consent.js";
import { parseInstant } from "../../domain/time.js";
import { ApiError, ErrorBody } from "../errors.js";
import { oneOf, Slug } from "../schemas.js";
import type { ApiContext, TypedApp } from "../server.js";

export function registerCheckRoutes(app: TypedApp, context: ApiContext): void {
  const when = (text: string | undefined) => {
    if (text === undefined) return context.now();
    const at = parseInstant(text);
    if (at === null) throw new ApiError(400, "invalid_timestamp", "at must be RFC 3339 with an offset", "at");
    return at;
  };
  const cityOf = (requested: string, cities: string[]) => {
    if (!cities.includes("*") && !cities.includes(requested)) throw new ApiError(403, "out_of_scope", `this API key covers ${cities.join(", ")}`, "city");
    return requested;
  };
  // A consent, a deal, a commitment are one brand's: a platform-wide key says whose it asks about.
  const brandOf = (requested: string | undefined, integrator: { brand: string }) => {
    if (integrator.brand !== "*") return integrator.brand;
    if (requested === undefined) throw new ApiError(400, "missing_field", "a key of every brand names the brand it asks for", "brand");
    return requested;
  };

  app.post("/v1/checks/pre-call", {
    schema: {
      summary: "May this agent call this number for this purpose now?", tags: ["checks"], security: [{ apiKey: [] }],
      body: Type.Object({
        agentId: Type.String({ minLength: 1, maxLength: 128 }), phone: Type.String({ pattern: "^\\+[1-9][0-9]{6,14}$" }),
        purpose: oneOf(callPurposes),
        city: Slug, brand: Type.Optional(Slug), at: Type.Optional(Type.String()),
      }, { additionalProperties: false }),
      response: {
        200: Type.Object({ decision: Type.Union([Type.Literal("allow"), Type.Literal("deny")]), reason: Type.String(), phoneMasked: Type.String(), agentId: Type.String() }),
        400: ErrorBody, 401: ErrorBody, 403: ErrorBody,
      },
    },
  }, async (request) => {
    const integrator = await context.integratorOf(request);
    const { phone, purpose, agentId } = request.body;
    const answer = context.service.engine.preCallCheck({
      phone, purpose, city: cityOf(request.body.city, integrator.cities), brand: brandOf(request.body.brand, integrator), at: when(request.body.at),
    });
    if ("code" in answer) throw new ApiError(400, answer.code, answer.message, answer.field);
    return { ...answer, agentId };
  });

  app.post("/v1/checks/pre-signing", {
    schema: {
      summary: "May this deal be signed now? pass, warn or halt, and why", tags: ["checks"], security: [{ apiKey: [] }],
      body: Type.Object({
        dealId: Type.String({ minLength: 1, maxLength: 128 }), city: Slug, brand: Type.Optional(Slug),
        priceFen: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000_000_000_000 })), at: Type.Optional(Type.String()),
      }, { additionalProperties: false }),
      response: { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody },
    },
  }, async (request) => {
    const integrator = await context.integratorOf(request);
    const { dealId, priceFen } = request.body;
    return context.service.engine.preSigningCheck({
      dealId, city: cityOf(request.body.city, integrator.cities), brand: brandOf(request.body.brand, integrator), at: when(request.body.at),
      ...(priceFen === undefined ? {} : { priceFen }),
    });
  });
}
