// Two offices exchange files through a real relay process over loopback, with real process kills
// at every step that can fail: afterwards everything has arrived exactly once. Against both storage
// backends: SQLite in the relay's folder, and PostgreSQL (a schema per test, CPL_TEST_DATABASE_URL).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BACKENDS, newTestSchema, type Backend } from '../relay/testSupport.js';
import { cli, ROOT } from './cli.js';
import { freePort, office, RelayProcess } from './processes.js';

const VALID = join(ROOT, 'fixtures', 'valid');
const TICKET = ['UPPLAN', 'UPSIKYU', 'UPHOSOKU'].map((k) => join(VALID, readdirSync(VALID).find((f) => f.startsWith(`${k}_202504_`))!));
const ACTUALS = join(VALID, readdirSync(VALID).find((f) => f.startsWith('UPJSK_'))!);
const ENV = { CPL_TEST_P12_PASSWORD: 'test-password' };

interface Setup {
  dir: string;
  relay: RelayProcess;
  cm: string;
  hh: string;
}

const relays: RelayProcess[] = [];
const schemas: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const r of relays.splice(0)) await r.kill();
  for (const drop of schemas.splice(0)) await drop();
});

async function setup(backend: Backend = 'sqlite'): Promise<Setup> {
  const dir = mkdtempSync(join(tmpdir(), 'cpl-xchg-'));
  let database: string | undefined;
  if (backend === 'postgres') {
    const schema = await newTestSchema();
    schemas.push(schema.drop);
    database = schema.url;
  }
  const relay = new RelayProcess(await freePort(), join(dir, 'relay-data'), database ? { database } : {});
  relays.push(relay);
  await relay.start();
  const s = { dir, relay, cm: office(dir, 'care-manager', relay.url), hh: office(dir, 'home-help', relay.url) };
  // Both offices announce themselves (the directory learns their certificates).
  expect(run(['receive', '--config', s.cm]).status).toBe(0);
  expect(run(['receive', '--config', s.hh]).status).toBe(0);
  return s;
}

function run(args: string[], fault?: string) {
  return cli(args, { env: { ...ENV, ...(fault ? { CPL_FAULT: fault } : { CPL_FAULT: '' }) } });
}

function statusOf(config: string) {
  const r = run(['status', '--config', config, '--format', 'json']);
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as { local: Record<string, number>; messages: { status: string; kinds: string[]; receipts: { disposition: string; valid: boolean }[] }[] };
}

function expectImportedOnce(s: Setup, who: 'care-manager' | 'home-help', files: string[]): void {
  const dir = join(s.dir, who, 'import');
  expect(readdirSync(dir).sort()).toEqual(files.map((f) => f.split('/').pop()!).sort());
  for (const f of files) expect(readFileSync(join(dir, f.split('/').pop()!)).equals(readFileSync(f))).toBe(true);
  const received = readdirSync(join(s.dir, who, 'spool', 'received')).filter((n) => n.endsWith('.json'));
  expect(received).toHaveLength(1);
  const journal = JSON.parse(readFileSync(join(s.dir, who, 'spool', 'received', received[0]!), 'utf8')) as { importedFiles: string[]; receipts: string[] };
  expect(journal.importedFiles.sort()).toEqual(files.map((f) => f.split('/').pop()!).sort());
  expect(journal.receipts).toEqual(['received', 'imported']);
}

