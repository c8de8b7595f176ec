// The agent on a Windows PC, where antivirus and the care software hold files for a while: a held file
// costs its own short wait and never the pass, every file the agent writes goes through the file layer
// (durable, retried, owner-only), and a file exported again under a name already in processing/ is
// never renamed to `NAME (2).CSV`. Held files are simulated by making the file layer's renames and
// deletes fail with EBUSY (node:fs's exports are synced, so named imports see the same failure); no
// relay is needed, so receiving fails every pass and is only counted.
import fs, { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, join, sep } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fsPlatform } from '../../platform/fs.js';
import { checkPaths } from '../check/validation.js';
import { loadCatalog } from '../check/specs.js';
import type { Session } from '../transport/session.js';
import { Spool } from '../transport/spool.js';
import { Agent, type AgentSettings } from './agent.js';
import { CLAIMS_AT_ONCE } from './claim.js';
import { ticketUnit } from './testSupport.js';

const VALID = join(import.meta.dirname, '..', '..', 'fixtures', 'valid');
const PLAN = 'UPPLAN_202504_1310000011_43_1310000029_11_20250425120002.CSV';
const SIKYU = 'UPSIKYU_202504_1310000011_43_1310000029_11_20250425120002.CSV';
const posix = process.platform !== 'win32';
const catalog = loadCatalog();
const realPlatform = fsPlatform.name;

afterEach(() => {
  vi.restoreAllMocks();
  syncBuiltinESMExports();
  fsPlatform.name = realPlatform;
});

const busy = (p: string) => Object.assign(new Error(`EBUSY: resource busy or locked, '${p}'`), { code: 'EBUSY', syscall: 'rename', path: p });

/**
 * Renames (sync and async) of a source `from` for which `held` answers true fail with EBUSY, as on
 * Windows while another program has the file open. Returns every rename target seen.
 */
function holdRenames(held: (from: string, to: string) => boolean): string[] {
  const targets: string[] = [];
  const rename = fs.renameSync;
  const renameAsync = fs.promises.rename;
  vi.spyOn(fs, 'renameSync').mockImplementation((a, b) => {
    targets.push(String(b));
    if (held(String(a), String(b))) throw busy(String(a));
    rename(a, b);
  });
  vi.spyOn(fs.promises, 'rename').mockImplementation(async (a, b) => {
    targets.push(String(b));
    if (held(String(a), String(b))) throw busy(String(a));
    await renameAsync(a, b);
  });
  syncBuiltinESMExports();
  return targets;
}

/** An agent on real folders with no relay behind it (its receive fails, and is counted). */
function offlineAgent(settings: Partial<AgentSettings> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'cpl-agent-win-'));
  const spool = new Spool(join(dir, 'spool'));
  const exp = join(dir, 'export');
  const session = { config: { office: '1310000011', folders: { export: exp, import: join(dir, 'import'), spool: spool.root } }, spool, catalog } as unknown as Session;
  const agent = new Agent(session, { settleMs: 0, rescanMs: 60_000, pollMs: 3_600_000, autoSend: false, ...settings });
  const receives = () => agent.status.recent.filter((e) => e.event === 'receive-error').length;
  return { dir, spool, agent, exp, processing: join(exp, 'processing'), errors: join(exp, 'errors'), receives };
}

const fixture = (name: string) => readFileSync(join(VALID, name));
const events = (agent: Agent, event: string) => agent.status.recent.filter((e) => e.event === event);

