// A run's scratch directory. The stores and files a benchmark or the test suite makes go there
// (os.tmpdir() follows TMPDIR, which child processes and threads inherit), and it is removed when
// the run's process exits, so that runs do not fill the disk: a full bench leaves ~2 GB of stores.
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Points TMPDIR at a fresh directory removed on exit; inside a run that has one already (a child), uses that. */
export function useScratchDir(prefix: string): void {
  // An interrupted run (Ctrl-C, a kill) leaves through its exit handlers too.
  process.once("SIGINT", () => process.exit(130));
  process.once("SIGTERM", () => process.exit(143));
  if (process.env["ANXIN_SCRATCH"] !== undefined) return;
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(dir, 0o755); // the throwaway PostgreSQL cluster runs as user postgres, in a directory inside
  process.env["ANXIN_SCRATCH"] = dir;
  process.env["TMPDIR"] = dir;
  process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
}