describe.each(BACKENDS)('exchange through the relay (%s)', (backend) => {
  it('a care-manager office sends a ticket unit, the provider receives it byte for byte and returns actuals', async () => {
    const s = await setup(backend);
    const sent = run(['send', '--config', s.cm, ...TICKET]);
    expect(sent.stdout).toContain('受け付けられました');
    expect(sent.status).toBe(0);
    expect(statusOf(s.cm).messages.map((m) => m.status)).toEqual(['queued']);

    const got = run(['receive', '--config', s.hh, '--format', 'json']);
    expect(got.status).toBe(0);
    expect(JSON.parse(got.stdout).imported).toHaveLength(1);
    expectImportedOnce(s, 'home-help', TICKET);

    const cmStatus = statusOf(s.cm);
    expect(cmStatus.messages).toEqual([expect.objectContaining({ status: 'imported', kinds: ['UPHOSOKU', 'UPPLAN', 'UPSIKYU'] })]);
    expect(cmStatus.messages[0]!.receipts.map((r) => [r.disposition, r.valid])).toEqual([
      ['received', true],
      ['imported', true],
    ]);

    expect(run(['send', '--config', s.hh, ACTUALS]).status).toBe(0);
    expect(run(['receive', '--config', s.cm]).status).toBe(0);
    expectImportedOnce(s, 'care-manager', [ACTUALS]);
    expect(statusOf(s.hh).messages.map((m) => [m.kinds.join('+'), m.status])).toEqual([['UPJSK', 'imported']]);
    // Nothing new the second time.
    expect(run(['receive', '--config', s.hh]).stdout).toContain('nothing new');
  });

  it('refuses to send an invalid unit and sends nothing', async () => {
    const s = await setup(backend);
    const r = run(['send', '--config', s.cm, TICKET[0]!]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('UPSIKYU がありません');
    expect(r.stderr).toContain('送信しません');
    expect(statusOf(s.cm).messages).toEqual([]);
  });

  it('quarantines a unit that cannot be imported whole, keeps the clerk\'s file, and the sender sees it', async () => {
    const s = await setup(backend);
    // The import folder already holds a different file of the same name: it must not be overwritten.
    const clash = join(s.dir, 'home-help', 'import', TICKET[0]!.split('/').pop()!);
    writeFileSync(clash, 'a file the care software has not picked up yet');
    expect(run(['send', '--config', s.cm, ...TICKET]).status).toBe(0);
    const r = run(['receive', '--config', s.hh, '--format', 'json']);
    expect(r.status).toBe(0);
    const summary = JSON.parse(r.stdout) as { quarantined: { reason: string }[]; imported: unknown[] };
    expect(summary.imported).toEqual([]);
    expect(summary.quarantined[0]!.reason).toContain('上書きしません');
    expect(readFileSync(clash, 'utf8')).toBe('a file the care software has not picked up yet');
    expect(readdirSync(join(s.dir, 'home-help', 'import'))).toEqual([clash.split('/').pop()]);
    const q = readdirSync(join(s.dir, 'home-help', 'spool', 'quarantine')).find((n) => !n.includes('.'))!;
    expect(readFileSync(join(s.dir, 'home-help', 'spool', 'quarantine', q, '理由.txt'), 'utf8')).toContain('取込フォルダに同じ名前の別のファイル');
    expect(statusOf(s.cm).messages.map((m) => m.status)).toEqual(['quarantined']);
  });
});

describe.each(BACKENDS)('faults: real process kills, then everything arrives exactly once (%s)', (backend) => {
  it('the relay dies while receiving an upload', async () => {
    const s = await setup(backend);
    await s.relay.kill();
    await s.relay.start('before-commit');
    const first = run(['send', '--config', s.cm, '--retries', '2', ...TICKET]);
    await s.relay.exited();
    expect(first.status).toBe(1);
    expect(first.stdout).toContain('送信待ち');
    expect(readdirSync(join(s.dir, 'care-manager', 'spool', 'outbox')).filter((n) => n.endsWith('.json'))).toHaveLength(1);
    await s.relay.start();
    const again = run(['send', '--config', s.cm]);
    expect(again.status).toBe(0);
    expect(run(['receive', '--config', s.hh]).status).toBe(0);
    expectImportedOnce(s, 'home-help', TICKET);
    expect(statusOf(s.cm).messages).toHaveLength(1);
  });

  it('the relay dies in the middle of a download', async () => {
    const s = await setup(backend);
    expect(run(['send', '--config', s.cm, ...TICKET]).status).toBe(0);
    await s.relay.kill();
    await s.relay.start('during-download');
    const broken = run(['receive', '--config', s.hh]);
    await s.relay.exited();
    expect(broken.status).toBe(1);
    expect(readdirSync(join(s.dir, 'home-help', 'import'))).toEqual([]);
    await s.relay.start();
    expect(run(['receive', '--config', s.hh]).status).toBe(0);
    expectImportedOnce(s, 'home-help', TICKET);
    expect(statusOf(s.cm).messages.map((m) => m.status)).toEqual(['imported']);
  });

  for (const step of ['after-spool', 'after-accept']) {
    it(`the sender is killed ${step}`, async () => {
      const s = await setup(backend);
      const killed = run(['send', '--config', s.cm, ...TICKET], step);
      expect(killed.status).not.toBe(0);
      expect(run(['send', '--config', s.cm, ...TICKET]).status).toBe(0);
      expect(run(['send', '--config', s.cm, ...TICKET]).stdout).toContain('already sent');
      expect(statusOf(s.cm).messages).toHaveLength(1);
      expect(run(['receive', '--config', s.hh]).status).toBe(0);
      expectImportedOnce(s, 'home-help', TICKET);
    });
  }

  for (const step of ['before-handover', 'after-handover']) {
    it(`the receiver is killed ${step} while the care software takes each file at once: every file reaches it exactly once`, async () => {
      const s = await setup(backend);
      expect(run(['send', '--config', s.cm, ...TICKET]).status).toBe(0);
      const importDir = join(s.dir, 'home-help', 'import');
      const taken = new Map<string, Buffer>();
      // The care software: takes every finished file out of the import folder as soon as it sees it.
      const takeArrivals = () => {
        for (const name of readdirSync(importDir).filter((n) => !n.startsWith('.'))) {
          expect(taken.has(name), `${name} handed over twice`).toBe(false);
          taken.set(name, readFileSync(join(importDir, name)));
          rmSync(join(importDir, name));
        }
      };
      expect(run(['receive', '--config', s.hh], step).status).not.toBe(0);
      takeArrivals();
      expect(run(['receive', '--config', s.hh]).status).toBe(0);
      takeArrivals();
      expect([...taken.keys()].sort()).toEqual(TICKET.map((f) => f.split('/').pop()!).sort());
      for (const f of TICKET) expect(taken.get(f.split('/').pop()!)!.equals(readFileSync(f))).toBe(true);
      expect(readdirSync(importDir)).toEqual([]);
      expect(statusOf(s.cm).messages.map((m) => m.status)).toEqual(['imported']);
    });
  }

  for (const step of ['after-download', 'mid-import', 'after-import']) {
    it(`the receiver is killed ${step}`, async () => {
      const s = await setup(backend);
      expect(run(['send', '--config', s.cm, ...TICKET]).status).toBe(0);
      const killed = run(['receive', '--config', s.hh], step);
      expect(killed.status).not.toBe(0);
      expect(run(['receive', '--config', s.hh]).status).toBe(0);
      expectImportedOnce(s, 'home-help', TICKET);
      expect(readdirSync(join(s.dir, 'home-help', 'import')).some((n) => n.endsWith('.part'))).toBe(false);
      const st = statusOf(s.cm).messages;
      expect(st.map((m) => m.status)).toEqual(['imported']);
      expect(st[0]!.receipts.map((r) => r.disposition)).toEqual(['received', 'imported']);
      expect(existsSync(join(s.dir, 'home-help', 'spool', 'inbox'))).toBe(true);
      expect(readdirSync(join(s.dir, 'home-help', 'spool', 'inbox'))).toEqual([]);
    });
  }
});

describe.each(BACKENDS)('commands without a relay (%s)', (backend) => {
  it('every transport command says clearly that it cannot connect (exit 1)', async () => {
    const s = await setup(backend);
    await s.relay.kill();
    for (const args of [['send', '--config', s.cm, ...TICKET], ['receive', '--config', s.hh], ['status', '--config', s.cm], ['offices', '--config', s.cm]]) {
      const r = run(args);
      expect(r.status, args[0]).toBe(1);
      expect(r.stderr, args[0]).toContain('連携サービスに接続できません');
      expect(r.stderr, args[0]).toContain('Cannot connect to the relay');
    }
    // Never having met the partner, the sender could not encrypt for it: nothing was spooled.
    expect(readdirSync(join(s.dir, 'care-manager', 'spool', 'outbox')).filter((n) => n.endsWith('.json'))).toHaveLength(0);
  });

  it('a unit for a known partner is sealed and kept in the outbox while the relay is down, and goes out later', async () => {
    const s = await setup(backend);
    expect(run(['send', '--config', s.cm, ...TICKET]).status).toBe(0);
    const may = mkdtempSync(join(tmpdir(), 'cpl-may-'));
    expect(run(['fixtures', '--out', may, '--month', '202505']).status).toBe(0);
    const next = ['UPPLAN', 'UPSIKYU', 'UPHOSOKU'].map((k) => join(may, readdirSync(may).find((f) => f.startsWith(`${k}_202505_`))!));
    await s.relay.kill();
    const offline = run(['send', '--config', s.cm, '--retries', '1', ...next]);
    expect(offline.status).toBe(1);
    expect(offline.stdout).toContain('送信待ち');
    expect(readdirSync(join(s.dir, 'care-manager', 'spool', 'outbox')).filter((n) => n.endsWith('.json'))).toHaveLength(1);
    await s.relay.start();
    expect(run(['send', '--config', s.cm]).status).toBe(0);
    expect(run(['receive', '--config', s.hh]).status).toBe(0);
    expect(readdirSync(join(s.dir, 'home-help', 'import')).filter((n) => n.includes('_202505_'))).toHaveLength(3);
  });

  it('a wrong certificate password stops the command before any network call (exit 1)', async () => {
    const s = await setup(backend);
    const r = cli(['status', '--config', s.cm], { env: { CPL_TEST_P12_PASSWORD: 'wrong' } });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('パスワードが違います');
  });

});

describe('the relay on its defaults', () => {
  it('`careplan-link relay` with no flags but the port starts on 127.0.0.1 with a development PKI and demo offices that work', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'cpl-defaults-'));
    // Everything on its defaults except the port: the default 8443 may be taken on a test machine, so
    // --port 0 lets the system pick one and the relay prints the real address (and writes it into the
    // demo configs). The default itself is what the usage text says.
    expect(cli(['--help']).stdout).toContain('careplan-link relay [--port 8443]');
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'careplan-link.js'), 'relay', '--port', '0'], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const out = await new Promise<string>((resolve, reject) => {
        let text = '';
        child.stdout!.on('data', (d: Buffer) => {
          text += d.toString();
          if (text.includes('receive --config')) resolve(text);
        });
        child.stderr!.resume();
        child.once('exit', (code) => reject(new Error(`relay exited (${code}): ${text}`)));
      });
      const url = out.match(/careplan-link relay: (https:\/\/127\.0\.0\.1:(\d+)) /);
      expect(url).not.toBeNull();
      expect(Number(url![2])).toBeGreaterThan(0);
      // The data folder defaults to the working directory.
      expect(out).toContain(join(cwd, 'careplan-link-relay-data'));
      const configs = [...out.matchAll(/--config (\S+\.json)/g)].map((m) => m[1]!);
      expect(configs.length).toBeGreaterThanOrEqual(2);
      // The printed configs point at the port the relay really has.
      for (const c of configs) expect((JSON.parse(readFileSync(c, 'utf8')) as { relay: string }).relay).toBe(url![1]);
      const demoEnv = { CPL_DEMO_P12_PASSWORD: out.match(/CPL_DEMO_P12_PASSWORD=(\S+)/)![1]! };
      for (const c of configs.slice(0, 2)) expect(cli(['receive', '--config', c], { env: demoEnv }).status).toBe(0);
      const offices = cli(['offices', '--config', configs[0]!], { env: demoEnv });
      expect(offices.status).toBe(0);
      expect(offices.stdout).toContain('1310000011');
      expect(offices.stdout).toContain('ひまわり訪問介護ステーション');
      expect(cli(['send', '--config', configs[0]!, ...TICKET], { env: demoEnv }).status).toBe(0);
      expect(cli(['receive', '--config', configs[1]!, '--format', 'json'], { env: demoEnv }).stdout).toContain('UPPLAN_202504');
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  });
});
