// The sending side's limits and refusals: a unit too large is refused by its files' sizes before
// anything is read, and only a refusal the relay would give again moves a unit to failed/.
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore, startRelay, type RunningRelay } from '../../relay/index.js';
import { LocalizedError } from '../../shared/errors.js';
import { MAX_UNIT_BYTES } from '../../pki/limits.js';
import { loadCatalog } from '../check/specs.js';
import { checkPaths } from '../check/validation.js';
import { runSend } from '../cli/transport.js';
import type { UnitHeader } from './bundle.js';
import { RelayError } from './relayClient.js';
import { flushOutbox, outboxRecordSchema, prepareUnits, unitsFromReport, type OutboxRecord } from './sender.js';
import { announce, openSession, type Session } from './session.js';
import { Spool } from './spool.js';

const ROOT = join(import.meta.dirname, '..', '..');
const PKI = join(ROOT, 'fixtures', 'pki');
const VALID = join(ROOT, 'fixtures', 'valid');
const pem = (f: string) => readFileSync(join(PKI, f), 'utf8');
const ticketFiles = ['UPPLAN', 'UPSIKYU', 'UPHOSOKU'].map((k) => join(VALID, readdirSync(VALID).find((f) => f.startsWith(`${k}_202504_`))!));

function config(dir: string, id: string, office: string, type: string, url: string): string {
  for (const f of ['export', 'import', 'spool']) mkdirSync(join(dir, id, f), { recursive: true });
  const p = join(dir, `${id}.json`);
  writeFileSync(p, JSON.stringify({ office, serviceType: type, p12: join(PKI, `${id}.p12`), passwordEnv: 'CPL_PW', relay: url, trust: [join(PKI, 'ca.pem')], folders: { export: `${id}/export`, import: `${id}/import`, spool: `${id}/spool` } }));
  return p;
}

const header: UnitHeader = {
  messageId: 'm1',
  sender: { office: '1310000011', serviceType: '43' },
  receiver: { office: '1310000029', serviceType: '11' },
  sequence: '20250425120002',
  month: '202504',
  kinds: ['UPPLAN'],
};

describe('which relay refusals are for good', () => {
  /** One outbox entry and a relay that answers every submission with `refusal`. */
  async function flushAgainst(refusal: RelayError) {
    const spool = new Spool(mkdtempSync(join(tmpdir(), 'cpl-sender-')));
    const record: OutboxRecord = { messageId: 'm1', header, files: ['UPPLAN_x.CSV'], size: 8, sha256: 'ab', createdAt: '2025-04-25T12:00:00.000Z', attempts: 0, lastError: null };
    spool.write('outbox', 'm1.cms', 'envelope');
    spool.write('outbox', 'm1.json', JSON.stringify(record));
    const client = { submit: () => Promise.reject(refusal), message: () => Promise.reject(refusal) };
    const s = { spool, client, config: { office: '1310000011' } } as unknown as Session;
    const result = await flushOutbox(s, { maxAttempts: 1 });
    return { result, spool };
  }

  it.each([
    [413, 'too_large'],
    [400, 'bad_meta'],
    [403, 'forged_sender'],
  ])('HTTP %i (%s) moves the unit to failed/ with the reason', async (status, code) => {
    const { result, spool } = await flushAgainst(new RelayError(status, code, `拒否 ${code}`, `refused ${code}`));
    expect(result.failed.map((f) => f.messageId)).toEqual(['m1']);
    expect(result.accepted).toEqual([]);
    expect(spool.list('outbox')).toEqual([]);
    const failed = spool.readRecord('failed', 'm1.json', outboxRecordSchema);
    expect(failed.failedAt).toBeDefined();
    expect(failed.lastError).toBe(`拒否 ${code} / refused ${code}`);
  });

  it.each([
    [404, 'unknown_receiver'],
    [408, 'timeout'],
    [429, 'rate_limited'],
    [503, 'unavailable'],
    [0, 'connect'],
  ])('HTTP %i (%s) keeps the unit in the outbox to be tried again', async (status, code) => {
    const { result, spool } = await flushAgainst(new RelayError(status, code, `待って ${code}`, `wait ${code}`));
    expect(result.failed).toEqual([]);
    expect(result.pending.map((p) => p.messageId)).toEqual(['m1']);
    expect(spool.list('outbox')).toEqual(['m1']);
    expect(spool.list('failed')).toEqual([]);
    expect(spool.readRecord('outbox', 'm1.json', outboxRecordSchema).lastError).toBe(`待って ${code} / wait ${code}`);
  });
});

