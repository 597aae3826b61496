// obligation.due_soon: a notice once per open obligation, when it falls within the warning window.
import type { Transaction } from "kysely";
import type { Instant } from "../domain/time.js";
import type { Engine } from "../engine/engine.js";
import type { Tables } from "../store/database.js";

/** Marks up to 1,000 open obligations due within `withinMs` of `now` as warned, and notices each (once). */
export async function warnDueSoon(trx: Transaction<Tables>, engine: Engine, now: Instant, withinMs: number): Promise<void> {
  const rows = await trx.selectFrom("obligations").select("id").where("status", "=", "open").where("warned_at", "is", null)
    .where("due_at", ">", now).where("due_at", "<=", now + withinMs).limit(1_000).execute();
  if (rows.length === 0) return;
  await trx.updateTable("obligations").set({ warned_at: now }).where("id", "in", rows.map((r) => r.id)).execute();
  for (const { id } of rows) {
    const obligation = engine.state.obligations.get(id)!;
    engine.state.notices.push({ kind: "obligation.due_soon", at: now, city: obligation.city, brand: obligation.brand, claimId: null, obligationId: id, riskKey: null });
  }
}
