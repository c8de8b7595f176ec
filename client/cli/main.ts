#!/usr/bin/env node
// careplan-link command line. Each subcommand is a thin adapter over shared/, pki/ and client/.
// The relay fsyncs every payload before it answers; more threads let those run side by side.
// (Read by libuv when its thread pool starts, which happens after this line.)
process.env.UV_THREADPOOL_SIZE ??= '16';
const { runCli } = await import('./run.js');

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
});
