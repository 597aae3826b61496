#!/usr/bin/env node
// The CLI is compiled by `npm ci` (the prepare script runs tsc); see README.
import { main } from "../dist/src/cli/main.js";

main(process.argv).then(
  (code) => { process.exitCode = code; },
  (error) => { console.error(error instanceof Error ? error.stack : error); process.exitCode = 1; },
);
