#!/usr/bin/env node
// careplan-link command line. Each subcommand is a thin adapter over shared/ and electron/core/.
import { runCli } from './run.js';

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
});
