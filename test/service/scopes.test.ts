// Who may see and do what. Ids are chosen by each brand's systems, so a person's id means them only
// within their brand and city; an API key sends its brand's events, never a person's decision; staff
// and keys read and move only the money and records of their brands and cities.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { People } from "../../src/service/people.js";
import { engines } from "../support/engines.js";
import { ev, listing, signedDeal } from "../support/scenario.js";
import { startApp, testPassword, type Running } from "../support/service.js";

describe.each(engines)("scopes on %s", (engine) => {
  let running: Running;
  let deyouKey: string;
  beforeEach(async () => {
    running = await startApp(engine);
    const people = new People(running.service.database.db, running.clock.now);
    const add = (username: string, role: "consumer" | "finance" | "operations", subjectId: string, brands: string[], cities: string[]) =>
      people.addUser({ username, role, subjectId, brands, cities, password: testPassword }, running.clock.now());
    await add("buyer-lianjia", "consumer", "B1", ["lianjia"], ["beijing"]);
    await add("finance-beijing", "finance", "F2", ["lianjia"], ["beijing"]);
    await add("operations-deyou", "operations", "OP2", ["deyou"], ["*"]);
    deyouKey = await people.addApiKey({ label: "deyou-crm", brand: "deyou", cities: ["wuhan"] }, running.clock.now());
  });
  afterEach(async () => running.close());

  const topUp = (token: string, fund: string, body: unknown = { amountFen: 100 }, key = `${fund}-1`) =>
    running.call("POST", `/v1/funds/${fund}/top-ups`, body, { token, headers: { "idempotency-key": key } });

  it("an API key sends events, not a person's decision, and not under the ids kept for them", async () => {
    const approval = ev("claim.approved", "2026-03-01T10:00:00+08:00", { claimId: "commission-refund/D1/B1", actorId: "ceo", role: "platform_quality", reason: "by the integrator" });
    expect(await running.call("POST", "/v1/events", approval)).toMatchObject({ status: 403, body: { code: "insufficient_authority", field: "type" } });
    const topped = ev("fund.topped_up", "2026-03-01T10:00:00+08:00", { fundId: "lianjia:beijing", amountFen: 100, actorId: "finance" });
    const batch = await running.call("POST", "/v1/events/batch", { events: [topped, { ...signedDeal(), id: "cmd/finance/1" }] });
    expect(batch.body.results).toMatchObject([{ status: "rejected", code: "insufficient_authority", field: "type" }, { status: "rejected", code: "invalid_field", field: "id" }]);
    expect((await running.call("GET", "/v1/events/rejected")).body.rejected).toHaveLength(3);
    const operator = await running.login("operator");
    expect((await running.call("GET", "/v1/ledger", undefined, { token: operator })).body.entries).toEqual([]);
  });

  it("a consumer sees their claims within their brand and city: another brand's B1 is another person", async () => {
    const refunded = (dealId: string, where: { city: string; brand: string }) => [
      signedDeal(dealId, where),
      ev("deal.commission_paid", "2026-03-02T11:00:00+08:00", { dealId, payerId: "B1", amountFen: 6_000_000 }, where),
      ev("deal.failed", "2026-03-03T10:00:00+08:00", { dealId, reason: "loan_rejected" }, where),
    ];
    await running.call("POST", "/v1/events/batch", { events: refunded("D1", { city: "beijing", brand: "lianjia" }) });
    await running.call("POST", "/v1/events/batch", { events: refunded("D2", { city: "wuhan", brand: "deyou" }) }, { token: deyouKey });
    const buyer = await running.login("buyer-lianjia");
    const claims = (await running.call("GET", "/v1/claims", undefined, { token: buyer })).body.claims;
    expect(claims.map((c: { subjectId: string; beneficiaryId: string }) => `${c.subjectId} ${c.beneficiaryId}`)).toEqual(["D1 B1"]);
  });

  it("a pre-signing check of another brand's deal learns nothing of it", async () => {
    const suzhou = { city: "suzhou" }; // where funds safety, and its pre-signing check, are live
    const halting = ev("deal.price_proposed", "2026-03-01T10:00:00+08:00", { dealId: "D1", listingId: "L1", priceFen: 100_000_000 }, suzhou);
    await running.call("POST", "/v1/events/batch", { events: [listing("L1", { askingPriceFen: 500_000_000, ...suzhou }), halting] });
    const check = (key?: string) => running.call("POST", "/v1/checks/pre-signing", { dealId: "D1", city: "suzhou", at: "2026-03-01T12:00:00+08:00" }, key === undefined ? {} : { token: key });
    expect((await check()).body).toMatchObject({ decision: "halt" });
    const other = await new People(running.service.database.db, running.clock.now).addApiKey({ label: "deyou-sz", brand: "deyou", cities: ["suzhou"] }, running.clock.now());
    expect((await check(other)).body).toEqual({ dealId: "D1", decision: "pass", findings: [], reason: "no events known for deal D1" });
    // A key of every brand names whose deal it asks about.
    const platform = await new People(running.service.database.db, running.clock.now).addApiKey({ label: "platform", brand: "*", cities: ["*"] }, running.clock.now());
    expect(await check(platform)).toMatchObject({ status: 400, body: { code: "missing_field", field: "brand" } });
    const asked = await running.call("POST", "/v1/checks/pre-signing", { dealId: "D1", city: "suzhou", brand: "lianjia", at: "2026-03-01T12:00:00+08:00" }, { token: platform });
    expect(asked.body).toMatchObject({ decision: "halt" });
  });

  it("staff top up and read only the funds and ledger of their brands and cities; a body's numbers are taken as sent", async () => {
    const finance = await running.login("finance-beijing");
    const deyou = await running.login("operations-deyou");
    expect(await topUp(finance, "lianjia:beijing")).toMatchObject({ status: 200 });
    expect(await topUp(finance, "lianjia:changsha")).toMatchObject({ status: 403, body: { code: "out_of_scope", field: "fund" } });
    expect(await topUp(finance, "platform")).toMatchObject({ status: 403, body: { code: "out_of_scope", field: "fund" } });
    expect(await topUp(deyou, "lianjia:beijing", undefined, "x")).toMatchObject({ status: 403, body: { code: "out_of_scope" } });
    expect(await topUp(deyou, "deyou:wuhan")).toMatchObject({ status: 200 });
    // "100", true and [100] were numbers to the validator (true credited 1 fen); an unknown field was dropped.
    for (const body of [{ amountFen: "100" }, { amountFen: true }, { amountFen: [100] }, { amountFen: 100, note: "x" }]) {
      expect(await topUp(deyou, "deyou:wuhan", body, JSON.stringify(body))).toMatchObject({ status: 400, body: { code: "invalid_request" } });
    }
    expect(await running.call("POST", "/v1/sessions", { username: "operator", password: testPassword, remember: true })).toMatchObject({ status: 400, body: { code: "invalid_request" } });
    const funds = async (token: string) => (await running.call("GET", "/v1/funds", undefined, { token })).body.funds.map((f: { fund: string }) => f.fund);
    expect(await funds(finance)).toEqual(["lianjia:beijing"]);
    expect(await funds(deyou)).toEqual(["deyou:wuhan"]);
    expect(await funds(await running.login("operator"))).toEqual(["deyou:wuhan", "lianjia:beijing"]);
    const ledger = (await running.call("GET", "/v1/ledger", undefined, { token: deyou })).body;
    expect(ledger.accounts.map((a: { name: string }) => a.name)).toEqual(["capital:deyou:wuhan", "fund:deyou:wuhan"]);
    expect(ledger.entries.map((e: { purpose: string }) => e.purpose)).toEqual(["fund_opened", "top_up"]);
    expect(ledger.balanced).toBe(true);
    expect(await running.call("GET", "/v1/ledger/reconciliation", undefined, { token: deyou })).toMatchObject({ status: 403, body: { code: "out_of_scope" } });
  });

  it("rejected events are read by the key that sent them and by staff of their brand and city, not by consumers", async () => {
    await running.call("POST", "/v1/events", "{ not json", { token: deyouKey });
    await running.call("POST", "/v1/events", { ...signedDeal("D2", { city: "wuhan", brand: "deyou" }), occurredAt: "yesterday" }, { token: deyouKey });
    await running.call("POST", "/v1/events", { ...signedDeal("D1"), occurredAt: "today" });
    const ids = async (token?: string) => (await running.call("GET", "/v1/events/rejected", undefined, token === undefined ? {} : { token })).body.rejected.map((r: { code: string; id: string | null }) => `${r.code} ${r.id}`);
    expect(await ids(deyouKey)).toEqual([expect.stringMatching(/^invalid_timestamp /), "invalid_json null"]);
    expect(await ids()).toEqual([expect.stringMatching(/^invalid_timestamp /)]); // lianjia's key, in every city: lianjia's
    expect(await ids(await running.login("quality-wuhan"))).toEqual([expect.stringMatching(/^invalid_timestamp /)]);
    // Refused for naming lianjia, it is not filed under lianjia: any key could have filled lianjia's list.
    await running.call("POST", "/v1/events", signedDeal("D3"), { token: deyouKey });
    expect(await ids(deyouKey)).toEqual([expect.stringMatching(/^out_of_scope /), expect.stringMatching(/^invalid_timestamp /), "invalid_json null"]);
    expect(await ids()).toEqual([expect.stringMatching(/^invalid_timestamp /)]);
    expect((await running.call("GET", "/v1/events/rejected", undefined, { token: await running.login("buyer-lianjia") })).status).toBe(403);
  });

  it("a username that failed ten logins in a quarter-hour is refused until it ends, its right password too; Authorization's scheme in any case", async () => {
    const login = (password: string) => running.call("POST", "/v1/sessions", { username: "operator", password });
    for (let i = 0; i < 10; i++) expect((await login("wrong password")).status).toBe(401);
    expect(await login(testPassword)).toMatchObject({ status: 429, body: { code: "too_many_attempts", field: "username" } });
    running.clock.set("2026-03-01T09:16:00+08:00");
    expect((await login(testPassword)).status).toBe(200);
    expect((await running.call("GET", "/v1/webhooks", undefined, { headers: { authorization: `bearer ${running.apiKey}` } })).status).toBe(200);
  });
});
