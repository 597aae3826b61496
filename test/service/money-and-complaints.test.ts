// Money through the API: holds when a fund cannot pay, top-ups, voids; complaints per consumer; limits.
import { connect } from "node:net";
import { join } from "node:path";
import { bundledCatalogueDir, loadCatalogue } from "../../src/store/catalogue-files.js";
import { afterEach, describe, expect, it } from "vitest";
import { engines } from "../support/engines.js";
import { ev, listing, withSettings } from "../support/scenario.js";
import { People } from "../../src/service/people.js";
import { startApp, testPassword, type Running } from "../support/service.js";

const smallFunds = withSettings((s) => ({ ...s, funds: { platformOpeningFen: 10_000_000_000, brandCityOpeningFen: 15_000 } }));

describe.each(engines)("money and complaints on %s", (engine) => {
  let running: Running;
  afterEach(async () => running?.close());

  it("a payout the fund cannot cover is held and alerted; a top-up pays it; finance sees the fund", async () => {
    running = await startApp(engine, { catalogue: smallFunds });
    await running.call("POST", "/v1/events/batch", { events: [
      listing(),
      ev("showing.recorded", "2026-03-01T11:00:00+08:00", { showingId: "S1", listingId: "L1", buyerId: "C9", agentId: "A7" }),
      ev("showing.recorded", "2026-03-01T11:00:00+08:00", { showingId: "S2", listingId: "L1", buyerId: "C9", agentId: "A7" }),
    ] });
    running.clock.set("2026-03-04T00:00:00+08:00");
    await running.service.tick();
    const finance = await running.login("finance");
    const funds = await running.call("GET", "/v1/funds", undefined, { token: finance });
    expect(funds.body.funds).toEqual([{ fund: "lianjia:beijing", balanceFen: 5_000, heldClaims: 1, heldFen: 10_000 }]);
    const alerts = await running.call("GET", "/v1/alerts", undefined, { token: finance });
    expect(alerts.body.alerts.map((a: { kind: string }) => a.kind)).toContain("fund.payout_held");
    const held = (await running.call("GET", "/v1/claims?status=approved", undefined, { token: finance })).body.claims;
    expect(held).toMatchObject([{ status: "approved", hold: { reason: "fund_insufficient", availableFen: 5_000 } }]);
    const pay = await running.call("POST", `/v1/claims/${encodeURIComponent(held[0].id)}/pay`, { reason: "retry" }, { token: finance, headers: { "idempotency-key": "p1" } });
    expect(pay.body.claim).toMatchObject({ status: "approved", hold: { availableFen: 5_000 } });
    const topUp = await running.call("POST", "/v1/funds/lianjia:beijing/top-ups", { amountFen: 100_000 }, { token: finance, headers: { "idempotency-key": "t1" } });
    expect(topUp).toMatchObject({ status: 200, body: { balanceFen: 95_000 } });
    expect(await running.call("POST", "/v1/funds/lianjia:beijing/top-ups", { amountFen: 100_000 }, { token: finance, headers: { "idempotency-key": "t1" } })).toMatchObject({ body: { duplicate: true, balanceFen: 95_000 } });
    expect(await running.call("POST", "/v1/funds/lianjia:beijing/top-ups", { amountFen: 5 }, { token: finance, headers: { "idempotency-key": "t1" } })).toMatchObject({ status: 409, body: { code: "conflict" } });
    expect((await running.call("GET", "/v1/claims?status=paid", undefined, { token: finance })).body.claims).toHaveLength(2);
    const agent = await running.login("agent-a7");
    expect(await running.call("POST", "/v1/funds/lianjia:beijing/top-ups", { amountFen: 1 }, { token: agent, headers: { "idempotency-key": "t2" } })).toMatchObject({ status: 403 });
    expect((await running.call("GET", "/v1/ledger/reconciliation", undefined, { token: finance })).body).toMatchObject({ balanced: true, problems: [] });
  });

  it("a top-up whose Idempotency-Key holds a phone, made before such keys were hashed, is still the one a retry finds", async () => {
    running = await startApp(engine);
    // As a store made before 2026-11-28 logged it: the command's id the key as sent.
    const before = { id: "cmd/finance/topup-13312345678", type: "fund.topped_up", occurredAt: "2026-03-01T08:00:00+08:00", city: "beijing", brand: "lianjia", data: { fundId: "lianjia:beijing", amountFen: 500, actorId: "finance" } };
    expect((await running.service.submit(before)).status).toBe("accepted");
    const finance = await running.login("finance");
    const retry = (amountFen: number) => running.call("POST", "/v1/funds/lianjia:beijing/top-ups", { amountFen }, { token: finance, headers: { "idempotency-key": "topup-13312345678" } });
    expect(await retry(500)).toMatchObject({ status: 200, body: { duplicate: true, balanceFen: 1_000_000_500 } });
    expect(await retry(7)).toMatchObject({ status: 409, body: { code: "conflict" } });
  });

  it("a quality officer voids a held claim and its ledger entry is reversed; an agent may not", async () => {
    running = await startApp(engine, { catalogue: withSettings((s) => ({ ...s, funds: { platformOpeningFen: 10_000_000_000, brandCityOpeningFen: 0 } })) });
    await running.call("POST", "/v1/events/batch", { events: [listing(), ev("listing.delisted", "2026-03-01T12:00:00+08:00", { listingId: "L1", ownerConsent: false, reason: "sold elsewhere" })] });
    const quality = await running.login("quality");
    const [claim] = (await running.call("GET", "/v1/claims", undefined, { token: quality })).body.claims;
    expect(claim).toMatchObject({ commitment: "delist-consent", status: "approved" });
    const agent = await running.login("agent-a7");
    const path = `/v1/claims/${encodeURIComponent(claim.id)}/void`;
    expect(await running.call("POST", path, { reason: "duplicate listing" }, { token: agent, headers: { "idempotency-key": "v1" } })).toMatchObject({ status: 403, body: { code: "insufficient_authority" } });
    expect(await running.call("POST", path, { reason: "owner had consented in writing" }, { token: quality, headers: { "idempotency-key": "v2" } })).toMatchObject({ status: 200, body: { claim: { status: "voided" } } });
    const ledger = (await running.call("GET", "/v1/ledger", undefined, { token: quality })).body;
    expect(ledger.accounts.find((a: { name: string }) => a.name === "payable:lianjia:beijing").balanceFen).toBe(0);
    expect(ledger.entries.map((e: { purpose: string }) => e.purpose)).toEqual(["claim_approved", "claim_voided"]);
  });

  it("a consumer files a complaint and sees only their own, with the 30124 clock", async () => {
    running = await startApp(engine);
    const consumer = await running.login("consumer-c5");
    // The phone in the text is kept masked; the same request again is still a duplicate (it was a 409 conflict).
    const complaint = { city: "shanghai", brand: "lianjia", category: "attitude", text: "经纪人态度不好，请回电13912345678" };
    const filed = await running.call("POST", "/v1/complaints", complaint, { token: consumer, headers: { "idempotency-key": "c1" } });
    expect(filed).toMatchObject({ status: 201, body: { duplicate: false } });
    expect(await running.call("POST", "/v1/complaints", complaint, { token: consumer, headers: { "idempotency-key": "c1" } }))
      .toMatchObject({ status: 200, body: { complaintId: filed.body.complaintId, duplicate: true } });
    expect(await running.call("POST", "/v1/complaints", { ...complaint, text: "经纪人态度不好" }, { token: consumer, headers: { "idempotency-key": "c1" } })).toMatchObject({ status: 409 });
    await running.service.submit(ev("complaint.responded", "2026-03-01T09:10:00+08:00", { complaintId: filed.body.complaintId }, { city: "shanghai" }));
    const mine = await running.call("GET", "/v1/complaints", undefined, { token: consumer });
    expect(mine.body.complaints).toMatchObject([{ complaintId: filed.body.complaintId, consumerId: "C5", stages: { respond: { status: "fulfilled" }, solution: { status: "open" }, close: { status: "open" } } }]);
    const other = await running.login("owner-o1");
    expect((await running.call("GET", "/v1/complaints", undefined, { token: other })).body.complaints).toEqual([]);
  });

  it("where 30124 runs on business hours (Shanghai's draft), a complaint filed on a Sunday is due on Monday and breaches nothing meanwhile", async () => {
    const draft = loadCatalogue(join(bundledCatalogueDir(), "drafts/complaints-30124-business-hours.yaml"));
    if (!draft.ok) throw new Error(JSON.stringify(draft.problems));
    running = await startApp(engine, { catalogue: draft.catalogue }); // Sunday 1 March 2026, 09:00
    const consumer = await running.login("consumer-c5");
    const filed = await running.call("POST", "/v1/complaints", { city: "shanghai", brand: "lianjia", category: "attitude", text: "没人回电话" }, { token: consumer, headers: { "idempotency-key": "c1" } });
    running.clock.set("2026-03-01T23:00:00+08:00");
    await running.service.tick();
    const later = await running.login("consumer-c5"); // a session lasts less than the day
    expect((await running.call("GET", "/v1/complaints", undefined, { token: later })).body.complaints).toMatchObject([{ complaintId: filed.body.complaintId, stages: {
      respond: { status: "open", dueAt: "2026-03-02T09:30:00+08:00" }, solution: { status: "open", dueAt: "2026-03-03T12:00:00+08:00" }, close: { status: "open", dueAt: "2026-03-04T15:00:00+08:00" },
    } }]);
  });

  it("a complaint where 30124 is not promised (deyou) is still filed and followed, with no clock", async () => {
    running = await startApp(engine);
    await new People(running.service.database.db, running.clock.now).addUser({ username: "deyou-c5", role: "consumer", subjectId: "C5", brands: ["deyou"], cities: ["*"], password: testPassword }, running.clock.now());
    const consumer = await running.login("deyou-c5");
    const filed = await running.call("POST", "/v1/complaints", { city: "wuhan", brand: "deyou", category: "attitude", text: "没人回电话" }, { token: consumer, headers: { "idempotency-key": "c1" } });
    expect((await running.call("GET", "/v1/complaints", undefined, { token: consumer })).body.complaints).toEqual([
      { complaintId: filed.body.complaintId, consumerId: "C5", city: "wuhan", brand: "deyou", stages: {} },
    ]);
    // Lianjia's C5 is another person: they see none of it.
    expect((await running.call("GET", "/v1/complaints", undefined, { token: await running.login("consumer-c5") })).body.complaints).toEqual([]);
  });

  it("a consumer files complaints only with the brands and cities of their account", async () => {
    running = await startApp(engine);
    await new People(running.service.database.db, running.clock.now).addUser({ username: "buyer-bj", role: "consumer", subjectId: "B1", brands: ["lianjia"], cities: ["beijing"], password: testPassword }, running.clock.now());
    const consumer = await running.login("buyer-bj");
    const file = (city: string) => running.call("POST", "/v1/complaints", { city, brand: "lianjia", category: "attitude", text: "x" }, { token: consumer, headers: { "idempotency-key": city } });
    expect(await file("beijing")).toMatchObject({ status: 201 });
    expect(await file("wuhan")).toMatchObject({ status: 403, body: { code: "out_of_scope", field: "city" } });
  });

  it("limits: a body over 4 MiB is refused with 413 and a code; unknown routes 404, a route's path with another method 405; headers over 16 KiB 431; no token 401", async () => {
    running = await startApp(engine);
    const huge = { events: [{ ...listing(), data: { ...listing().data, layout: "x".repeat(5 * 1024 * 1024) } }] };
    expect(await running.call("POST", "/v1/events/batch", huge)).toMatchObject({ status: 413, body: { code: "body_too_large" } });
    expect(await running.call("GET", "/v1/nothing")).toMatchObject({ status: 404, body: { code: "not_found" } });
    expect(await running.call("POST", "/v1/claims/lianjia-1/nothing", {})).toMatchObject({ status: 404, body: { code: "not_found" } });
    // The path is there, for other methods: which ones is said (Allow), and no query is echoed.
    const wrongMethod = await fetch(`${running.base}/v1/events?phone=13912345678`, { headers: { authorization: `Bearer ${running.apiKey}` } });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get("allow")).toBe("POST");
    expect(await wrongMethod.json()).toEqual({ code: "method_not_allowed", message: "/v1/events takes POST, not GET", field: "method" });
    expect(await running.call("DELETE", "/v1/claims/claim-1")).toMatchObject({ status: 405, body: { message: "/v1/claims/claim-1 takes GET, HEAD, not DELETE" } });
    expect(await running.call("PUT", "/v1/webhooks/w1")).toMatchObject({ status: 405, body: { message: "/v1/webhooks/w1 takes DELETE, not PUT" } });
    // What Node's parser refuses before any route is answered in the same shape.
    expect(await raw(running.base, `GET /v1/claims HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`)).toEqual({ status: 431, body: { code: "headers_too_large", message: "the request's headers exceed 16 KiB", field: "headers" } });
    expect(await raw(running.base, "NOT HTTP AT ALL\r\n\r\n")).toMatchObject({ status: 400, body: { code: "bad_request" } });
    expect(await running.call("GET", "/v1/claims", undefined, { token: "st_wrong" })).toMatchObject({ status: 401, body: { code: "unauthenticated" } });
    expect(await running.call("POST", "/v1/events", listing(), { token: "nope" })).toMatchObject({ status: 401 });
  });
});

/** Sends bytes as they are, and reads the answer's status and JSON body. */
function raw(base: string, request: string): Promise<{ status: number; body: unknown }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.end(request));
    let answer = "";
    socket.on("data", (chunk) => (answer += chunk.toString("utf8")));
    socket.on("error", reject);
    socket.on("close", () => resolve({ status: Number(answer.split(" ")[1]), body: JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4)) }));
  });
}
