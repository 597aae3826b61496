// Funds, the ledger and its reconciliation, and alerts: finance's and operations' view of money.
import { Type } from "@sinclair/typebox";
import { sql, type Kysely } from "kysely";
import { fundPattern } from "../../domain/events/schema.js";
import { fundOfAccount, placeOfFund } from "../../domain/ledger.js";
import type { Tables } from "../../store/database.js";
import { ApiError, ErrorBody, statusOfRejection } from "../errors.js";
import { scopeCovers, withinScope, type Scope } from "../../store/scope.js";
import { coversFund } from "../scope.js";
import { Offset } from "../schemas.js";
import type { ApiContext, TypedApp } from "../server.js";

const staff = new Set(["finance", "operations", "quality_officer", "store_manager"]);

export function registerMoneyRoutes(app: TypedApp, context: ApiContext): void {
  const db = () => context.service.database.db;
  const staffOnly = async (request: Parameters<ApiContext["userOf"]>[0]) => {
    const user = await context.userOf(request);
    if (!staff.has(user.role)) throw new ApiError(403, "forbidden", `a ${user.role} may not see the ledger`, "role");
    return user;
  };
  const balances = async () => {
    const rows = await db().selectFrom("postings").select(["account", sql<number>`sum(amount_fen)`.as("balance")]).groupBy("account").orderBy("account").execute();
    return rows.map((r) => ({ name: r.account, balanceFen: Number(r.balance) }));
  };
  /** A fund's account is seen by those the fund is in scope for; an expense account, every fund's, by those covering all. */
  const coversAccount = (scope: Scope, name: string) => coversFund(scope, fundOfAccount(name) ?? "platform");

  app.get("/v1/funds", { schema: { summary: "Fund balances and the payouts they hold", tags: ["money"], security: [{ session: [] }] } }, async (request) => {
    const user = await staffOnly(request);
    const accounts = (await balances()).filter((a) => a.name.startsWith("fund:") && coversAccount(user, a.name));
    const held = await db().selectFrom("claims").select(["fund", sql<number>`count(*)`.as("claims"), sql<number>`sum(amount_fen)`.as("amount")])
      .where("status", "=", "approved").where("kind", "!=", "remedy").groupBy("fund").execute();
    return {
      funds: accounts.map((a) => {
        const fund = a.name.slice("fund:".length);
        const hold = held.find((h) => h.fund === fund);
        return { fund, balanceFen: a.balanceFen, heldClaims: Number(hold?.claims ?? 0), heldFen: Number(hold?.amount ?? 0) };
      }),
    };
  });

  app.post("/v1/funds/:fund/top-ups", {
    schema: {
      summary: "Put money into a fund; held payouts are then paid, oldest first", tags: ["money"], security: [{ session: [] }],
      params: Type.Object({ fund: Type.String({ pattern: fundPattern }) }),
      headers: Type.Object({ "idempotency-key": Type.String({ minLength: 1, maxLength: 100 }) }),
      body: Type.Object({ amountFen: Type.Integer({ minimum: 1, maximum: 10_000_000_000_000 }) }, { additionalProperties: false }),
      response: { 403: ErrorBody, 409: ErrorBody },
    },
  }, async (request) => {
    const user = await context.userOf(request);
    if (user.role !== "finance" && user.role !== "operations") throw new ApiError(403, "insufficient_authority", "only finance or operations tops up a fund", "role");
    if (!coversFund(user, request.params.fund)) {
      throw new ApiError(403, "out_of_scope", `${user.username} may top up only the funds of their brands and cities${request.params.fund === "platform" ? " (the platform's needs every one)" : ""}`, "fund");
    }
    const place = placeOfFund(request.params.fund);
    const { brand, city } = place === "platform" ? { brand: "platform", city: "national" } : place;
    const result = await context.service.command({
      idempotencyKey: `${user.username}/${request.headers["idempotency-key"]}`, type: "fund.topped_up", city, brand,
      data: { fundId: request.params.fund, amountFen: request.body.amountFen, actorId: user.username },
    });
    if (result.status === "rejected") throw new ApiError(statusOfRejection(result.rejection.code), result.rejection.code, result.rejection.message, result.rejection.field);
    return { duplicate: result.status === "duplicate", fund: request.params.fund, balanceFen: context.service.engine.state.ledger.balances.get(`fund:${request.params.fund}`) ?? 0 };
  });

  app.get("/v1/ledger", {
    schema: {
      summary: "Account balances and journal entries", tags: ["money"], security: [{ session: [] }],
      querystring: Type.Object({ claimId: Type.Optional(Type.String()), limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }), offset: Offset }),
    },
  }, async (request) => {
    const user = await staffOnly(request);
    const all = await balances();
    const accounts = all.filter((a) => coversAccount(user, a.name));
    let query = db().selectFrom("entries").selectAll();
    if (request.query.claimId !== undefined) query = query.where("claim_id", "=", request.query.claimId);
    // A scoped reader sees the entries that move money of their funds.
    if (accounts.length < all.length) {
      const funds = accounts.map((a) => a.name);
      if (funds.length === 0) query = query.where(sql<boolean>`false`);
      else query = query.where("id", "in", db().selectFrom("postings").select("entry_id").where("account", "in", funds));
    }
    const entries = await query.orderBy("at").orderBy("id").limit(request.query.limit).offset(request.query.offset).execute();
    const postings = entries.length === 0 ? [] : await db().selectFrom("postings").selectAll().where("entry_id", "in", entries.map((e) => e.id)).orderBy("entry_id").orderBy("line").execute();
    return {
      balanced: all.reduce((sum, a) => sum + a.balanceFen, 0) === 0,
      accounts,
      entries: entries.map((e) => ({
        id: e.id, at: new Date(Number(e.at)).toISOString(), purpose: e.purpose, claimId: e.claim_id, versionKey: e.version_key, causedBy: JSON.parse(e.caused_by) as string[],
        postings: postings.filter((p) => p.entry_id === e.id).map((p) => ({ account: p.account, amountFen: Number(p.amount_fen) })),
      })),
    };
  });

  app.get("/v1/ledger/reconciliation", {
    schema: { summary: "Postings sum to balances; every paid fen traces to claim, commitment version and events", tags: ["money"], security: [{ session: [] }] },
  }, async (request) => {
    // The whole ledger's check, naming any account and claim at fault: for those who see all of it.
    const user = await staffOnly(request);
    if (!scopeCovers(user)) throw new ApiError(403, "out_of_scope", "reconciling the ledger needs an account of every brand and city", "role");
    return reconcile(context);
  });

  app.get("/v1/alerts", {
    schema: { summary: "Alerts, newest first", tags: ["money"], security: [{ session: [] }], querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }) }) },
  }, async (request) => {
    const user = await staffOnly(request);
    const rows = await alertsIn(db(), user).orderBy("seq", "desc").limit(request.query.limit).execute();
    return { alerts: rows.map((a) => ({ seq: Number(a.seq), kind: a.kind, at: new Date(Number(a.at)).toISOString(), claimId: a.claim_id, obligationId: a.obligation_id, dealId: a.deal_id, message: a.message })) };
  });
}

