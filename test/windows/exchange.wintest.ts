// Two offices on Windows, the relay on Linux: what clerks do, by the built CLI under the Windows
// build of Node, in folders with Japanese names under C:\ (os.tmpdir() under Wine). The files that
// arrive in the provider's import folder must be the care manager's bytes exactly (sha256).
// The two tests share the lane's one relay, so they run in order and each first collects whatever
// an earlier failed run left addressed to the provider.
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cli, lane, office, ROOT, sha256, startAgent, waitFor, readReport, type CliRun } from './lane.js';

const FAST = { settleMs: 200, rescanMs: 200, pollMs: 1000 };
let base: string;
const stops: (() => Promise<void>)[] = [];

beforeAll(() => {
  lane();
  base = mkdtempSync(join(tmpdir(), 'cpl-win-'));
});
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

/** The CLI, with the check every run gets: no native module loaded on the client side. */
async function run(args: string[]): Promise<CliRun> {
  const r = await cli(args, base);
  expect(r.addons, `${args[0]} loaded native addons`).toEqual([]);
  return r;
}

async function ok(args: string[]): Promise<CliRun> {
  const r = await run(args);
  expect(r.status, `careplan-link ${args.join(' ')}\n${r.stdout}\n${r.stderr}`).toBe(0);
  return r;
}

/** Both offices announce themselves; whatever an earlier failed run left for the provider is taken here, aside. */
async function meet(dir: string) {
  const scratch = office(join(dir, 'scratch.json'), 'home-help', { export: join(dir, 'scratch', 'export'), import: join(dir, 'scratch', 'import'), spool: join(dir, 'scratch', 'spool') });
  await ok(['receive', '--config', scratch]);
  const cmFolders = { export: join(dir, '居宅介護支援', 'ケアプラン', '書き出し'), import: join(dir, '居宅介護支援', 'ケアプラン', '取込'), spool: join(dir, '居宅介護支援', '送受信記録') };
  const hhFolders = { export: join(dir, '訪問介護', '書き出し'), import: join(dir, '訪問介護', '取込'), spool: join(dir, '訪問介護', '送受信記録') };
  const cm = office(join(dir, 'ケアマネ.json'), 'care-manager', cmFolders, FAST);
  const hh = office(join(dir, '訪問介護.json'), 'home-help', hhFolders);
  await ok(['receive', '--config', hh]);
  return { cm, hh, cmFolders, hhFolders };
}

function expectDelivered(importDir: string, originals: Map<string, string>): void {
  expect(readdirSync(importDir).sort()).toEqual([...originals.keys()].sort());
  for (const [name, hash] of originals) expect(sha256(join(importDir, name)), name).toBe(hash);
}

describe('two offices on Windows, the relay on Linux', () => {
  it('the agent takes a unit from an export folder under C:\\…\\ケアプラン\\書き出し and the provider receives the same bytes', async () => {
    const dir = mkdtempSync(join(base, 'agent-'));
    const { cm, hh, cmFolders, hhFolders } = await meet(dir);
    expect(cmFolders.export).toMatch(/^[A-Z]:\\.*\\ケアプラン\\書き出し$/);

    const report = join(dir, 'agent-modules.json');
    const agent = startAgent(cm, report);
    stops.push(async () => {
      if (agent.child.exitCode === null && agent.child.signalCode === null) {
        const gone = new Promise((r) => agent.child.once('exit', r));
        agent.child.kill(); // TerminateProcess: Windows has no SIGTERM to catch
        await gone;
      }
    });
    await waitFor('the agent to watch', () => agent.output().includes('watching'), 60_000, agent.output);

    const valid = join(ROOT, 'fixtures', 'valid');
    const unit = ['UPPLAN', 'UPSIKYU', 'UPHOSOKU'].map((k) => join(valid, readdirSync(valid).find((f) => f.startsWith(`${k}_202504_`))!));
    const originals = new Map(unit.map((f) => [basename(f), sha256(f)]));
    for (const f of unit) copyFileSync(f, join(cmFolders.export, basename(f)));

    // Sent: the originals leave the export folder for sent\YYYYMM\ (kept, never deleted).
    const sentDir = join(cmFolders.export, 'sent');
    const sentFiles = () => (existsSync(sentDir) ? readdirSync(sentDir).flatMap((m) => readdirSync(join(sentDir, m)).map((n) => join(sentDir, m, n))) : []);
    const logFile = join(cmFolders.spool, 'logs', 'agent.log');
    const agentLog = () => `agent output:\n${agent.output()}\nagent.log:\n${existsSync(logFile) ? readFileSync(logFile, 'utf8') : '(none)'}`;
    // A unit the agent holds back (send-held) would only be retried later, in vain here: stop at once, with the reason.
    const held = () => existsSync(logFile) && / send-held /.test(readFileSync(logFile, 'utf8'));
    await waitFor('the agent to send the unit', () => sentFiles().length === 3 || held(), 90_000, agentLog);
    expect(held(), agentLog()).toBe(false);
    expect(readdirSync(cmFolders.export).filter((n) => n.endsWith('.CSV'))).toEqual([]);
    for (const f of sentFiles()) expect(sha256(f), f).toBe(originals.get(basename(f)));

    const got = await ok(['receive', '--config', hh, '--format', 'json']);
    expect((JSON.parse(got.stdout) as { imported: unknown[] }).imported).toHaveLength(1);
    expectDelivered(hhFolders.import, originals);

    await waitFor('the agent module report', () => existsSync(report), 10_000);
    expect(readReport(report).addons).toEqual([]);
  }, 300_000);

  it('send → receive with the CLI: a unit written into a Japanese-named folder arrives byte for byte', async () => {
    const dir = mkdtempSync(join(base, 'cli-'));
    const { cm, hh, cmFolders, hhFolders } = await meet(dir);
    // The care software's export: the CLI's fixtures writes a month of units (cp932, CRLF) there.
    await ok(['fixtures', '--out', cmFolders.export, '--month', '202505']);
    const unit = ['UPPLAN', 'UPSIKYU', 'UPHOSOKU'].map((k) => join(cmFolders.export, readdirSync(cmFolders.export).find((f) => f.startsWith(`${k}_202505_`))!));
    const originals = new Map(unit.map((f) => [basename(f), sha256(f)]));

    const sent = await ok(['send', '--config', cm, ...unit]);
    expect(sent.stdout).toContain('受け付けられました');
    const got = await ok(['receive', '--config', hh, '--format', 'json']);
    expect((JSON.parse(got.stdout) as { imported: unknown[] }).imported).toHaveLength(1);
    expectDelivered(hhFolders.import, originals);
    // The sender's originals are untouched.
    for (const f of unit) expect(sha256(f)).toBe(originals.get(basename(f)));
    expect((await ok(['receive', '--config', hh])).stdout).toContain('nothing new');
  }, 300_000);
});
