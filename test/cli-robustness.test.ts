// The CLI where the world around it misbehaves: a reader that goes away mid-output (`| head -1`), and
// launcher ports that are already taken. Real processes of the built CLI, real listeners on ports the
// system chose (never fixed numbers).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cli, ROOT } from './cli.js';
import { office } from './processes.js';

const BIN = join(ROOT, 'bin', 'careplan-link.js');
const children: ChildProcess[] = [];
const servers: Server[] = [];

afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

function start(args: string[]): { child: ChildProcess; out: () => string; err: () => string; exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }> } {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.once('close', (code, signal) => r({ code, signal })));
  return { child, out: () => out, err: () => err, exit };
}

/** Resolves with the exit, or fails the test: a launcher that cannot start must not stay running. */
async function exitWithin<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} was still running after ${ms} ms`)), ms)));
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A port some other program holds: a listener on a port the system picked. */
async function occupied(): Promise<number> {
  const s = createServer();
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return (s.address() as { port: number }).port;
}

/** Two consecutive free ports, found by listening (and then closing). */
async function twoFreePorts(): Promise<number> {
  const free = (p: number) =>
    new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(false));
      s.listen(p, '127.0.0.1', () => s.close(() => resolve(true)));
    });
  for (let i = 0; i < 50; i++) {
    const s = createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const p = (s.address() as { port: number }).port;
    await new Promise((r) => s.close(r));
    if (p < 65535 && (await free(p)) && (await free(p + 1))) return p;
  }
  throw new Error('no two consecutive free ports');
}

describe('a reader that goes away', () => {
  it('`check … | head -1`: the CLI stops writing and leaves quietly, without an EPIPE crash', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cpl-epipe-'));
    // 300 users: a JSON report of some 370 KB, far more than a pipe holds, so the writer meets the closed end.
    expect(cli(['fixtures', '--out', dir, '--users', '300', '--month', '202504']).status).toBe(0);
    const child = spawn(process.execPath, [BIN, 'check', '--format', 'json', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    let chunks = 0;
    // Like `head -1`: read one chunk, then close the pipe.
    child.stdout!.once('data', () => {
      chunks++;
      child.stdout!.destroy();
    });
    const { code, signal } = await exitWithin(new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.once('close', (c, s) => r({ code: c, signal: s }))), 60_000, 'check');
    expect(chunks).toBe(1);
    expect(err).toBe('');
    expect(signal).toBeNull();
    // 0: the report was complete (the files are valid) when the pipe closed; 141: cut short before that.
    expect([0, 141]).toContain(code);
  });
});

describe('careplan-link app: ports', () => {
  it('a relay port in use: a clear message naming --relay-port, and nothing left running', async () => {
    const port = await occupied();
    const app = start(['app', '--browser', '--data', mkdtempSync(join(tmpdir(), 'cpl-port-')), '--relay-port', String(port), '--port', '0']);
    const { code } = await exitWithin(app.exit, 30_000, 'the app');
    expect(code).toBe(2);
    expect(app.err()).toContain(`ポート ${port} は使用中です。--relay-port で別の番号を指定してください`);
    expect(app.err()).toContain(`Port ${port} is already in use: choose another number with --relay-port`);
    expect(app.err()).not.toMatch(/\n\s+at /);
  });

  it('an office page port in use after the relay started: the relay and the offices are closed again, and the message names --port', async () => {
    const port = await occupied();
    const app = start(['app', '--browser', '--data', mkdtempSync(join(tmpdir(), 'cpl-port-')), '--relay-port', '0', '--port', String(port)]);
    const { code } = await exitWithin(app.exit, 30_000, 'the half-started app');
    expect(code).toBe(2);
    expect(app.err()).toContain(`ポート ${port} は使用中です。--port で別の番号を指定してください`);
    expect(app.err()).toContain('--port 0');
    expect(app.out()).not.toContain('http://');
  });

  it('--port one below --relay-port: the second office steps over the relay\'s port instead of failing', async () => {
    const port = await twoFreePorts();
    const app = start(['app', '--browser', '--data', mkdtempSync(join(tmpdir(), 'cpl-port-')), '--relay-port', String(port + 1), '--port', String(port)]);
    const printed = await exitWithin(
      new Promise<string>((resolve, reject) => {
        app.child.stdout!.on('data', () => {
          if (app.out().includes('Ctrl+C')) resolve(app.out());
        });
        void app.exit.then(({ code }) => reject(new Error(`the app exited (${code}): ${app.err()}`)));
      }),
      60_000,
      'the app start',
    );
    expect(printed).toContain(`linkage service https://127.0.0.1:${port + 1}`);
    const pages = [...printed.matchAll(/http:\/\/127\.0\.0\.1:(\d+)\//g)].map((m) => Number(m[1]));
    expect(pages).toHaveLength(2);
    expect(pages[0]).toBe(port);
    expect(pages[1]).not.toBe(port + 1);
    app.child.kill('SIGTERM');
    expect((await exitWithin(app.exit, 30_000, 'the app after SIGTERM')).code).toBe(0);
  });
});

describe('stopped the moment they say they are up', () => {
  /** Starts the program, sends SIGTERM as soon as `line` appears, and returns how it ended. */
  async function stopAtOnce(args: string[], line: string, env: NodeJS.ProcessEnv = {}, cwd?: string) {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes(line) && child.signalCode === null && !child.killed) child.kill('SIGTERM');
    });
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    const end = await exitWithin(new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.once('close', (code, signal) => r({ code, signal }))), 60_000, args[0]!);
    return { ...end, out, err };
  }

  // A supervisor (a service manager, a test) may stop a program as soon as it has printed its address:
  // the signal must be handled (a clean stop, exit 0), not end the process half way.
  it('the relay, the agent and the app stop cleanly (exit 0), every time', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cpl-sigterm-'));
    const config = office(dir, 'care-manager', 'https://127.0.0.1:9');
    for (let i = 0; i < 2; i++) {
      const relay = await stopAtOnce(['relay', '--port', '0', '--data', join(dir, `relay-${i}`)], 'careplan-link relay: https://');
      expect(relay, relay.err).toMatchObject({ code: 0, signal: null });
      expect(relay.err).toContain('停止しました');
      const agent = await stopAtOnce(['agent', '--config', config], 'careplan-link agent:', { CPL_TEST_P12_PASSWORD: 'test-password' });
      expect(agent, agent.err).toMatchObject({ code: 0, signal: null });
      expect(agent.out).toContain('停止しました');
      const app = await stopAtOnce(['app', '--browser', '--data', join(dir, `app-${i}`), '--relay-port', '0', '--port', '0'], 'Ctrl+C');
      expect(app, app.err).toMatchObject({ code: 0, signal: null });
      expect(app.err).toContain('停止しました');
    }
  }, 180_000);
});
