// `anxin report fulfilment|scorecard|funds-safety|listing …`: the published figures from the
// configured database, as a table, or `--json` / `--csv`.
import { dayRange, reportScope } from "../api/routes/reports.js";
import { ApiError } from "../api/errors.js";
import { formatYuan } from "../domain/money.js";
import { periods, type Period } from "../domain/reports/fulfilment.js";
import { listingReportView, untilNow } from "../domain/reports/listing.js";
import type { Database } from "../store/database.js";
import { fulfilmentReport } from "../store/reports/fulfilment.js";
import { fundsSafetyReport } from "../store/reports/funds-safety.js";
import { listingReports } from "../store/reports/listing.js";
import { scorecardReport } from "../store/reports/scorecard.js";
import { CliError, type Io } from "./io.js";
import { openConfigured, systemClock } from "./serve.js";

export interface ReportFlags {
  from: string;
  to: string;
  period?: string;
  city?: string;
  brand?: string;
  commitment?: string;
  listing?: string;
  json?: boolean;
  csv?: boolean;
}

type Cell = string | number | null;
type Table = { header: string[]; rows: Cell[][] };

const kinds = ["payout", "advance", "refund", "waiver", "remedy", "recovery"] as const;
const percent = (share: number | null) => (share === null ? null : `${(share * 100).toFixed(2)}%`);
/** Hours to a tenth: the JSON keeps them exact, a table need not print 47.99972222222222. */
const hours = (h: number | null) => (h === null ? null : h.toFixed(1));

/** Each report: the query, and how its JSON reads as tables. */
const reports = {
  async fulfilment(db: Database["db"], flags: ReportFlags) {
    const json = await fulfilmentReport(db, scopeOf(flags), periodOf(flags));
    const tables: Table[] = [
      {
        header: ["period", "commitment", "count", "amount_cny", ...kinds.flatMap((k) => [`${k}_count`, `${k}_cny`])],
        rows: json.rows.map((r) => [r.period, r.commitment, r.count, formatYuan(r.amountFen), ...kinds.flatMap((k) => [r.split[k].count, formatYuan(r.split[k].amountFen)])]),
      },
      {
        header: ["commitment", "confirmed", "paid", "rate", "breach_to_paid_hours_median", "breach_to_paid_hours_p90", "reported", "reported_paid", "reported_rate"],
        rows: json.rates.map((r) => [
          r.commitment, r.confirmed, r.paid, percent(r.rate), hours(r.breachToPaymentHoursMedian), hours(r.breachToPaymentHoursP90),
          r.reported?.confirmed ?? null, r.reported?.paid ?? null, percent(r.reported?.rate ?? null),
        ]),
      },
    ];
    return { json, tables };
  },
  async scorecard(db: Database["db"], flags: ReportFlags) {
    const json = await scorecardReport(db, scopeOf(flags), periodOf(flags));
    const tables: Table[] = [{
      header: ["period", "complaints", "answered_30min", "solution_12h", "closed_24h", "deals", "complaint_rate", "satisfaction", "nps", "reviews"],
      rows: json.rows.map((r) => [r.period, r.complaints, percent(r.respond.share), percent(r.solution.share), percent(r.close.share), r.dealsSigned, percent(r.complaintRate), percent(r.satisfaction), r.nps === null ? null : r.nps.toFixed(1), r.reviews]),
    }];
    return { json, tables };
  },
  async "funds-safety"(db: Database["db"], flags: ReportFlags) {
    const json = await fundsSafetyReport(db, scopeOf(flags));
    const tables: Table[] = [
      {
        header: ["figure", "value"],
        rows: [
          ["deposits", json.deposits.count], ["deposited_cny", formatYuan(json.deposits.amountFen)], ["custody_rate", percent(json.custodyRate)],
          ["deals_signed", json.dealsSigned], ["risky_deals_stopped", json.stopped.deals], ["deals_warned", json.warned], ["signed_despite_halt", json.signedDespiteHalt],
          ["loss_events", json.losses.count], ["losses_cny", formatYuan(json.losses.amountFen)], ["loss_rate", json.lossRate === null ? null : `${(json.lossRate * 100).toFixed(4)}%`],
          ["advances_paid", json.advances.paidCount], ["advanced_cny", formatYuan(json.advances.paidFen)], ["recovered_cny", formatYuan(json.advances.recoveredFen)], ["outstanding_cny", formatYuan(json.advances.outstandingFen)],
          ...Object.entries(json.stopped.byRule).map(([rule, n]): Cell[] => [`stopped_by:${rule}`, n]),
        ],
      },
      { header: ["fund", "balance_cny"], rows: json.funds.map((f) => [f.fundId, formatYuan(f.balanceFen)]) },
    ];
    return { json, tables };
  },
  async listing(db: Database["db"], flags: ReportFlags) {
    if (flags.listing === undefined) throw new CliError("report listing needs --listing ID");
    // As the API does: the wall clock is read here, at the edge.
    const range = untilNow(rangeOf(flags), systemClock.now());
    const report = (await listingReports(db, { listingIds: [flags.listing], ...range })).get(flags.listing);
    if (report === undefined) throw new CliError(`no listing ${flags.listing} on the market between ${flags.from} and ${flags.to}`);
    const a = report.activity;
    const tables: Table[] = [{
      header: ["figure", "listing", "community_same_layout_average"],
      rows: [
        ["views", a.views, a.community.views], ["follows", a.follows, a.community.follows], ["showings", a.showings, a.community.showings],
        ["promotions", report.promotions, null], ["progress_weeks_met", `${report.progress.weeksMet}/${report.progress.weeks}`, null],
        ["feedback_on_time", `${report.feedback.onTime}/${report.feedback.due}`, null],
        ["asking_cny_per_sqm", report.prices.currentFenPerSqm === null ? null : formatYuan(report.prices.currentFenPerSqm), report.prices.community.askingFenPerSqm === null ? null : formatYuan(report.prices.community.askingFenPerSqm)],
        ["deals_90d_cny_per_sqm", null, report.prices.community.dealFenPerSqm === null ? null : formatYuan(report.prices.community.dealFenPerSqm)],
      ],
    }];
    return { json: listingReportView(report), tables };
  },
};

