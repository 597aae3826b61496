#!/usr/bin/env node
// The CLI is compiled by `npm ci` (the prepare script runs tsc); see README.
import { main } from "../dist/src/cli/main.js";

// A reader that has read enough (`anxin simulate … | head`) closes the pipe: stop quietly, as a
// Unix filter does, rather than with an unhandled EPIPE's stack trace.
process.stdout.on("error", (error) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});

main(process.argv).then(
  (code) => { process.exitCode = code; },
  (error) => { console.error(error instanceof Error ? error.stack : error); process.exitCode = 1; },
);
