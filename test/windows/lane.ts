// What the Windows lane's tests share. They run under the Windows build of Node in Wine
// (scripts/winlane.mjs), which starts the relay on the Linux side (the relay's store is a native
// module with no win32 build here, and clerks never run the relay) and passes its address and the
// test PKI in CPL_WINLANE_* variables. These tests never import relay/.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'careplan-link.js');
const REPORT_HOOK = pathToFileURL(join(import.meta.dirname, 'moduleReport.mjs')).href;

function need(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run these tests through \`npm run test:windows\` (scripts/winlane.mjs), which starts the relay`);
  return v;
}

/** The Linux-side relay and the test PKI (fixtures/pki) as the lane's driver passed them. */
export function lane() {
  if (process.platform !== 'win32') throw new Error('the Windows lane runs under the Windows build of Node only');
  return { relayUrl: need('CPL_WINLANE_RELAY_URL'), pki: need('CPL_WINLANE_PKI'), password: need('CPL_WINLANE_P12_PASSWORD') };
}

export const sha256 = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

export type OfficeId = 'care-manager' | 'home-help';

/** An office config whose folders are the given absolute paths (Japanese names welcome). */
export function office(configFile: string, id: OfficeId, folders: { export: string; import: string; spool: string }, agent?: Record<string, unknown>): string {
  const { relayUrl, pki } = lane();
  const [officeNo, serviceType] = id === 'care-manager' ? ['1310000011', '43'] : ['1310000029', '11'];
  for (const d of Object.values(folders)) mkdirSync(d, { recursive: true });
  const config = { office: officeNo, serviceType, p12: join(pki, `${id}.p12`), passwordEnv: 'CPL_TEST_P12_PASSWORD', relay: relayUrl, trust: [join(pki, 'ca.pem')], folders, ...(agent ? { agent } : {}) };
  writeFileSync(configFile, JSON.stringify(config, null, 2));
  return configFile;
}

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
  /** The native addons (*.node) the process loaded. */
  addons: string[];
  /** The CommonJS modules it had loaded when it ended (ES modules are not listed); null if it did not end by itself. */
  commonjs: string[] | null;
}

let runs = 0;

/**
 * The built CLI as clerks run it (`careplan-link …` is node bin/careplan-link.js), by this node.exe.
 * Asynchronous on purpose: a spawnSync would block the vitest worker, whose calls home then time out.
 */
export async function cli(args: string[], reportDir: string): Promise<CliRun> {
  const report = join(reportDir, `modules-${process.pid}-${++runs}.json`);
  const child = spawn(process.execPath, ['--import', REPORT_HOOK, BIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, CPL_TEST_P12_PASSWORD: lane().password, CPL_WINLANE_MODULE_REPORT: report },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill(), 120_000);
  const status = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve(code));
  });
  clearTimeout(timer);
  return { status, stdout, stderr, ...readReport(report) };
}

export function readReport(file: string): { addons: string[]; commonjs: string[] | null } {
  if (!existsSync(file)) return { addons: ['(no module report: the --import hook did not run)'], commonjs: null };
  const r = JSON.parse(readFileSync(file, 'utf8')) as { addons: string[]; commonjs: string[] | null };
  rmSync(file, { force: true });
  return r;
}

/** `careplan-link agent` as a long-running Windows process; its output collects in `output`. */
export function startAgent(config: string, report: string): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, ['--import', REPORT_HOOK, BIN, 'agent', '--config', config], {
    cwd: ROOT,
    env: { ...process.env, CPL_TEST_P12_PASSWORD: lane().password, CPL_WINLANE_MODULE_REPORT: report },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return { child, output: () => out };
}

export async function waitFor(what: string, test: () => boolean, timeoutMs: number, explain: () => string = () => ''): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}\n${explain()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
