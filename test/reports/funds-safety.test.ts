// Funds safety: the custody rate (share of deal funds deposited into custody), risky deals stopped
// by rule, loss events and the loss rate per deal, fund balances, advances outstanding and recovered.
import { afterEach, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { engines } from "../support/engines.js";
import { ev, listing, signedDeal } from "../support/scenario.js";
import { expectAllAccepted, startApp, type Running } from "../support/service.js";

const tianjin = { city: "tianjin" };
const deposit = (dealId: string, amountFen: number, custody: boolean) => ev("funds.deposited", "2026-03-03T10:00:00+08:00", { dealId, amountFen, custody }, tianjin);
const proposal = (dealId: string, priceFen: number) => ev("deal.price_proposed", "2026-03-05T10:00:00+08:00", { dealId, listingId: "L1", priceFen }, tianjin);

describe.each(engines)("the funds-safety report on %s", (engine) => {
  let running: Running;
  afterEach(async () => running?.close());

  async function history() {
    running = await startApp(engine, { start: "2026-03-01T00:00:00+08:00" });
    const batch = await running.call("POST", "/v1/events/batch", { events: [
      listing("L1", { city: "tianjin", askingPriceFen: 300_000_000 }),
      ...["D1", "D2", "D3"].map((d) => signedDeal(d, { city: "tianjin", priceFen: 300_000_000 })),
      deposit("D1", 100_000_000, true), deposit("D2", 100_000_000, true), deposit("D3", 50_000_000, false),
      // D4 is halted at 100万 against an asking price of 300万 and never signed; D5 is signed over its
      // halt; D6 is signed 3 days after its halting proposal, the halt lapsed: signed, so not stopped.
      proposal("D4", 100_000_000), proposal("D5", 100_000_000), signedDeal("D5", { city: "tianjin", at: "2026-03-06T10:00:00+08:00", priceFen: 300_000_000 }),
      proposal("D6", 100_000_000), signedDeal("D6", { city: "tianjin", at: "2026-03-08T10:00:00+08:00", priceFen: 300_000_000 }),
      ev("funds.loss_confirmed", "2026-03-10T10:00:00+08:00", { dealId: "D1", amountFen: 20_000_000, caseId: "CASE-1" }, tianjin),
      ev("deal.handover_completed", "2026-03-04T10:00:00+08:00", { dealId: "D2" }, tianjin),
      ev("property_fee.arrears_found", "2026-03-12T10:00:00+08:00", { dealId: "D2", amountFen: 300_000 }, tianjin),
      ev("property_fee.recovered", "2026-03-20T10:00:00+08:00", { dealId: "D2", amountFen: 100_000 }, tianjin),
    ] });
    expectAllAccepted(batch);
    running.clock.set("2026-03-31T00:00:00+08:00");
    const token = await running.login("operator");
    const [lossClaim] = (await running.call("GET", "/v1/claims?commitment=funds-safety", undefined, { token })).body.claims;
    expect(await running.call("POST", `/v1/claims/${encodeURIComponent(lossClaim.id)}/approve`, { reason: "custody account statement checked" }, { token, headers: { "idempotency-key": "approve-loss" } })).toMatchObject({ status: 200 });
    return token;
  }

  it("custody rate, deals stopped, losses and the loss rate, funds and advances", async () => {
    const token = await history();
    const { body } = await running.call("GET", "/v1/reports/funds-safety?from=2026-03-01&to=2026-03-31&city=tianjin", undefined, { token });
    expect(body).toMatchObject({
      deposits: { count: 3, amountFen: 250_000_000, custodyCount: 2, custodyFen: 200_000_000 },
      custodyRate: 0.8,
      stopped: { deals: 1, byRule: { "price-deviation-48h": 1 } },
      signedDespiteHalt: 1,
      dealsSigned: 5,
      losses: { count: 1, amountFen: 20_000_000 },
      lossRate: 0.2,
      advances: { paidCount: 1, paidFen: 300_000, recoveredFen: 100_000, outstandingFen: 200_000 },
    });
    // The platform fund opened with 100,000,000 CNY, paid the loss and the advance, and got 1,000 back.
    expect(body.funds).toContainEqual({ fundId: "platform", balanceFen: 10_000_000_000 - 20_000_000 - 300_000 + 100_000 });
  });

  it("a city with no data has no rates; a period before any money moved has no fund yet", async () => {
    const token = await history();
    const wuhan = (await running.call("GET", "/v1/reports/funds-safety?from=2026-03-01&to=2026-03-31&city=wuhan", undefined, { token })).body;
    expect(wuhan).toMatchObject({ deposits: { count: 0 }, custodyRate: null, lossRate: null, stopped: { deals: 0 }, advances: { paidCount: 0, outstandingFen: 0 } });
    expect(wuhan.funds.map((f: { fundId: string }) => f.fundId)).toEqual(["platform"]);
    const before = (await running.call("GET", "/v1/reports/funds-safety?from=2026-02-01&to=2026-02-28&city=tianjin", undefined, { token })).body;
    expect(before).toMatchObject({ dealsSigned: 0, funds: [], custodyRate: null });
  });

  it("anxin report funds-safety prints the figures", async () => {
    await history();
    const out: string[] = [];
    process.env["ANXIN_DATABASE_URL"] = running.databaseUrl;
    try {
      expect(await main(["node", "anxin", "report", "funds-safety", "--from", "2026-03-01", "--to", "2026-03-31", "--city", "tianjin"], { out: (t: string) => void out.push(t), err: () => undefined, interactive: false })).toBe(0);
    } finally {
      delete process.env["ANXIN_DATABASE_URL"];
    }
    const text = out.join("");
    expect(text).toMatch(/custody_rate\s+80\.00%/);
    expect(text).toMatch(/loss_rate\s+20\.0000%/);
    expect(text).toMatch(/risky_deals_stopped\s+1/);
  });
});