describe('a file exported again while one of the same name is in processing/', () => {
  it('with other bytes goes to errors/ under its own name with the reason, never as NAME (2).CSV', async () => {
    const a = offlineAgent({ autoSend: true });
    writeFileSync(join(a.processing, PLAN), fixture(PLAN));
    const changed = Buffer.from(fixture(PLAN).toString('latin1').replace(/,20250401,/, ',20250402,'), 'latin1');
    writeFileSync(join(a.exp, PLAN), changed);
    await a.agent.tick();
    await a.agent.tick();
    expect(readdirSync(a.exp).filter((n) => n.endsWith('.CSV'))).toEqual([]);
    expect(readdirSync(a.processing).filter((n) => !n.startsWith('.'))).toEqual([PLAN]);
    expect(readFileSync(join(a.processing, PLAN))).toEqual(fixture(PLAN));
    expect(readFileSync(join(a.errors, PLAN))).toEqual(changed);
    const report = readFileSync(join(a.errors, `${PLAN}.errors.txt`), 'utf8');
    expect(report).toContain('同じ名前のファイル（');
    expect(report).toContain('を送っている途中です');
    // For a clerk who reads only Japanese: no English line.
    expect(report).not.toMatch(/[A-Za-z]{4,} [a-z]{3,}/);
    expect(JSON.parse(readFileSync(join(a.errors, `${PLAN}.errors.json`), 'utf8')).notSent.code).toBe('DUPLICATE_NAME');
    for (const d of [a.exp, a.processing, a.errors]) expect(readdirSync(d).filter((n) => n.includes(' (2)'))).toEqual([]);
  });

  it('with the same bytes is the same file: the copy is removed and nothing is filed twice', async () => {
    const a = offlineAgent({ autoSend: true });
    writeFileSync(join(a.processing, PLAN), fixture(PLAN));
    writeFileSync(join(a.exp, PLAN), fixture(PLAN));
    await a.agent.tick();
    await a.agent.tick();
    expect(readdirSync(a.exp).filter((n) => n.endsWith('.CSV'))).toEqual([]);
    expect(readdirSync(a.processing).filter((n) => !n.startsWith('.'))).toEqual([PLAN]);
    expect(readdirSync(a.errors)).toEqual([]);
    expect(events(a.agent, 'claim-same')).toHaveLength(1);
  });

  it('on Windows a name that differs only in case is the same name', async () => {
    const a = offlineAgent({ autoSend: true });
    fsPlatform.name = 'win32';
    const lower = PLAN.replace('.CSV', '.csv');
    // A valid file that waits for the rest of its unit, so it stays in processing/.
    writeFileSync(join(a.processing, lower), Buffer.from(fixture(PLAN).toString('latin1').replace(/,20250401,/, ',20250402,'), 'latin1'));
    writeFileSync(join(a.exp, PLAN), fixture(PLAN));
    await a.agent.tick();
    await a.agent.tick();
    expect(existsSync(join(a.exp, PLAN))).toBe(false);
    expect(readdirSync(a.processing).filter((n) => n.includes(' (2)'))).toEqual([]);
    expect(readFileSync(join(a.errors, `${PLAN}.errors.txt`), 'utf8')).toContain(lower);
  });
});

