#!/usr/bin/env node
// careplan-link command line. Each subcommand is a thin adapter over shared/, pki/ and client/.
// The relay fsyncs every payload before it answers, the agent files hundreds of files in a burst:
// more threads let those run side by side (read by libuv when its thread pool starts, after this).
import '../../platform/threadPool.js';
// Spec data other than the shipped one is read strictly, with zod; the shipped data is not (specs.ts).
if (process.env.CAREPLAN_LINK_SPECS) await import('../check/strictSpecs.js');
const { runCli } = await import('./run.js');
const { quietOnClosedPipe } = await import('./pipes.js');

// `careplan-link check … | head -1`: the reader goes away; stop writing and leave without a stack trace.
const out = quietOnClosedPipe(process.stdout);
const err = quietOnClosedPipe(process.stderr);

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: (s) => out.write(s),
  stderr: (s) => err.write(s),
});
