// anxin: the command line. Each command is a thin shell over the engine or the store.
import { Command, CommanderError } from "commander";
import { checkCommand, listCommand } from "./catalogue.js";
import { CliError, processIo, type Io } from "./io.js";
import { replayCommand } from "./replay.js";

export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  const program = new Command("anxin")
    .description("Anxin (安心): service commitments made enforceable")
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
  let code = 0;

  program
    .command("replay")
    .description("replay a history of events (NDJSON) against the catalogue with a virtual clock")
    .argument("<events>", "NDJSON file, one event envelope per line")
    .option("--until <instant>", "stop the clock here (RFC 3339 with offset); default: the last event")
    .option("--catalogue <file>", "a catalogue file or folder instead of the bundled one")
    .option("--compare", "replay under the bundled and the --catalogue draft and print the difference per commitment")
    .option("--json", "print the full state as JSON")
    .action(async (file: string, flags) => {
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
    .action((flags) => {
      code = listCommand(flags, io);
    });
  catalogue
    .command("check")
    .description("validate a (draft) catalogue file")
    .argument("<file>")
    .action((file: string) => {
      code = checkCommand(file, io);
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