describe('held files cost a short wait each, never the pass', () => {
  it('claims the other files at once while two are held (not a minute per held file)', async () => {
    const a = offlineAgent({ autoSend: true });
    const held = [PLAN, SIKYU];
    const free = 'UPHOSOKU_202504_1310000011_43_1310000029_11_20250425120002.CSV';
    for (const n of [...held, free]) writeFileSync(join(a.exp, n), fixture(n));
    holdRenames((from) => held.includes(basename(from)) && from.startsWith(a.exp) && !from.startsWith(a.processing));
    await a.agent.tick();
    const started = Date.now();
    await a.agent.tick();
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(events(a.agent, 'claimed').map((e) => e.detail)).toEqual([free]);
    expect(events(a.agent, 'claim-retry-later')).toHaveLength(2);
    expect(events(a.agent, 'claim-retry-later')[0]!.detail).toContain('別のプログラムが使っている');
    for (const n of held) expect(existsSync(join(a.exp, n))).toBe(true);
  }, 40_000);

  it('a held receive-now trigger neither fails the pass nor stops the receive it asks for', async () => {
    const a = offlineAgent();
    await a.agent.tick();
    expect(a.receives()).toBe(1);
    const trigger = join(a.spool.root, 'receive-now');
    writeFileSync(trigger, '');
    const deny = (p: fs.PathLike) => {
      if (String(p) === trigger) throw Object.assign(busy(trigger), { syscall: 'unlink' });
    };
    const rm = fs.rmSync;
    const unlink = fs.unlinkSync;
    vi.spyOn(fs, 'rmSync').mockImplementation((p, o) => (deny(p), rm(p, o)));
    vi.spyOn(fs, 'unlinkSync').mockImplementation((p) => (deny(p), unlink(p)));
    vi.spyOn(fs.promises, 'unlink').mockImplementation(async (p) => (deny(p), unlink(p)));
    syncBuiltinESMExports();
    await expect(a.agent.tick()).resolves.toBeUndefined();
    expect(a.receives()).toBe(2);
    // Once it lets go, the trigger is removed and the receive is not repeated every pass.
    vi.restoreAllMocks();
    syncBuiltinESMExports();
    await a.agent.tick();
    expect(existsSync(trigger)).toBe(false);
    await a.agent.tick();
    expect(a.receives()).toBe(3);
  });

  it('a move out of processing/ that stays held leaves its journal for later and the pass goes on to receive', async () => {
    const a = offlineAgent();
    writeFileSync(join(a.processing, PLAN), 'x');
    writeFileSync(join(a.processing, SIKYU), 'y');
    const to = join(a.exp, 'sent', '202504');
    writeFileSync(join(a.processing, '.moving-1-1.json'), JSON.stringify({ to, files: [PLAN, SIKYU] }));
    holdRenames((from) => basename(from) === PLAN);
    await expect(a.agent.tick()).resolves.toBeUndefined();
    expect(a.receives()).toBe(1);
    expect(readdirSync(to)).toEqual([SIKYU]);
    expect(existsSync(join(a.processing, '.moving-1-1.json'))).toBe(true);
    vi.restoreAllMocks();
    syncBuiltinESMExports();
    await a.agent.tick();
    expect(readdirSync(to).sort()).toEqual([PLAN, SIKYU]);
    expect(existsSync(join(a.processing, '.moving-1-1.json'))).toBe(false);
  }, 40_000);
});

describe('what the agent writes goes through the file layer', () => {
  it('writes agent-status.json while the app holds it for a moment, and only when something changed', async () => {
    const a = offlineAgent();
    const statusFile = join(a.spool.root, 'agent-status.json');
    let refusals = 0;
    holdRenames((_from, to) => to === statusFile && refusals++ < 2);
    await a.agent.tick();
    expect(refusals).toBeGreaterThanOrEqual(2);
    const written = JSON.parse(readFileSync(statusFile, 'utf8')) as Agent['status'];
    expect(written.lastScanAt).toBe(a.agent.status.lastScanAt);
    if (posix) expect(statSync(statusFile).mode & 0o777).toBe(0o600);
    // A pass that changed nothing but the scan time leaves the file alone.
    const before = statSync(statusFile, { bigint: true });
    await a.agent.tick();
    expect(statSync(statusFile, { bigint: true }).ino).toBe(before.ino);
  });

  it('rotates its log while it is held for a moment, loses no line, and keeps it owner-only', () => {
    const a = offlineAgent({ logMaxBytes: 10 });
    const log = join(a.spool.root, 'logs', 'agent.log');
    a.agent.log('first', 'line');
    let refusals = 0;
    holdRenames((from) => from === log && refusals++ < 2);
    a.agent.log('second', 'line');
    expect(readFileSync(`${log}.1`, 'utf8')).toContain('first line');
    expect(readFileSync(log, 'utf8')).toContain('second line');
    if (posix) for (const f of [log, `${log}.1`]) expect(statSync(f).mode & 0o777).toBe(0o600);
  });

  it('writes move journals and the reports beside files it does not send durably (tmp, fsync, rename), owner-only', async () => {
    const a = offlineAgent();
    writeFileSync(join(a.processing, PLAN), 'x');
    const targets = holdRenames(() => false);
    await a.agent.filing.notSent([PLAN], { code: 'TEST', ja: '理由', en: 'reason' });
    expect(targets.some((t) => /[\\/]\.moving-[^\\/]+\.json$/.test(t))).toBe(true);
    for (const r of [`${PLAN}.errors.txt`, `${PLAN}.errors.json`]) {
      expect(targets).toContain(join(a.errors, r));
      if (posix) expect(statSync(join(a.errors, r)).mode & 0o777).toBe(0o600);
    }
    // An invalid file's report too.
    const bad = join(a.processing, SIKYU);
    writeFileSync(bad, 'not a csv of the spec');
    const report = await checkPaths([bad], { catalog, units: true });
    await a.agent.filing.reject([bad], report, []);
    expect(targets).toContain(join(a.errors, `${SIKYU}.errors.txt`));
    expect(targets).toContain(join(a.errors, `${SIKYU}.errors.json`));
  });
});

