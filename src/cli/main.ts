// anxin: the command line. Each command is a thin shell over the engine or the store, loaded when
// it runs: loading them all (the service's HTTP framework and drivers, the engine, TypeBox) took
// 0.7 s of every command's start.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Command, CommanderError } from "commander";
import { CliError, processIo, stdoutWriter, type Io } from "./io.js";
import type { ReportName } from "./report.js";

/** `write`: where `simulate` writes its history (standard output by default). */
export async function main(argv: readonly string[], io: Io = processIo, write?: (chunk: string) => Promise<void>): Promise<number> {
  const program = new Command("anxin")
    .description("Anxin (安心): service commitments made enforceable")
    .version(packageVersion(), "-V, --version")
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
  let code = 0;

  program
    .command("replay")
    .description("replay a history of events (NDJSON) against the catalogue with a virtual clock")
    .argument("[events]", "NDJSON file, one event envelope per line")
    .option("--log <file>", "replay a service's log (from `anxin log export`) exactly as it was applied")
    .option("--until <instant>", "stop the clock here (RFC 3339 with offset); default: the last event")
    .option("--catalogue <file>", "a catalogue file or folder instead of the bundled one")
    .option("--compare", "replay under the bundled and the --catalogue draft and print the difference per commitment")
    .option("--json", "print the full state as JSON")
    .action(async (file: string | undefined, flags) => {
      const { replayCommand } = await import("./replay.js");
      code = await replayCommand(file, flags, io);
    });

  const catalogue = program
    .command("catalogue")
    .description("list the commitment versions that apply to a city, brand and date")
    .option("--city <city>")
    .option("--brand <brand>")
    .option("--date <YYYY-MM-DD>")
    .option("--catalogue <file>", "a catalogue file or folder instead of the bundled one")
    .option("--json")
    .action(async (flags) => {
      const { listCommand } = await import("./catalogue.js");
      code = listCommand(flags, io);
    });
  catalogue
    .command("check")
    .description("validate a (draft) catalogue file")
    .argument("<file>")
    .action(async (file: string) => {
      const { checkCommand } = await import("./catalogue.js");
      code = checkCommand(file, io);
    });

  program
    .command("simulate")
    .description("generate a realistic event history (NDJSON on stdout) from the real Beijing listing data")
    .requiredOption("--city <city>", "beijing, shanghai, wuhan, … (sizes in docs/simulation.md)")
    .option("--days <days>", "how many days", "365")
    .option("--seed <seed>", "the same seed gives the same history", "7")
    .option("--scale <scale>", "1.0 is the city's published size", "1")
    .option("--start <date>", "first day, YYYY-MM-DD", "2025-01-01")
    .option("--brand <brand>", "the brokerage brand", "lianjia")
    .option("--data <dir>", "the shared data folder (default ../shared/data, or ANXIN_DATA_DIR)")
    .action(async (flags) => {
      const { simulateCommand } = await import("./simulate.js");
      code = await simulateCommand(flags, io, write ?? stdoutWriter);
    });

  program
    .command("serve")
    .description("run the HTTP service (SQLite ./data/anxin.db by default; ANXIN_DATABASE_URL=postgres://… for PostgreSQL)")
    .option("--port <port>", "default 3000 or $PORT")
    .option("--host <host>", "default 127.0.0.1 or $HOST")
    .option("--catalogue <file>", "a catalogue file or folder instead of the bundled one")
    .option("--tick-ms <ms>", "how often deadlines are processed (default 1000)")
    .action(async (flags) => {
      const { serveCommand } = await import("./serve.js");
      code = await serveCommand(flags, io);
    });

  program
    .command("users")
    .description("user accounts")
    .command("add")
    .requiredOption("--username <name>")
    .requiredOption("--role <role>", "consumer, agent, store_manager, quality_officer, finance or operations")
    .option("--subject <id>", "the consumer's or agent's id in events (default: the username)")
    .option("--cities <list>", "comma-separated, or *", "*")
    .option("--brands <list>", "comma-separated, or *", "*")
    .option("--password <password>", "or ANXIN_PASSWORD")
    .action(async (flags) => {
      const { addUserCommand } = await import("./admin.js");
      code = await addUserCommand(flags, io);
    });

  program
    .command("keys")
    .description("integrator API keys")
    .command("add")
    .requiredOption("--label <label>")
    .requiredOption("--brand <brand>", "the brand whose events the key sends")
    .option("--cities <list>", "comma-separated, or *", "*")
    .action(async (flags) => {
      const { addKeyCommand } = await import("./admin.js");
      code = await addKeyCommand(flags, io);
    });

  const report = program.command("report").description("published figures from the configured database (table, --json or --csv)");
  const descriptions: Record<ReportName, string> = {
    fulfilment: "count and amount by commitment and period; fulfilment rate; time from breach to payout",
    scorecard: "the 30124 scorecard: answered in 30 min, solved in 12 h, closed in 24 h; complaint rate; satisfaction; NPS",
    "funds-safety": "custody rate, risky deals stopped, losses and loss rate, fund balances, advances",
    listing: "an owner's listing report (--listing ID) against its community",
  };
  for (const name of Object.keys(descriptions) as ReportName[]) {
    const command = report.command(name).description(descriptions[name])
      .requiredOption("--from <date>", "first day, YYYY-MM-DD (business time)")
      .requiredOption("--to <date>", "last day, YYYY-MM-DD, included")
      .option("--json").option("--csv");
    if (name === "listing") command.requiredOption("--listing <id>");
    else command.option("--city <city>").option("--brand <brand>");
    if (name === "fulfilment" || name === "scorecard") command.option("--period <period>", "day, month, year or all", "month");
    if (name === "fulfilment") command.option("--commitment <id>");
    command.action(async (flags) => {
      const { reportCommand } = await import("./report.js");
      code = await reportCommand(name, flags, io);
    });
  }

  program
    .command("log")
    .description("the accepted event log")
    .command("export")
    .argument("<file>", "NDJSON: one log entry per line, with receivedAt and commands")
    .action(async (file: string) => {
      const { exportLogCommand } = await import("./admin.js");
      code = await exportLogCommand(file, io);
    });

  try {
    await program.parseAsync(argv as string[]);
    return code;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (error instanceof CliError) {
      io.err(`anxin: ${error.message}\n`);
      return error.exitCode;
    }
    throw error;
  }
}

/** The version in Anxin's package.json, found upward from this module whether run from src/ or dist/. */
function packageVersion(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, "package.json");
    if (existsSync(file)) return (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
  }
  return "unknown";
}