describe('a unit too large to send', () => {
  it('is refused by the size of its files, before they are read or sealed, saying how to split it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cpl-sender-'));
    const files = ticketFiles.map((f) => {
      const p = join(dir, f.split('/').pop()!);
      copyFileSync(f, p);
      return p;
    });
    // 200 MB without writing 200 MB: a sparse file. Read, it would be 200 MB of NULs to validate.
    truncateSync(files[0]!, 200 * 1024 * 1024);
    const s = { config: { office: '1310000011' }, catalog: loadCatalog() } as unknown as Session;
    let error: unknown;
    const started = Date.now();
    try {
      await prepareUnits(files, s);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LocalizedError);
    const e = error as LocalizedError;
    expect(e.code).toBe('UNIT_TOO_LARGE');
    expect(e.ja).toContain('送信単位が大きすぎます');
    expect(e.ja).toContain(`上限 ${((MAX_UNIT_BYTES * 3) / 4 / (1024 * 1024)).toFixed(1)} MB`);
    expect(e.ja).toContain('月や利用者で分けて書き出してください');
    expect(e.en).toMatch(/too large .*split it by month or by users/i);
    expect(e.ja).toContain(files[0]!.split('/').pop());
    // Generous: reading and validating 200 MB takes several seconds; a stat takes none.
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

describe('what is sealed is what was checked', () => {
  it('refuses a file rewritten after its check (UNIT_CHANGED), to be checked again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cpl-sender-'));
    const files = ticketFiles.map((f) => {
      const p = join(dir, f.split('/').pop()!);
      copyFileSync(f, p);
      return p;
    });
    const s = { config: { office: '1310000011' }, catalog: loadCatalog() } as unknown as Session;
    const report = await checkPaths(files, { catalog: s.catalog, units: true });
    expect((await unitsFromReport(report, s)).map((u) => u.files.length)).toEqual([3]);
    writeFileSync(files[1]!, Buffer.concat([readFileSync(files[1]!), Buffer.from('\r\n')]));
    await expect(unitsFromReport(report, s)).rejects.toMatchObject({ code: 'UNIT_CHANGED', ja: expect.stringContaining(files[1]!.split('/').pop()!) });
  });
});

describe('careplan-link send against a relay that refuses the unit for good (413)', () => {
  let relay: RunningRelay;
  let store: SqliteStore;
  let dir: string;
  let cmConfig: string;
  let hh: Session;
  const saved = process.env.CPL_PW;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cpl-sender-'));
    store = new SqliteStore(join(dir, 'relay'));
    // A relay configured far below our own limit: it answers 413 to any real unit.
    relay = await startRelay({ store, port: 0, maxUnitBytes: 1024, tls: { key: pem('relay-server.key.pem'), cert: pem('relay-server.pem'), clientCa: pem('ca.pem') } });
    cmConfig = config(dir, 'care-manager', '1310000011', '43', relay.url);
    hh = openSession(config(dir, 'home-help', '1310000029', '11', relay.url), { CPL_PW: 'test-password' });
    await announce(hh);
    process.env.CPL_PW = 'test-password';
  });

  afterAll(async () => {
    if (saved === undefined) delete process.env.CPL_PW;
    else process.env.CPL_PW = saved;
    hh.close();
    await relay.close();
    store.close();
  });

  it('reports it as not sent, keeps it in failed/ with the reason, and exits with findings', async () => {
    const out: string[] = [];
    const code = await runSend(['--config', cmConfig, ...ticketFiles], { stdout: (t) => out.push(t), stderr: (t) => out.push(t) });
    const text = out.join('');
    expect(code).toBe(1);
    expect(text).toContain('✖ 送れませんでした / failed');
    expect(text).toContain('送信単位が大きすぎます');
    expect(text).not.toContain('accepted');
    const spool = new Spool(join(dir, 'care-manager', 'spool'));
    expect(spool.list('sent')).toEqual([]);
    expect(spool.list('outbox')).toEqual([]);
    const [id] = spool.list('failed');
    const record = spool.readRecord('failed', `${id}.json`, outboxRecordSchema);
    expect(record.failedAt).toBeDefined();
    expect(record.lastError).toContain('The unit is too large');
    expect(store.auditLog(1000).filter((e) => e.action === 'submit')).toEqual([]);
  });
});