/** The alerts of a scope: those of its claims, obligations and deals (every alert names one of them). */
function alertsIn(db: Kysely<Tables>, scope: Scope) {
  const query = db.selectFrom("alerts").selectAll();
  if (scopeCovers(scope)) return query;
  return query.where((eb) => eb.or([
    eb("claim_id", "in", withinScope(db.selectFrom("claims").select("claims.id"), scope, "claims")),
    eb("obligation_id", "in", withinScope(db.selectFrom("obligations").select("obligations.id"), scope, "obligations")),
    eb("deal_id", "in", withinScope(db.selectFrom("deals").select("deals.deal_id"), scope, "deals")),
    eb("deal_id", "in", withinScope(db.selectFrom("risks").select("risks.deal_id"), scope, "risks")), // halted before a signing
  ]));
}

/** Checks the stored ledger against itself, the engine and the log. Problems are listed, not thrown. */
export async function reconcile(context: Pick<ApiContext, "service">) {
  const db = context.service.database.db;
  const problems: string[] = [];
  const unbalanced = await db.selectFrom("postings").select(["entry_id", sql<number>`sum(amount_fen)`.as("total")]).groupBy("entry_id").having(sql`sum(amount_fen)`, "!=", 0).execute();
  for (const e of unbalanced) problems.push(`entry ${e.entry_id} sums to ${e.total}`);
  const stored = await db.selectFrom("postings").select(["account", sql<number>`sum(amount_fen)`.as("balance")]).groupBy("account").execute();
  const memory = context.service.engine.state.ledger.balances;
  for (const row of stored) {
    if ((memory.get(row.account) ?? 0) !== Number(row.balance)) problems.push(`account ${row.account}: postings sum to ${row.balance}, the engine holds ${memory.get(row.account) ?? 0}`);
  }
  const paid = await db.selectFrom("claims").select(["id", "version", "body", "amount_fen"]).where("status", "=", "paid").where("kind", "!=", "remedy").execute();
  let tracedFen = 0;
  for (const claim of paid) {
    const body = JSON.parse(claim.body) as { entryId: string; causedBy: string[] };
    const entry = await db.selectFrom("entries").selectAll().where("id", "=", body.entryId).executeTakeFirst();
    if (entry === undefined || entry.claim_id !== claim.id) { problems.push(`paid claim ${claim.id} has no journal entry`); continue; }
    if (entry.version_key !== claim.version) problems.push(`claim ${claim.id}: entry ${entry.id} names version ${entry.version_key}, the claim ${claim.version}`);
    const logged = await db.selectFrom("log").select("event_id").where("event_id", "in", body.causedBy).execute();
    if (logged.length !== new Set(body.causedBy).size) problems.push(`claim ${claim.id}: causing events missing from the log`);
    else tracedFen += Number(claim.amount_fen);
  }
  const total = stored.reduce((sum, r) => sum + Number(r.balance), 0);
  return { balanced: total === 0 && unbalanced.length === 0, paidClaims: paid.length, tracedFen, problems };
}
