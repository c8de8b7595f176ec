// Preloaded (`node --import`) into the CLI processes of the Windows lane's tests: records every native
// addon the process loads (Node loads each *.node file through process.dlopen) and, at exit, the
// CommonJS modules it loaded, in $CPL_WINLANE_MODULE_REPORT, so a test can show that no client command
// loads a native module (the relay's better-sqlite3 above all). The file is written at start and at
// each addon load too, because the agent is ended with kill() (TerminateProcess: no exit handler runs).
// (process.report's sharedObjects would list them as well, but one report takes ~3 s under Wine.)
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const out = process.env.CPL_WINLANE_MODULE_REPORT;
if (out) {
  const addons = [];
  const write = (commonjs) => writeFileSync(out, JSON.stringify({ addons, commonjs }));
  const dlopen = process.dlopen;
  process.dlopen = function (module, filename, ...rest) {
    addons.push(filename);
    write(null);
    return dlopen.call(this, module, filename, ...rest);
  };
  write(null);
  process.on('exit', () => write(Object.keys(createRequire(import.meta.url).cache)));
}
