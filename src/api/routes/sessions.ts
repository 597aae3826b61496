// Logging in: a username and password give a session token.
import { Type } from "@sinclair/typebox";
import { ApiError, ErrorBody } from "../errors.js";
import type { ApiContext, TypedApp } from "../server.js";

export function registerSessionRoutes(app: TypedApp, context: ApiContext): void {
  app.post("/v1/sessions", {
    schema: {
      summary: "Log in", tags: ["people"],
      body: Type.Object({ username: Type.String({ minLength: 1, maxLength: 64 }), password: Type.String({ minLength: 1, maxLength: 256 }) }, { additionalProperties: false }),
      response: { 401: ErrorBody, 429: ErrorBody },
    },
  }, async (request, reply) => {
    const lockedUntil = context.people.lockedUntil(request.body.username, context.now());
    if (lockedUntil !== null) {
      void reply.header("retry-after", String(Math.ceil((lockedUntil - context.now()) / 1000)));
      throw new ApiError(429, "too_many_attempts", `too many failed logins for ${request.body.username}: try again after ${new Date(lockedUntil).toISOString()}`, "username");
    }
    const session = await context.people.login(request.body.username, request.body.password, context.now());
    if (session === null) throw new ApiError(401, "invalid_credentials", "unknown user or wrong password", "password");
    return { token: session.token, expiresAt: new Date(session.expiresAt).toISOString(), user: session.user };
  });

  app.get("/v1/me", { schema: { summary: "Who am I", tags: ["people"], security: [{ session: [] }] } }, async (request) => context.userOf(request));
}