export type ReportName = keyof typeof reports;

/** Bad dates are the user's to fix: a CLI error, not a stack. */
function asCliError<T>(f: () => T): T {
  try {
    return f();
  } catch (error) {
    if (error instanceof ApiError) throw new CliError(error.message);
    throw error;
  }
}

const rangeOf = (flags: ReportFlags) => asCliError(() => dayRange(flags.from, flags.to));
const scopeOf = (flags: ReportFlags) => asCliError(() => reportScope(flags));

function periodOf(flags: ReportFlags): Period {
  const period = flags.period ?? "month";
  if (!(periods as readonly string[]).includes(period)) throw new CliError(`--period is one of ${periods.join(", ")}`);
  return period as Period;
}

const text = (cell: Cell) => (cell === null ? "-" : String(cell));

export async function reportCommand(name: ReportName, flags: ReportFlags, io: Io): Promise<number> {
  const { database } = await openConfigured();
  try {
    const { json, tables } = await reports[name](database.db, flags);
    if (flags.json) {
      io.out(`${JSON.stringify(json, null, 2)}\n`);
    } else if (flags.csv) {
      io.out(tables.map((t) => [t.header, ...t.rows].map((r) => r.map((c) => (c === null ? "" : String(c))).join(",")).join("\n")).join("\n\n") + "\n");
    } else {
      for (const table of tables) {
        const widths = table.header.map((h, i) => Math.max(h.length, ...table.rows.map((r) => text(r[i] ?? null).length)));
        for (const row of [table.header, ...table.rows]) io.out(`${row.map((c, i) => (i === 0 ? text(c).padEnd(widths[i]!) : text(c).padStart(widths[i]!))).join("  ")}\n`);
        io.out("\n");
      }
    }
    return 0;
  } finally {
    await database.close();
  }
}
