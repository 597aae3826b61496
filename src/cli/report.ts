// `anxin report fulfilment --from 2026-01-01 --to 2026-12-31 [--period month] [--json|--csv]`
import { dayRange } from "../api/routes/reports.js";
import { ApiError } from "../api/errors.js";
import { formatYuan } from "../domain/money.js";
import type { Period } from "../domain/reports/fulfilment.js";
import { migrate } from "../store/migrations.js";
import { fulfilmentReport } from "../store/reports.js";
import { CliError, type Io } from "./io.js";
import { openConfigured } from "./serve.js";

export interface ReportFlags {
  from: string;
  to: string;
  period: string;
  city?: string;
  brand?: string;
  commitment?: string;
  json?: boolean;
  csv?: boolean;
}

const kinds = ["payout", "advance", "refund", "waiver", "remedy", "recovery"] as const;

export async function fulfilmentCommand(flags: ReportFlags, io: Io): Promise<number> {
  if (!["day", "month", "year", "all"].includes(flags.period)) throw new CliError("--period is day, month, year or all");
  let range: { from: number; to: number };
  try {
    range = dayRange(flags.from, flags.to);
  } catch (error) {
    throw new CliError((error as ApiError).message);
  }
  const { database } = openConfigured();
  try {
    await migrate(database);
    const scope = { ...range, ...(flags.city ? { city: flags.city } : {}), ...(flags.brand ? { brand: flags.brand } : {}), ...(flags.commitment ? { commitment: flags.commitment } : {}) };
    const report = await fulfilmentReport(database.db, scope, flags.period as Period);
    if (flags.json) {
      io.out(`${JSON.stringify(report, null, 2)}\n`);
      return 0;
    }
    const header = ["period", "commitment", "count", "amount_cny", ...kinds.flatMap((k) => [`${k}_count`, `${k}_cny`])];
    const lines = report.rows.map((r) => [r.period, r.commitment, String(r.count), formatYuan(r.amountFen), ...kinds.flatMap((k) => [String(r.split[k].count), formatYuan(r.split[k].amountFen)])]);
    if (flags.csv) {
      io.out(`${[header, ...lines].map((l) => l.join(",")).join("\n")}\n`);
      return 0;
    }
    for (const l of [header.slice(0, 4), ...lines.map((l) => l.slice(0, 4))]) io.out(`${l[0]!.padEnd(10)} ${l[1]!.padEnd(26)} ${l[2]!.padStart(8)} ${l[3]!.padStart(16)}\n`);
    io.out(`total: ${report.total.count} claims paid, ${formatYuan(report.total.amountFen)} CNY\n\ncommitment                 confirmed     paid    rate  breach→paid h (median / p90)\n`);
    for (const r of report.rates) {
      io.out(`${r.commitment.padEnd(26)} ${String(r.confirmed).padStart(9)} ${String(r.paid).padStart(8)} ${r.rate === null ? "     -" : `${(r.rate * 100).toFixed(1).padStart(5)}%`}  ${r.breachToPaymentHoursMedian ?? "-"} / ${r.breachToPaymentHoursP90 ?? "-"}\n`);
    }
    return 0;
  } finally {
    await database.close();
  }
}
