// `anxin simulate --city beijing --days 365 --seed 7 [--scale 0.1] > history.ndjson`
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { SingleBar } from "cli-progress";
import { loadListings } from "../simulator/listings-data.js";
import { Simulation } from "../simulator/world.js";
import { bundledCatalogueDir } from "../store/catalogue-files.js";
import { maxSeed } from "../simulator/random.js";
import { CliError, type Io } from "./io.js";

export interface SimulateFlags {
  city: string;
  days: string;
  seed: string;
  scale: string;
  start: string;
  brand: string;
  data?: string;
}

/** shared/data beside the project (the repository's sibling), or ANXIN_DATA_DIR, or --data. */
export function dataDir(flag?: string): string {
  const dir = flag ?? process.env["ANXIN_DATA_DIR"] ?? join(dirname(dirname(bundledCatalogueDir())), "shared", "data");
  if (!existsSync(join(dir, "lianjia-beijing", "house.csv"))) throw new CliError(`no lianjia-beijing/house.csv under ${dir}: give --data DIR or ANXIN_DATA_DIR`);
  return dir;
}

const maxScale = 10;

function positive(text: string, name: string, integer: boolean): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) throw new CliError(`--${name} must be a positive ${integer ? "integer" : "number"}, got ${text}`);
  return value;
}

export async function simulateCommand(flags: SimulateFlags, io: Io, write: (chunk: string) => Promise<void>): Promise<number> {
  const days = positive(flags.days, "days", true);
  const scale = positive(flags.scale, "scale", false);
  // The world is drawn up front (every listing, agent and store alive on day one): at scale 10 that
  // takes 3 GB and half a minute before the first day; beyond, memory runs out before a line is written.
  if (scale > maxScale) throw new CliError(`--scale must be at most ${maxScale} (a Beijing year at ${maxScale} is about 380 million events), got ${flags.scale}`);
  const seed = /^\d{1,10}$/.test(flags.seed) ? Number(flags.seed) : Number.NaN;
  if (!(seed <= maxSeed)) throw new CliError(`--seed must be an integer from 0 to ${maxSeed}, got "${flags.seed}"`);
  let simulation: Simulation;
  try {
    simulation = new Simulation({ city: flags.city, brand: flags.brand, days, seed, scale, start: flags.start }, loadListings(dataDir(flags.data)));
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError((error as Error).message);
  }
  const bar = io.interactive ? new SingleBar({ format: "simulate [{bar}] day {value}/{total} · {events} events", stream: process.stderr }) : null;
  bar?.start(days, 0, { events: 0 });
  let events = 0;
  let day = 0;
  for (const batch of simulation.days()) {
    let chunk = "";
    for (const event of batch) chunk += `${JSON.stringify(event)}\n`;
    events += batch.length;
    await write(chunk);
    bar?.update(++day, { events });
  }
  bar?.stop();
  if (io.interactive) io.err(`${events} events over ${days} days\n`);
  return 0;
}
