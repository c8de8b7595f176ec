// The sending side's limits and refusals: a unit too large is refused by its files' sizes before
// anything is read, and only a refusal the relay would give again moves a unit to failed/.
import { copyFileSync, mkdtempSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExchange, useExchange, type Exchange } from '../../test/support/exchange.js';
import { LocalizedError } from '../../shared/errors.js';
import { MAX_UNIT_BYTES } from '../../pki/limits.js';
import { loadCatalog } from '../check/specs.js';
import { checkPaths } from '../check/validation.js';
import { runSend } from '../cli/transport.js';
import { RelayError } from './relayClient.js';
import { flushOutbox, outboxFiles, outboxRecordSchema, prepareUnits, sealUnit, unitsFromReport, type OutboxRecord } from './sender.js';
import type { Session } from './session.js';
import { Spool } from './spool.js';
import { TEST_ENV, TICKET_FILES, ticketHeader, writeOfficeConfig } from './testOffices.js';

const header = ticketHeader('m1', '20250425120002', ['UPPLAN']);

/** The fixture ticket copied into a new folder, where a test may change its files. */
function copiedTicket(): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'cpl-sender-'));
  return TICKET_FILES.map((f) => {
    const p = join(dir, f.split('/').pop()!);
    copyFileSync(f, p);
    return p;
  });
}

/** A session with only what checking and packing need: the office and the spec catalog. */
const checkingSession = () => ({ config: { office: '1310000011' }, catalog: loadCatalog() }) as unknown as Session;

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
    const files = copiedTicket();
    // 200 MB without writing 200 MB: a sparse file. Read, it would be 200 MB of NULs to validate.
    truncateSync(files[0]!, 200 * 1024 * 1024);
    const s = checkingSession();
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
    const files = copiedTicket();
    const s = checkingSession();
    const report = await checkPaths(files, { catalog: s.catalog, units: true });
    expect((await unitsFromReport(report, s)).map((u) => u.files.length)).toEqual([3]);
    writeFileSync(files[1]!, Buffer.concat([readFileSync(files[1]!), Buffer.from('\r\n')]));
    await expect(unitsFromReport(report, s)).rejects.toMatchObject({ code: 'UNIT_CHANGED', ja: expect.stringContaining(files[1]!.split('/').pop()!) });
  });

  it('seals the very bytes the check read (checkPaths onBytes), without reading the files again', async () => {
    const files = copiedTicket();
    const s = checkingSession();
    const bytes = new Map<string, Buffer>();
    const report = await checkPaths(files, { catalog: s.catalog, units: true, onBytes: (p, data) => bytes.set(p, data) });
    expect([...bytes.keys()].sort()).toEqual([...files].sort());
    const checked = files.map((f) => readFileSync(f));
    // Rewritten after the check: what is sealed is still what was checked, not the new bytes.
    for (const f of files) writeFileSync(f, 'changed');
    const [unit] = await unitsFromReport(report, s, bytes);
    expect(unit!.files.map((f) => f.data)).toEqual(checked);
    expect(unit!.files.map((f) => f.name)).toEqual(files.map((f) => f.split('/').pop()));
  });
});

describe('careplan-link send against a relay that refuses the unit for good (413)', () => {
  let exchange: Exchange;
  let dir: string;
  let cmConfig: string;
  const saved = process.env.CPL_PW;

  beforeAll(async () => {
    // A relay configured far below our own limit: it answers 413 to any real unit.
    exchange = await startExchange('cpl-sender-', { maxUnitBytes: 1024 });
    dir = exchange.dir;
    cmConfig = writeOfficeConfig(dir, 'care-manager', '1310000011', '43', exchange.relay.url);
    await exchange.announced('home-help');
    process.env.CPL_PW = TEST_ENV.CPL_PW;
  });

  afterAll(async () => {
    if (saved === undefined) delete process.env.CPL_PW;
    else process.env.CPL_PW = saved;
    await exchange.close();
  });

  it('reports it as not sent, keeps it in failed/ with the reason, and exits with findings', async () => {
    const out: string[] = [];
    const code = await runSend(['--config', cmConfig, ...TICKET_FILES], { stdout: (t) => out.push(t), stderr: (t) => out.push(t) });
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
    expect(exchange.store.auditLog(1000).filter((e) => e.action === 'submit')).toEqual([]);
  });
});

describe('an envelope just sealed is submitted from memory', () => {
  let cm: Session;
  useExchange('cpl-sender-mem-', async (x) => {
    [cm] = await x.announced('care-manager', 'home-help');
  });

  it('is not read back from the outbox (the outbox copy here is damaged: only the one in memory is sealed)', async () => {
    const { units } = await prepareUnits(TICKET_FILES, cm);
    const u = { ...units[0]!, header: { ...units[0]!.header, messageId: 'in-memory-1' } };
    const sealed = await sealUnit(u, cm);
    for (const f of outboxFiles(sealed)) cm.spool.write(f.state, f.name, f.data);
    writeFileSync(cm.spool.path('outbox', 'in-memory-1.cms'), 'damaged');
    const r = await flushOutbox(cm, { only: ['in-memory-1'], envelopes: new Map([['in-memory-1', sealed.envelope]]) });
    expect(r.accepted.map((a) => a.messageId)).toEqual(['in-memory-1']);
  });

  it('finishes a move to sent/ that a crash cut short between the envelope and its record, without sending again', async () => {
    const { units } = await prepareUnits(TICKET_FILES, cm);
    const sealed = await sealUnit({ ...units[0]!, header: { ...units[0]!.header, messageId: 'cut-move-1' } }, cm);
    const [envelope, record] = outboxFiles({ ...sealed, record: { ...sealed.record, acceptedAt: new Date().toISOString(), relayStatus: 'stored' } });
    cm.spool.write('sent', envelope.name, envelope.data);
    cm.spool.write('outbox', record.name, record.data);
    let submits = 0;
    const submit = cm.client.submit.bind(cm.client);
    cm.client.submit = (...args) => (submits++, submit(...args));
    const r = await flushOutbox(cm, { only: ['cut-move-1'] });
    expect(r.accepted.map((a) => a.messageId)).toEqual(['cut-move-1']);
    expect(submits).toBe(0);
    expect(cm.spool.list('outbox')).not.toContain('cut-move-1');
    expect(cm.spool.exists('sent', 'cut-move-1.cms') && cm.spool.exists('sent', 'cut-move-1.json')).toBe(true);
  });
});