describe('a move journal cut short by a power failure', () => {
  it('is moved aside to errors/ with the reason, and the passes go on; the files it named are checked again', async () => {
    const a = offlineAgent();
    writeFileSync(join(a.processing, PLAN), fixture(PLAN));
    const journal = join(a.processing, '.moving-1-1.json');
    writeFileSync(journal, `{"to":${JSON.stringify(join(a.exp, 'sent', '202504'))},"files":["UPPL`);
    await expect(a.agent.tick()).resolves.toBeUndefined();
    expect(existsSync(journal)).toBe(false);
    expect(readFileSync(join(a.errors, '.moving-1-1.json'), 'utf8')).toContain('"files":["UPPL');
    const why = readFileSync(join(a.errors, '.moving-1-1.json.errors.txt'), 'utf8');
    expect(why).toContain('壊れ');
    expect(why).not.toContain('damaged');
    expect(why).not.toContain('processing');
    expect(events(a.agent, 'journal-damaged')).toHaveLength(1);
    // The file it named stays in processing/, to be checked (and filed) again like any other.
    expect(existsSync(join(a.processing, PLAN))).toBe(true);
    await expect(a.agent.tick()).resolves.toBeUndefined();
    // An empty journal (the write never reached the disk) is the same case.
    mkdirSync(a.processing, { recursive: true });
    writeFileSync(join(a.processing, '.moving-2-1.json'), '');
    await expect(a.agent.tick()).resolves.toBeUndefined();
    expect(existsSync(join(a.errors, '.moving-2-1.json.errors.txt'))).toBe(true);
  });

  it('a well-formed journal of another shape still ends the pass with its name, but no longer stops receiving', async () => {
    const a = offlineAgent();
    const journal = join(a.processing, '.moving-3-1.json');
    writeFileSync(journal, JSON.stringify({ to: join(a.exp, 'sent', '202504'), files: 'UPPLAN_x.CSV' }));
    await expect(a.agent.tick()).rejects.toMatchObject({ path: journal, field: 'files' });
    expect(a.receives()).toBe(1);
    expect(existsSync(journal)).toBe(true);
  });
});

describe('a burst of exports', () => {
  it('is claimed CLAIMS_AT_ONCE renames at a time (not one after the other), each file under its own name', async () => {
    const a = offlineAgent({ autoSend: true });
    const files = ['202501', '202502', '202503', '202504', '202505'].flatMap((m) => ticketUnit(m));
    for (const f of files) writeFileSync(join(a.exp, f.name), f.data);
    let inFlight = 0;
    let most = 0;
    let claims = 0;
    const renameAsync = fs.promises.rename;
    vi.spyOn(fs.promises, 'rename').mockImplementation(async (from, to) => {
      const claim = String(to).startsWith(a.processing + sep);
      if (claim) {
        claims++;
        most = Math.max(most, ++inFlight);
      }
      try {
        await renameAsync(from, to);
      } finally {
        if (claim) inFlight--;
      }
    });
    syncBuiltinESMExports();
    await a.agent.tick();
    await a.agent.tick();
    const names = files.map((f) => f.name).sort();
    expect(readdirSync(a.processing).filter((n) => !n.startsWith('.')).sort()).toEqual(names);
    expect(events(a.agent, 'claimed').map((e) => e.detail).sort()).toEqual(names);
    // One rename each, and the pass had several under way together, never more than its limit.
    expect(claims).toBe(files.length);
    expect(most).toBe(CLAIMS_AT_ONCE);
  });
});
