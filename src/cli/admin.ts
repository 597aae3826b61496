// `anxin users add`, `anxin keys add`, `anxin log export`: administration against the configured database.
import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { People, roles, type Role } from "../service/people.js";
import { openConfigured, systemClock } from "./serve.js";
import { CliError, type Io } from "./io.js";

const list = (text: string) => text.split(",").map((s) => s.trim()).filter(Boolean);

export async function addUserCommand(flags: { username: string; role: string; subject?: string; cities: string; brands: string; password?: string }, io: Io): Promise<number> {
  if (!(roles as readonly string[]).includes(flags.role)) throw new CliError(`--role is one of ${roles.join(", ")}`);
  const password = flags.password ?? process.env["ANXIN_PASSWORD"];
  if (password === undefined) throw new CliError("give --password or ANXIN_PASSWORD");
  const { database } = await openConfigured();
  try {
    await new People(database.db, systemClock.now).addUser({
      username: flags.username, role: flags.role as Role, subjectId: flags.subject ?? flags.username, cities: list(flags.cities), brands: list(flags.brands), password,
    }, systemClock.now());
    io.out(`user ${flags.username} (${flags.role}) added\n`);
    return 0;
  } catch (error) {
    throw new CliError((error as Error).message);
  } finally {
    await database.close();
  }
}

export async function addKeyCommand(flags: { label: string; brand: string; cities: string }, io: Io): Promise<number> {
  const { database } = await openConfigured();
  try {
    const key = await new People(database.db, systemClock.now).addApiKey({ label: flags.label, brand: flags.brand, cities: list(flags.cities) }, systemClock.now());
    io.out(`${key}\n`);
    return 0;
  } catch (error) {
    throw new CliError((error as Error).message);
  } finally {
    await database.close();
  }
}

/** Writes the accepted log, with receivedAt and the commands, one entry per line. */
export async function exportLogCommand(file: string, io: Io): Promise<number> {
  const { database } = await openConfigured();
  const out = createWriteStream(file);
  let failure: Error | null = null;
  out.on("error", (error) => { failure ??= error; });
  let count = 0;
  try {
    await once(out, "open").catch(() => undefined); // the failure to open is kept by the listener
    for (let after = 0; failure === null;) {
      const rows = await database.db.selectFrom("log").selectAll().where("seq", ">", after).orderBy("seq").limit(5_000).execute();
      if (rows.length === 0) break;
      for (const row of rows) {
        const entry = row.kind === "tick"
          ? { seq: Number(row.seq), kind: "tick", at: new Date(Number(row.at)).toISOString() }
          : { seq: Number(row.seq), kind: "event", receivedAt: new Date(Number(row.received_at)).toISOString(), fingerprint: row.fingerprint, event: JSON.parse(row.body!) as unknown };
        out.write(`${JSON.stringify(entry)}\n`);
        after = Number(row.seq);
        count++;
      }
    }
  } finally {
    await new Promise<void>((resolve) => out.end(resolve));
    await database.close();
  }
  if (failure !== null) throw new CliError(`cannot write ${file}: ${(failure as Error).message}`);
  io.out(`${count} log entries written to ${file}\n`);
  return 0;
}
