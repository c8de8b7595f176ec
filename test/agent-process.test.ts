// `careplan-link agent` as a real process, killed mid-way and restarted: nothing lost, nothing twice.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterEach, describe, expect, it } from 'vitest';
import { loadCatalog } from '../client/check/specs.js';
import { generateFixtures } from '../shared/fixtures/generate.js';
import { cli, ROOT } from './cli.js';
import { freePort, office, RelayProcess } from './processes.js';
import { localMonth } from '../shared/time.js';

const ENV = { CPL_TEST_P12_PASSWORD: 'test-password' };
const FAST = { settleMs: 200, rescanMs: 100, pollMs: 500 };
const catalog = loadCatalog();
const children: ChildProcess[] = [];
const relays: RelayProcess[] = [];

afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const r of relays.splice(0)) await r.kill();
});

function startAgent(config: string, fault?: string): ChildProcess {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'careplan-link.js'), 'agent', '--config', config], { env: { ...process.env, ...ENV, CPL_FAULT: fault ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.resume();
  child.stderr!.resume();
  children.push(child);
  return child;
}

async function waitFor(what: string, test: () => boolean, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function units(n: number, from = 0) {
  return Array.from({ length: n }, (_, i) => {
    const k = from + i;
    const month = `${2025 + Math.floor((3 + k) / 12)}${String(((3 + k) % 12) + 1).padStart(2, '0')}`;
    return generateFixtures(catalog, { month, users: 1 })
      .filter((f) => ['UPPLAN', 'UPSIKYU'].includes(f.kind) || (f.kind === 'UPHOSOKU' && f.name.includes(`_${month}_`)))
      .map((f) => ({ name: f.name, data: iconv.encode(f.text!, 'cp932') }));
  }).flat();
}

function sentMessages(config: string): { messageId: string; sequence: string }[] {
  const r = cli(['status', '--config', config, '--format', 'json'], { env: ENV });
  expect(r.status).toBe(0);
  return (JSON.parse(r.stdout) as { messages: { messageId: string; sequence: string }[] }).messages;
}


describe('agent process: crash and restart', () => {
  for (const [label, fault] of [
    // The kill comes from inside (CPL_FAULT), at a fixed step: a kill from the test at "some moment in the
    // burst" came after the whole burst once the agent got faster (issue 16), and proved nothing.
    ['killed with SIGKILL while sending a burst (at the relay\'s first acceptance, more submits in flight)', 'after-accept'],
    ['killed between spooling a unit and moving its originals', 'agent-before-move'],
  ] as const) {
    it(label, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'cpl-agentp-'));
      const relay = new RelayProcess(await freePort(), join(dir, 'relay-data'));
      relays.push(relay);
      await relay.start();
      const cm = office(dir, 'care-manager', relay.url, FAST);
      const hh = office(dir, 'home-help', relay.url);
      expect(cli(['receive', '--config', hh], { env: ENV }).status).toBe(0);
      const files = units(30);
      for (const f of files) writeFileSync(join(dir, 'care-manager', 'export', f.name), f.data);

      const first = startAgent(cm, fault);
      await new Promise((r) => first.once('exit', r));
      expect(first.signalCode).toBe('SIGKILL');
      const before = sentMessages(cm).length;
      if (fault === 'agent-before-move') {
        // The agent sends a burst in batches and moves the originals of a batch once the relay has it:
        // the crash came after the relay accepted units and before any of their originals moved.
        expect(before).toBeGreaterThan(0);
        expect(readdirSync(join(dir, 'care-manager', 'export', 'processing')).filter((n) => n.endsWith('.CSV')).length).toBeGreaterThanOrEqual(3 * before);
      } else {
        // In the middle: the relay has the first unit, not the whole burst, and the originals of what it has
        // are still in processing/ (the agent died before its records said so).
        expect(before).toBeGreaterThan(0);
        expect(before).toBeLessThan(30);
        expect(readdirSync(join(dir, 'care-manager', 'export', 'processing')).filter((n) => n.endsWith('.CSV')).length).toBeGreaterThanOrEqual(3 * before);
      }

      const second = startAgent(cm);
      const processing = join(dir, 'care-manager', 'export', 'processing');
      // Sent, and their originals filed: the restarted agent has done its part (and is up to be stopped).
      await waitFor('every unit sent and filed', () => sentMessages(cm).length >= 30 && readdirSync(processing).every((n) => !n.endsWith('.CSV')), 120_000);
      second.kill('SIGTERM');
      await new Promise((r) => second.once('exit', r));
      expect(second.exitCode).toBe(0);

      const sent = sentMessages(cm);
      expect(sent).toHaveLength(30);
      expect(new Set(sent.map((m) => m.sequence)).size).toBe(30);
      const exp = join(dir, 'care-manager', 'export');
      expect(readdirSync(exp).filter((n) => n.endsWith('.CSV'))).toEqual([]);
      expect(readdirSync(join(exp, 'processing')).filter((n) => !n.startsWith('.'))).toEqual([]);
      const month = localMonth(new Date());
      expect(readdirSync(join(exp, 'sent', month))).toHaveLength(90);

      const r = cli(['receive', '--config', hh, '--format', 'json'], { env: ENV });
      expect(r.status).toBe(0);
      expect((JSON.parse(r.stdout) as { imported: unknown[] }).imported).toHaveLength(30);
      const imported = readdirSync(join(dir, 'home-help', 'import'));
      expect(imported.sort()).toEqual(files.map((f) => f.name).sort());
    }, 240_000);
  }
});

describe('two agent processes through a relay process', () => {
  it('a plan unit dropped at the care manager reaches the provider; its actuals come back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cpl-agents-'));
    const relay = new RelayProcess(await freePort(), join(dir, 'relay-data'));
    relays.push(relay);
    await relay.start();
    const cm = office(dir, 'care-manager', relay.url, FAST);
    const hh = office(dir, 'home-help', relay.url, FAST);
    const a = startAgent(cm);
    const b = startAgent(hh);
    const all = generateFixtures(catalog, { month: '202504', users: 2 });
    const plan = all.filter((f) => ['UP1KYO', 'UP2KYO', 'UP3KYO'].includes(f.kind) || (f.kind === 'UPHOSOKU' && f.name.includes('_000000_')));
    // Both agents must have announced themselves before the first send finds the partner.
    await waitFor('both offices in the directory', () => cli(['offices', '--config', cm], { env: ENV }).stdout.includes('1310000029'));
    for (const f of plan) writeFileSync(join(dir, 'care-manager', 'export', f.name), iconv.encode(f.text!, 'cp932'));
    await waitFor('the plan at the provider', () => readdirSync(join(dir, 'home-help', 'import')).length === 4, 60_000);
    const actuals = all.find((f) => f.kind === 'UPJSK')!;
    writeFileSync(join(dir, 'home-help', 'export', actuals.name), iconv.encode(actuals.text!, 'cp932'));
    await waitFor('the actuals at the care manager', () => existsSync(join(dir, 'care-manager', 'import', actuals.name)), 60_000);
    for (const c of [a, b]) {
      c.kill('SIGTERM');
      await new Promise((r) => c.once('exit', r));
      expect(c.exitCode).toBe(0);
    }
  }, 120_000);
});
