// Real processes for end-to-end tests: the relay as `careplan-link relay`, office configs.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { ROOT } from './cli.js';

const PKI = join(ROOT, 'fixtures', 'pki');

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export class RelayProcess {
  child: ChildProcess | null = null;
  /** What the process printed on standard error (the relay's log), for a failing test's message. */
  log = '';
  /**
   * `port` 0: the system picks one at the first start, and later starts reuse it. `database`: a
   * PostgreSQL URL (--database) instead of the SQLite folder; `cwd`: the working folder.
   */
  constructor(
    public port: number,
    readonly dataDir: string,
    readonly opts: { database?: string; cwd?: string; args?: string[] } = {},
  ) {}

  get url(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  async start(fault?: string): Promise<void> {
    const args = [join(ROOT, 'bin', 'careplan-link.js'), 'relay', '--port', String(this.port), '--data', this.dataDir, '--tls-cert', join(PKI, 'relay-server.pem'), '--tls-key', join(PKI, 'relay-server.key.pem'), '--client-ca', join(PKI, 'ca.pem')];
    if (this.opts.database) args.push('--database', this.opts.database);
    if (this.opts.args) args.push(...this.opts.args);
    const env = { ...process.env, ...(fault ? { CPL_RELAY_FAULT: fault } : {}) };
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'], ...(this.opts.cwd ? { cwd: this.opts.cwd } : {}) });
    this.child = child;
    child.stderr!.on('data', (d: Buffer) => (this.log += d.toString()));
    await new Promise<void>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const started = out.match(/careplan-link relay: https:\/\/[^\s]+:(\d+)/);
        if (started) {
          this.port = Number(started[1]);
          resolve();
        }
      });
      child.once('exit', (code) => reject(new Error(`relay exited early (${code}): ${out}${this.log}`)));
    });
  }

  /** Resolves when the process is gone (killed by a fault, or by us). */
  exited(): Promise<void> {
    const c = this.child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return Promise.resolve();
    return new Promise((r) => c.once('exit', () => r()));
  }

  async kill(): Promise<void> {
    this.child?.kill('SIGKILL');
    await this.exited();
    this.child = null;
  }
}

export function office(dir: string, id: 'care-manager' | 'home-help', relayUrl: string, agent?: Record<string, unknown>): string {
  const [officeNo, type] = id === 'care-manager' ? ['1310000011', '43'] : ['1310000029', '11'];
  const base = join(dir, id);
  for (const f of ['export', 'import', 'spool']) mkdirSync(join(base, f), { recursive: true });
  const config = join(dir, `${id}.json`);
  writeFileSync(
    config,
    JSON.stringify({ office: officeNo, serviceType: type, p12: join(PKI, `${id}.p12`), passwordEnv: 'CPL_TEST_P12_PASSWORD', relay: relayUrl, trust: [join(PKI, 'ca.pem')], folders: { export: `${id}/export`, import: `${id}/import`, spool: `${id}/spool` }, ...(agent ? { agent } : {}) }),
  );
  return config;
}

