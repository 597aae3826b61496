// Webhooks: registered per notice kind, delivered signed (HMAC-SHA256 over "t.body"), retried
// with backoff until the receiver answers 2xx, every attempt logged.
import { createHmac } from "node:crypto";
import { createServer, type Server } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { refusedUrl, type Resolve } from "../../src/service/webhook-hosts.js";
import { deliverDue, registerWebhook, retryDelayMs } from "../../src/service/webhooks.js";
import { engines } from "../support/engines.js";
import { ev, listing } from "../support/scenario.js";
import { startApp, type Running } from "../support/service.js";

interface Received {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

async function receiver(failFirst: number): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  let failures = failFirst;
  const server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => { body += chunk.toString(); });
    request.on("end", () => {
      received.push({ headers: request.headers, body });
      response.statusCode = failures-- > 0 ? 503 : 204;
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address() as { port: number };
  return { url: `http://127.0.0.1:${address.port}/hooks`, received, server };
}

describe.each(engines)("webhooks on %s", (engine) => {
  let running: Running;
  let server: Server | undefined;
  afterEach(async () => {
    await running?.close();
    server?.close();
  });

  it("claim.opened, obligation.due_soon, obligation.breached and claim.paid reach the integrator, signed", async () => {
    running = await startApp(engine);
    const hook = await receiver(0);
    server = hook.server;
    const registered = await running.call("POST", "/v1/webhooks", { url: hook.url, kinds: ["claim.opened", "claim.paid", "obligation.due_soon", "obligation.breached"] });
    expect(registered).toMatchObject({ status: 201, body: { duplicate: false } });
    const secret = registered.body.secret as string;
    // Sent again (its answer lost), it is the same registration; other kinds to the same URL are refused.
    const again = await running.call("POST", "/v1/webhooks", { url: hook.url, kinds: ["obligation.breached", "obligation.due_soon", "claim.paid", "claim.opened"] });
    expect(again).toMatchObject({ status: 200, body: { id: registered.body.id, secret, duplicate: true } });
    expect(await running.call("POST", "/v1/webhooks", { url: hook.url, kinds: ["claim.opened"] })).toMatchObject({ status: 409, body: { code: "webhook_exists", field: "url" } });
    // Two processes that both found none made one (each past the route's look-up): the second gets the first's.
    const [key] = await running.service.database.db.selectFrom("webhooks").select("key_hash").execute();
    const other = { keyHash: key!.key_hash, url: `${hook.url}/other`, kinds: ["claim.opened" as const] };
    const first = await registerWebhook(running.service.database.db, other, running.clock.now());
    const second = await registerWebhook(running.service.database.db, { ...other, kinds: ["claim.paid"] }, running.clock.now());
    expect([first.made, second.made]).toEqual([true, false]);
    expect({ id: second.id, secret: second.secret }).toEqual({ id: first.id, secret: first.secret });
    expect(second.kinds).toEqual(["claim.opened"]);
    await running.call("DELETE", `/v1/webhooks/${first.id}`);
    expect((await running.call("GET", "/v1/webhooks")).body.webhooks).toHaveLength(1);
    await running.call("POST", "/v1/events/batch", { events: [listing(), ev("showing.recorded", "2026-03-02T15:20:00+08:00", { showingId: "S1", listingId: "L1", buyerId: "C9", agentId: "A7" })] });
    running.clock.set("2026-03-03T12:00:00+08:00");
    await running.service.tick(); // due at 03-05 00:00: not yet within 6 hours
    running.clock.set("2026-03-04T20:00:00+08:00");
    await running.service.tick(); // now within 6 hours
    running.clock.set("2026-03-05T00:00:00+08:00");
    await running.service.tick();
    expect(await deliverDue(running.service.database, running.clock.now, () => undefined, "private-allowed")).toBe(4);
    const kinds = hook.received.map((r) => r.headers["x-anxin-event"]);
    expect(kinds).toEqual(["obligation.due_soon", "obligation.breached", "claim.opened", "claim.paid"]);
    for (const delivery of hook.received) {
      const [t, v1] = String(delivery.headers["x-anxin-signature"]).split(",").map((part) => part.split("=")[1]);
      expect(v1).toBe(createHmac("sha256", secret).update(`${t}.${delivery.body}`).digest("hex"));
    }
    expect(JSON.parse(hook.received[3]!.body)).toMatchObject({ kind: "claim.paid", claim: { id: "showing-feedback-48h/S1", amountFen: 10000, status: "paid" } });
  });

  it("a failing receiver is retried with backoff and each attempt is logged", async () => {
    running = await startApp(engine);
    const hook = await receiver(2);
    server = hook.server;
    const registered = await running.call("POST", "/v1/webhooks", { url: hook.url, kinds: ["risk.halted"] });
    await running.call("POST", "/v1/events/batch", { events: [
      listing("L1", { city: "suzhou", askingPriceFen: 300_000_000, at: "2026-02-20T10:00:00+08:00" }),
      ev("deal.price_proposed", "2026-03-01T08:30:00+08:00", { dealId: "D1", listingId: "L1", priceFen: 400_000_000 }, { city: "suzhou" }),
    ] });
    const deliver = () => deliverDue(running.service.database, running.clock.now, () => undefined, "private-allowed");
    expect(await deliver()).toBe(1); // 503
    expect(await deliver()).toBe(0); // not due again before the backoff
    running.clock.set(new Date(running.clock.now() + retryDelayMs(1)).toISOString());
    expect(await deliver()).toBe(1); // 503
    running.clock.set(new Date(running.clock.now() + retryDelayMs(2)).toISOString());
    expect(await deliver()).toBe(1); // 204
    const log = await running.call("GET", `/v1/webhooks/${registered.body.id}/deliveries`);
    expect(log.body.deliveries).toMatchObject([{ kind: "risk.halted", status: "delivered", attempts: 3, lastError: null }]);
    expect(hook.received).toHaveLength(3);
    expect(retryDelayMs(1)).toBeLessThan(retryDelayMs(2));
  });

  it("an integrator only hears of its own brand", async () => {
    running = await startApp(engine);
    const hook = await receiver(0);
    server = hook.server;
    await running.call("POST", "/v1/webhooks", { url: hook.url, kinds: ["claim.opened"] });
    await running.service.submit(ev("listing.fake_confirmed", "2026-03-01T08:00:00+08:00", { listingId: "L1", reporterId: "C1" }, { brand: "deyou" }));
    await running.service.submit(ev("listing.fake_confirmed", "2026-03-01T08:00:00+08:00", { listingId: "L2", reporterId: "C1" }));
    await deliverDue(running.service.database, running.clock.now, () => undefined, "private-allowed");
    expect(hook.received.map((r) => JSON.parse(r.body).claim.brand)).toEqual(["lianjia"]);
  });

  it("is delivered to the integrator's servers only: never a link-local address, the machine itself or a private one only where allowed", async () => {
    running = await startApp(engine);
    const hook = await receiver(0);
    server = hook.server;
    expect(await running.call("POST", "/v1/webhooks", { url: "http://169.254.169.254/latest/meta-data", kinds: ["claim.opened"] })).toMatchObject({ status: 400, body: { code: "invalid_field", field: "url" } });
    const registered = await running.call("POST", "/v1/webhooks", { url: hook.url, kinds: ["claim.opened"] }); // allowed here: the tests' receivers are local
    await running.service.submit(ev("listing.fake_confirmed", "2026-03-01T08:00:00+08:00", { listingId: "L2", reporterId: "C1" }));
    await deliverDue(running.service.database, running.clock.now, () => undefined, "public");
    const log = await running.call("GET", `/v1/webhooks/${registered.body.id}/deliveries`);
    expect(log.body.deliveries).toMatchObject([{ status: "pending", attempts: 1, lastError: expect.stringContaining("127.0.0.1 is a loopback or private address") }]);
    expect(hook.received).toEqual([]);
  });

  it("checks the address a name resolves to in the look-up its connection makes: the address checked is the one posted to (no DNS rebinding)", async () => {
    running = await startApp(engine);
    const hook = await receiver(0);
    server = hook.server;
    // A public-looking name that resolves, for this delivery's connection, to the machine itself.
    const resolve: Resolve = (hostname, _options, callback) => callback(null, hostname === "crm.example.com" ? [{ address: "127.0.0.1", family: 4 }] : []);
    const url = hook.url.replace("127.0.0.1", "crm.example.com");
    const registered = await running.call("POST", "/v1/webhooks", { url, kinds: ["claim.opened"] });
    expect(registered.status).toBe(201);
    await running.service.submit(ev("listing.fake_confirmed", "2026-03-01T08:00:00+08:00", { listingId: "L2", reporterId: "C1" }));
    await deliverDue(running.service.database, running.clock.now, () => undefined, "public", resolve);
    const log = async () => (await running.call("GET", `/v1/webhooks/${registered.body.id}/deliveries`)).body.deliveries;
    expect(await log()).toMatchObject([{ status: "pending", attempts: 1, lastError: "crm.example.com resolves to 127.0.0.1 is a loopback or private address (allowed only with ANXIN_WEBHOOKS_TO_PRIVATE=allow)" }]);
    expect(hook.received).toEqual([]);
    // Where private receivers are allowed, the post goes to the address that look-up gave.
    running.clock.set("2026-03-01T10:00:00+08:00");
    await deliverDue(running.service.database, running.clock.now, () => undefined, "private-allowed", resolve);
    expect(await log()).toMatchObject([{ status: "delivered", attempts: 2 }]);
    expect(hook.received).toHaveLength(1);
    expect(hook.received[0]!.headers.host).toBe(new URL(url).host);
  });

  it("follows no redirect, which could lead where the URL's check would refuse", async () => {
    running = await startApp(engine);
    const hook = await receiver(0);
    server = hook.server;
    const redirecting = createServer((_request, response) => response.writeHead(302, { location: hook.url }).end());
    await new Promise<void>((resolve) => redirecting.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(redirecting.address() as { port: number }).port}/hooks`;
      const registered = await running.call("POST", "/v1/webhooks", { url, kinds: ["claim.opened"] });
      await running.service.submit(ev("listing.fake_confirmed", "2026-03-01T08:00:00+08:00", { listingId: "L2", reporterId: "C1" }));
      await deliverDue(running.service.database, running.clock.now, () => undefined, "private-allowed");
      const log = await running.call("GET", `/v1/webhooks/${registered.body.id}/deliveries`);
      expect(log.body.deliveries).toMatchObject([{ status: "pending", lastError: "HTTP 302 (redirects are not followed)" }]);
      expect(hook.received).toEqual([]);
    } finally {
      redirecting.close();
    }
  });
});

describe("where a webhook may be delivered", () => {
  it("never to a link-local or unspecified address; to loopback and private ones only where allowed", () => {
    for (const url of ["http://169.254.169.254/", "http://[fe80::1]/", "http://0.0.0.0:80/", "http://[::ffff:169.254.169.254]/"]) {
      expect(refusedUrl(url, "private-allowed")).not.toBeNull();
    }
    for (const url of ["http://127.0.0.1:8080/x", "http://[::1]/", "http://10.1.2.3/", "http://192.168.0.9/", "http://localhost:3000/", "http://[::ffff:127.0.0.1]/"]) {
      expect([refusedUrl(url, "public") !== null, refusedUrl(url, "private-allowed")]).toEqual([true, null]);
    }
    expect(refusedUrl("https://crm.example.com/anxin", "public")).toBeNull();
    expect(refusedUrl("https://8.8.8.8/anxin", "public")).toBeNull();
  });
});
