// The soak's moving parts: the built CLI as real processes (relay, agents, one-shot commands) that are
// killed with SIGKILL and started again, a seeded random source, and the office folders.
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../client/paths.js';

export const ROOT = packageRoot();
const BIN = join(ROOT, 'bin', 'careplan-link.js');
export const PKI = join(ROOT, 'fixtures', 'pki');
export const PASSWORD_ENV = { CPL_TEST_P12_PASSWORD: 'test-password', CPL_FAULT: '', CPL_RELAY_FAULT: '' };

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
export function random(seed: number): { next: () => number; between: (lo: number, hi: number) => number; pick: <T>(xs: readonly T[]) => T } {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, between: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)), pick: (xs) => xs[Math.floor(next() * xs.length)]! };
}

/**
 * One program of the soak, started again after each kill; its output goes to logs/<name>.log. `ready`
 * is the line it prints once it is at work (none for one-shot commands).
 */
export class Proc {
  child: ChildProcess | null = null;
  starts = 0;
  kills = 0;
  /** Printed its ready line and not killed since: a kill now hits a program at work, not one starting up. */
  ready = false;

  constructor(
    readonly name: string,
    private readonly args: () => string[],
    private readonly logDir: string,
    private readonly readyLine?: string,
  ) {}

  get alive(): boolean {
    const c = this.child;
    return c !== null && c.exitCode === null && c.signalCode === null;
  }

  /** Starts the program; resolves with its output so far once it is ready (at once without a ready line). */
  async start(timeoutMs = 60_000): Promise<string> {
    const child = spawn(process.execPath, [BIN, ...this.args()], { env: { ...process.env, ...PASSWORD_ENV }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.ready = false;
    this.starts++;
    const log = join(this.logDir, `${this.name}.log`);
    appendFileSync(log, `\n=== start ${this.starts} pid ${child.pid} at ${new Date().toISOString()}\n`);
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      appendFileSync(log, d);
      if (this.readyLine && this.child === child && out.includes(this.readyLine)) this.ready = true;
    });
    child.stderr!.on('data', (d: Buffer) => appendFileSync(log, d));
    const line = this.readyLine;
    if (!line) return '';
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name} did not start within ${timeoutMs} ms`)), timeoutMs);
      const check = () => {
        if (out.includes(line)) {
          clearTimeout(timer);
          resolve(out);
        }
      };
      child.stdout!.on('data', check);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${this.name} exited while starting (${code ?? signal})`));
      });
    });
  }

  exited(): Promise<void> {
    const c = this.child;
    if (!c || !this.alive) return Promise.resolve();
    return new Promise((r) => c.once('exit', () => r()));
  }

  /** kill -9 at this moment, whatever it is doing. Counts only a process that was running. */
  async kill(): Promise<boolean> {
    this.ready = false;
    if (!this.alive) return false;
    this.child!.kill('SIGKILL');
    this.kills++;
    await this.exited();
    return true;
  }

  /** A graceful stop (SIGTERM), for the end of the run. */
  async stop(): Promise<void> {
    if (!this.alive) return;
    this.child!.kill('SIGTERM');
    const done = this.exited();
    if ((await Promise.race([done.then(() => 'done'), sleep(15_000).then(() => 'late')])) === 'late') await this.kill();
  }
}

export type OfficeId = 'care-manager' | 'home-help';

export const OFFICES: Record<OfficeId, { office: string; serviceType: string }> = {
  'care-manager': { office: '1310000011', serviceType: '43' },
  'home-help': { office: '1310000029', serviceType: '11' },
};

/** An office's folders and config (the test PKI's certificate), its agent fast enough for a short run. */
export function makeOffice(dir: string, id: OfficeId, relayUrl: string): { config: string; export: string; import: string; spool: string; taken: string } {
  const base = join(dir, id);
  const folders = { export: join(base, 'export'), import: join(base, 'import'), spool: join(base, 'spool'), taken: join(base, 'taken') };
  for (const f of Object.values(folders)) mkdirSync(f, { recursive: true });
  const config = join(dir, `${id}.json`);
  const { office, serviceType } = OFFICES[id];
  writeFileSync(
    config,
    JSON.stringify({
      office,
      serviceType,
      p12: join(PKI, `${id}.p12`),
      passwordEnv: 'CPL_TEST_P12_PASSWORD',
      relay: relayUrl,
      trust: [join(PKI, 'ca.pem')],
      folders: { export: folders.export, import: folders.import, spool: folders.spool },
      agent: { settleMs: 200, rescanMs: 200, pollMs: 500 },
    }),
  );
  return { config, ...folders };
}
