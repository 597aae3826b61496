// The service through its HTTP API, on each engine: events in → state → API out.
import { afterEach, describe, expect, it } from "vitest";
import { engines } from "../support/engines.js";
import { ev, listing } from "../support/scenario.js";
import { startApp, type Running } from "../support/service.js";

const showing = (at: string, showingId: string) => ev("showing.recorded", at, { showingId, listingId: "L1", buyerId: "C9", agentId: "A7" });

describe.each(engines)("the service on %s", (engine) => {
  let running: Running;
  afterEach(async () => running?.close());

  it("accepts an event (202), answers a duplicate with 200 duplicate:true and a conflict with 409", async () => {
    running = await startApp(engine);
    const event = listing();
    expect(await running.call("POST", "/v1/events", event)).toMatchObject({ status: 202, body: { status: "accepted", id: event.id } });
    expect(await running.call("POST", "/v1/events", event)).toMatchObject({ status: 200, body: { duplicate: true } });
    const conflict = await running.call("POST", "/v1/events", { ...event, data: { ...event.data, ownerId: "O2" } });
    expect(conflict).toMatchObject({ status: 409, body: { code: "conflict", field: "id" } });
  });

  it("rejects bad input with a code and the field at fault, keeps it, and never answers 5xx", async () => {
    running = await startApp(engine);
    const missing = await running.call("POST", "/v1/events", { ...listing(), data: { listingId: "L1" } });
    expect(missing).toMatchObject({ status: 400, body: { code: "missing_field" } });
    expect(missing.body.field).toMatch(/^data\./);
    expect(await running.call("POST", "/v1/events", "{oops")).toMatchObject({ status: 400, body: { code: "invalid_json" } });
    expect(await running.call("POST", "/v1/events", [1, 2])).toMatchObject({ status: 400, body: { code: "invalid_envelope" } });
    expect(await running.call("POST", "/v1/events", { ...listing(), occurredAt: "2026-02-30T10:00:00+08:00" })).toMatchObject({ status: 400, body: { code: "invalid_timestamp", field: "occurredAt" } });
    const outside = await running.call("POST", "/v1/events", listing("L9", { brand: "deyou" }));
    expect(outside).toMatchObject({ status: 403, body: { code: "out_of_scope", field: "brand" } });
    // U+0000, which PostgreSQL cannot store, and unpaired surrogates, which neither engine stores as
    // given: in an event, rejected and kept; in a path, a query or a body, refused.
    expect(await running.call("POST", "/v1/events", { ...listing(), id: "L1\u0000" })).toMatchObject({ status: 400, body: { code: "invalid_field", field: "id" } });
    for (const id of ["L1\ud800", "L1\ud801"]) {
      expect(await running.call("POST", "/v1/events", { ...listing(), id })).toMatchObject({ status: 400, body: { code: "invalid_field", field: "id" } });
    }
    expect(await running.call("POST", "/v1/events", { ...listing(), type: "listing.\u0000" })).toMatchObject({ status: 400, body: { code: "unknown_type", field: "type" } });
    const rejected = await running.call("GET", "/v1/events/rejected");
    expect(rejected.body.rejected.map((r: { code: string }) => r.code).sort()).toEqual(["invalid_envelope", "invalid_field", "invalid_field", "invalid_field", "invalid_json", "invalid_timestamp", "missing_field", "out_of_scope", "unknown_type"]);
    // Kept with the id as a store can hold it.
    expect(rejected.body.rejected.filter((r: { id: string | null }) => r.id?.startsWith("L1")).map((r: { id: string }) => r.id)).toEqual(["L1\ufffd", "L1\ufffd", "L1\ufffd"]);
    const token = await running.login("operator");
    const refused = { status: 400, body: { code: "invalid_request" } };
    expect(await running.call("GET", "/v1/claims/C1%00", undefined, { token })).toMatchObject({ ...refused, body: { ...refused.body, field: "id" } });
    expect(await running.call("GET", "/v1/obligations?responsibleId=A%00", undefined, { token })).toMatchObject({ ...refused, body: { ...refused.body, field: "responsibleId" } });
    expect(await running.call("GET", "/v1/listings/L%00/report", undefined, { token })).toMatchObject(refused);
    expect(await running.call("POST", "/v1/sessions", { username: "operator\u0000", password: "x" })).toMatchObject({ ...refused, body: { ...refused.body, field: "username" } });
    expect(await running.call("POST", "/v1/sessions", { username: "operator\udfff", password: "x" })).toMatchObject({ ...refused, body: { ...refused.body, field: "username" } });
  });

  it("refuses a filter's unknown value, a number no store takes, a path it cannot decode and an empty event, naming the field", async () => {
    running = await startApp(engine);
    const token = await running.login("operator");
    expect(await running.call("GET", "/v1/claims?status=payed", undefined, { token }))
      .toMatchObject({ status: 400, body: { code: "invalid_request", field: "status", message: "status must be one of open, pending_approval, approved, paid, rejected, voided" } });
    expect(await running.call("GET", "/v1/obligations?status=late", undefined, { token })).toMatchObject({ status: 400, body: { code: "invalid_request", field: "status" } });
    expect(await running.call("POST", "/v1/checks/pre-call", { agentId: "A7", phone: "+8613800138000", purpose: "sales", city: "beijing" })).toMatchObject({ status: 400, body: { field: "purpose" } });
    expect(await running.call("GET", "/v1/claims/%E0%A4%A", undefined, { token })).toMatchObject({ status: 400, body: { code: "invalid_request", field: "url" } });
    // Numbers no store can take (SQLite refused 1e30, PostgreSQL's bigint overflowed: each was a 500).
    const huge = "9".repeat(30);
    expect(await running.call("GET", `/v1/claims?offset=${huge}`, undefined, { token })).toMatchObject({ status: 400, body: { code: "invalid_request", field: "offset" } });
    expect(await running.call("GET", `/v1/ledger?offset=${huge}`, undefined, { token })).toMatchObject({ status: 400, body: { field: "offset" } });
    expect(await running.call("GET", "/v1/events/rejected?beforeSeq=9223372036854775808")).toMatchObject({ status: 400, body: { field: "beforeSeq" } });
    // An empty body is no event: refused and kept (it was a 500).
    expect(await running.call("POST", "/v1/events", "")).toMatchObject({ status: 400, body: { code: "invalid_envelope" } });
    expect((await running.call("GET", "/v1/events/rejected")).body.rejected).toMatchObject([{ code: "invalid_envelope", input: null }]);
  });

  it("keeps and lists no phone in clear from a rejected input, wherever it stood", async () => {
    running = await startApp(engine);
    await running.call("POST", "/v1/events", "{\"id\": \"p1\", \"data\": {\"phone\": +8613800138000}");
    await running.call("POST", "/v1/events/batch", "{\"events\": [{\"phone\": \"+8613800138001\"}");
    await running.call("POST", "/v1/events/batch", { events: [{ ...listing(), data: { listingId: "L1", ownerMobile: "13800138002" } }, [{ tel: 13800138003 }]] });
    const { rejected } = (await running.call("GET", "/v1/events/rejected")).body;
    expect(rejected).toHaveLength(4);
    expect(JSON.stringify(rejected.map((r: { input: unknown; message: string }) => [r.input, r.message]))).not.toMatch(/\d{7}/);
  });

  it("answers a body that is not JSON as such on every route, and keeps a batch's as a rejected input", async () => {
    running = await startApp(engine);
    const notJson = { status: 400, body: { code: "invalid_json", field: "" } };
    expect(await running.call("POST", "/v1/sessions", "{oops")).toMatchObject(notJson);
    const token = await running.login("operator");
    expect(await running.call("POST", "/v1/claims/C1/approve", "{oops", { token })).toMatchObject(notJson);
    expect(await running.call("POST", "/v1/events/batch", "{\"events\": [")).toMatchObject(notJson);
    const rejected = await running.call("GET", "/v1/events/rejected");
    expect(rejected.body.rejected).toMatchObject([{ code: "invalid_json", id: null, input: "{\"events\": [" }]);
    // Nested past the stack of any walk over it (a 500 until 2026-11-27): not JSON that is taken.
    const deep = `{"events": ${"[".repeat(5_000)}${"]".repeat(5_000)}}`;
    expect(await running.call("POST", "/v1/events/batch", deep)).toMatchObject({ ...notJson, body: { ...notJson.body, message: "not JSON: nested deeper than 64 levels" } });
    expect(await running.call("POST", "/v1/sessions", deep)).toMatchObject(notJson);
    // An input longer than what is kept of it is kept as the start of its text, which still reads back.
    const long = `{"id": "${"x".repeat(30_000)}`;
    expect(await running.call("POST", "/v1/events", long)).toMatchObject(notJson);
    const kept = await running.call("GET", "/v1/events/rejected");
    expect(kept.status).toBe(200);
    expect(kept.body.rejected.map((r: { input: unknown }) => r.input)).toEqual([JSON.stringify(long).slice(0, 20_000), deep, "{\"events\": ["]);
    // Refused before anything is kept when the sender is not an integrator.
    expect(await running.call("POST", "/v1/events/batch", "{oops", { token: "ak_wrong" })).toMatchObject({ status: 401 });
    expect((await running.call("GET", "/v1/events/rejected")).body.rejected).toHaveLength(3);
  });

  it("takes JSON as UTF-8 bytes only, with or without a byte order mark; refuses other media types and compressed bodies", async () => {
    running = await startApp(engine);
    const send = async (body: Buffer | string, headers: Record<string, string>) => {
      const response = await fetch(`${running.base}/v1/events`, { method: "POST", headers: { authorization: `Bearer ${running.apiKey}`, ...headers }, body });
      return { status: response.status, body: await response.json() };
    };
    const json = { "content-type": "application/json" };
    const event = (listingId: string) => JSON.stringify({ ...listing(), id: `e-${listingId.length}`, type: "listing.viewed", data: { listingId } });
    // L\xe9 (Latin-1) is no UTF-8: decoded, it was L\ufffd, and L\xe8 was the same id.
    const latin1 = Buffer.from(event("L\u00e9"), "latin1");
    expect(await send(latin1, json)).toMatchObject({ status: 400, body: { code: "invalid_json", message: "not JSON: the body is not UTF-8 text" } });
    expect((await running.call("GET", "/v1/events/rejected")).body.rejected).toMatchObject([{ code: "invalid_json" }]);
    expect(await send(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(event("L1"))]), json)).toMatchObject({ status: 202, body: { status: "accepted" } });
    expect(await send(event("L22"), { "content-type": "text/plain" })).toMatchObject({ status: 415, body: { code: "unsupported_media_type", field: "content-type" } });
    expect(await send(event("L22"), { "content-type": "application/x-www-form-urlencoded" })).toMatchObject({ status: 415, body: { code: "unsupported_media_type" } });
    expect(await send(event("L22"), { ...json, "content-encoding": "gzip" })).toMatchObject({ status: 415, body: { code: "unsupported_media_type", field: "content-encoding" } });
    expect(await send(event("L22"), { ...json, "content-encoding": "identity" })).toMatchObject({ status: 202 });
  });

  it("a batch answers each event on its own merits", async () => {
    running = await startApp(engine);
    const good = listing();
    const response = await running.call("POST", "/v1/events/batch", { events: [good, good, { ...good, id: "x", type: "no.such" }] });
    expect(response).toMatchObject({ status: 200, body: { accepted: 1, duplicates: 1, rejected: 1 } });
    expect(response.body.results[2]).toMatchObject({ status: "rejected", code: "unknown_type", field: "type" });
    const tooMany = await running.call("POST", "/v1/events/batch", { events: Array.from({ length: 1001 }, () => good) });
    expect(tooMany).toMatchObject({ status: 400, body: { code: "invalid_request" } });
  });

  it("a deadline that falls due is breached by the scheduler's tick and paid; the owner sees only their claim", async () => {
    running = await startApp(engine);
    await running.call("POST", "/v1/events/batch", { events: [listing(), showing("2026-03-02T15:20:00+08:00", "S1"), listing("L2", { ownerId: "O2" })] });
    running.clock.set("2026-03-05T00:00:00+08:00");
    expect(await running.service.tick()).toBe(1);
    const owner = await running.login("owner-o1");
    const claims = await running.call("GET", "/v1/claims", undefined, { token: owner });
    expect(claims.body.claims).toMatchObject([{ id: "showing-feedback-48h/S1", beneficiaryId: "O1", amountFen: 10000, status: "paid" }]);
    const other = await running.login("consumer-c5");
    expect((await running.call("GET", "/v1/claims", undefined, { token: other })).body.claims).toEqual([]);
    const agent = await running.login("agent-a7");
    const obligations = await running.call("GET", "/v1/obligations", undefined, { token: agent });
    expect(obligations.body.obligations).toMatchObject([{ subjectId: "S1", status: "breached", responsibleId: "A7" }]);
  });

  it("deadlines that fell due while the service was down are processed on the first tick after a restart", async () => {
    running = await startApp(engine);
    await running.call("POST", "/v1/events/batch", { events: [listing(), showing("2026-03-02T15:20:00+08:00", "S1")] });
    running.clock.set("2026-03-09T00:00:00+08:00");
    running = await running.restart();
    const token = await running.login("operator");
    expect((await running.call("GET", "/v1/claims", undefined, { token })).body.claims).toMatchObject([{ id: "showing-feedback-48h/S1", status: "paid" }]);
  });

  it("tier authority is enforced by the server, decisions are idempotent by Idempotency-Key", async () => {
    running = await startApp(engine);
    await running.call("POST", "/v1/events/batch", { events: [
      ev("deal.signed", "2026-03-02T10:00:00+08:00", { dealId: "D1", listingId: "L1", buyerId: "B1", sellerId: "S1", priceFen: 500_000_000, commissionFen: 10_000_000 }),
      ev("transfer.trip_wasted", "2026-03-03T10:00:00+08:00", { dealId: "D1", partyId: "B1", costFen: 15_000 }),
      ev("price_spread.found", "2026-03-03T11:00:00+08:00", { dealId: "D1", partyId: "B1", amountFen: 500_000 }),
    ] });
    const agent = await running.login("agent-a7");
    const claims = (await running.call("GET", "/v1/claims?status=pending_approval", undefined, { token: agent })).body.claims as Array<{ id: string; commitment: string }>;
    const tripId = claims.find((c) => c.commitment === "transfer-trip")!.id;
    const spreadId = claims.find((c) => c.commitment === "no-price-spread")!.id;
    expect(tripId).toMatch(/^transfer-trip\/D1\//);
    const approve = (id: string, token: string, key: string) =>
      running.call("POST", `/v1/claims/${encodeURIComponent(id)}/approve`, { reason: "checked the receipt" }, { token, headers: { "idempotency-key": key } });
    expect(await approve(spreadId, agent, "k1")).toMatchObject({ status: 403, body: { code: "insufficient_authority", field: "role" } });
    const first = await approve(tripId, agent, "k2");
    expect(first).toMatchObject({ status: 200, body: { duplicate: false, claim: { status: "paid" } } });
    expect(await approve(tripId, agent, "k2")).toMatchObject({ status: 200, body: { duplicate: true } });
    expect(await approve(tripId, agent, "k3")).toMatchObject({ status: 409, body: { code: "invalid_transition" } });
    const quality = await running.login("quality");
    expect(await approve(spreadId, quality, "k1")).toMatchObject({ status: 200, body: { claim: { status: "paid", amountFen: 500_000 } } });
    const operator = await running.login("operator");
    expect((await running.call("GET", "/v1/ledger/reconciliation", undefined, { token: operator })).body).toEqual({ balanced: true, paidClaims: 2, tracedFen: 515_000, problems: [] });
  });

  it("answers the pre-call and pre-signing checks with the reason, and masks the phone", async () => {
    running = await startApp(engine);
    await running.call("POST", "/v1/events", ev("consent.granted", "2026-03-01T08:00:00+08:00", { phone: "+8613800138000", scope: "marketing_calls", consumerId: "C5", channel: "app" }, { city: "wuhan" }));
    const allowed = await running.call("POST", "/v1/checks/pre-call", { agentId: "A7", phone: "+8613800138000", purpose: "marketing", city: "wuhan" });
    expect(allowed).toMatchObject({ status: 200, body: { decision: "allow", phoneMasked: "138****8000" } });
    const denied = await running.call("POST", "/v1/checks/pre-call", { agentId: "A7", phone: "+8613900139000", purpose: "marketing", city: "wuhan" });
    expect(denied.body).toMatchObject({ decision: "deny" });
    expect(denied.body.reason).toContain("no marketing_calls consent");
    await running.call("POST", "/v1/events/batch", { events: [
      listing("L1", { city: "suzhou", askingPriceFen: 300_000_000, at: "2026-02-20T10:00:00+08:00" }),
      ev("deal.price_proposed", "2026-03-01T08:30:00+08:00", { dealId: "D1", listingId: "L1", priceFen: 400_000_000 }, { city: "suzhou" }),
    ] });
    const halt = await running.call("POST", "/v1/checks/pre-signing", { dealId: "D1", city: "suzhou" });
    expect(halt.body).toMatchObject({ decision: "halt", findings: [{ rule: "price-deviation-48h" }] });
  });

  it("serves its OpenAPI document and browsable docs", async () => {
    running = await startApp(engine);
    const doc = await running.call("GET", "/openapi.json");
    expect(doc.body.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(["/v1/events", "/v1/events/batch", "/v1/claims", "/v1/checks/pre-call", "/v1/checks/pre-signing", "/v1/ledger/reconciliation"]));
    const page = await fetch(`${running.base}/docs/`);
    expect(page.status).toBe(200);
  });
});
