import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ValidationView } from '../../shared/api/types.js';
import type { FileReport, UnitReport } from '../../shared/report/types.js';
import { loadCatalog } from '../check/specs.js';
import { unitMessageId } from '../transport/bundle.js';
import { directionBlock, duplicateBlock, sentUnits, shortLocal, withSendChecks } from './sendChecks.js';
import type { SpoolRecords } from './spoolRecords.js';

const catalog = loadCatalog();
// A clerk's clock: Japan. The machine running the tests may be on UTC.
const originalTz = process.env.TZ;
beforeAll(() => {
  process.env.TZ = 'Asia/Tokyo';
});
afterAll(() => {
  if (originalTz === undefined) delete process.env.TZ;
  else process.env.TZ = originalTz;
});
const CM = '1310000011';
const HH = '1310000029';
const PLAN = `UPPLAN_202504_${CM}_43_${HH}_11_20250425120002.CSV`;
const SIKYU = `UPSIKYU_202504_${CM}_43_${HH}_11_20250425120002.CSV`;
const bytes: Record<string, Buffer> = { [PLAN]: Buffer.from('plan'), [SIKYU]: Buffer.from('sikyu') };

const unit = (sender = CM, receiver = HH): UnitReport => ({
  key: 'k',
  kind: null,
  title: null,
  sender: { office: sender, serviceType: '43' },
  receiver: { office: receiver, serviceType: '11' },
  sequence: '20250425120002',
  serviceMonth: '202504',
  files: [PLAN, SIKYU],
  valid: true,
  errors: [],
  warnings: [],
});
const fileReport = (name: string, sha256: string): FileReport =>
  ({ path: name, name, fileType: null, meta: null, valid: true, errors: [], warnings: [], stats: { bytes: 1, records: 1, lines: 1, users: 1, csvVersion: '202407' }, omitted: 0, counts: { errors: 0, warnings: 0, byCode: {} }, sha256 }) as FileReport;
const { createHash } = await import('node:crypto');
const hex = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const files = [fileReport(PLAN, hex(bytes[PLAN]!)), fileReport(SIKYU, hex(bytes[SIKYU]!))];
const sentId = unitMessageId({ sender: { office: CM, serviceType: '43' }, receiver: { office: HH, serviceType: '11' }, sequence: '20250425120002' }, [PLAN, SIKYU].map((name) => ({ name, data: bytes[name]! })));

describe('the direction check before sending', () => {
  it('lets this office send to another office', () => {
    expect(directionBlock(unit(), CM)).toBeNull();
  });

  it('refuses another office’s unit, naming the sender', () => {
    const b = directionBlock(unit(DAY_CARE_OFFICE, HH), CM);
    expect(b?.kind).toBe('direction');
    expect(b?.message.ja).toContain(`送信元の事業所番号が ${DAY_CARE_OFFICE}`);
    expect(b?.message.ja).toContain('送れません');
  });

  it('says a unit that came to this office is not to be sent back', () => {
    const b = directionBlock(unit(CM, HH), HH);
    expect(b?.message.ja).toContain(`これは ${CM} からこの事業所（${HH}）に届いたファイルです`);
  });

  it('refuses a unit addressed to this office itself', () => {
    expect(directionBlock(unit(CM, CM), CM)?.message.ja).toContain('送信先がこの事業所');
  });
});

const DAY_CARE_OFFICE = '1310000037';

describe('the same unit sent twice', () => {
  it('is found by its content hash in the send history and named with the local time it went', () => {
    // 01:15 UTC is 10:15 in Japan.
    const sent = new Map([[sentId, { at: '2026-12-01T01:15:00.000Z', queued: false }]]);
    const b = duplicateBlock(unit(), files, sent);
    expect(b).toEqual({ kind: 'duplicate', message: { ja: 'この送信単位は 12/01 10:15 に送信済みです', en: 'This unit was already sent on 12/01 10:15' }, sentAt: '2026-12-01T01:15:00.000Z', queued: false });
  });

  it('says 送信待ち, not 送信済み, while the earlier send still waits in the outbox', () => {
    const sent = new Map([[sentId, { at: '2026-12-01T01:15:00.000Z', queued: true }]]);
    const b = duplicateBlock(unit(), files, sent);
    expect(b?.queued).toBe(true);
    expect(b?.message.ja).toBe('この送信単位は 12/01 10:15 から送信待ちです。つながりしだい自動で送ります');
    expect(b?.message.ja).not.toContain('送信済み');
    expect(b?.message.en).toBe('This unit has been waiting to go since 12/01 10:15; it goes out by itself once connected');
  });

  it('reads the outbox as waiting and the sent box as sent, from the spool records', () => {
    const rec = (messageId: string, createdAt: string, acceptedAt: string | null) => ({ messageId, createdAt, acceptedAt });
    const records = { outbox: (box: 'outbox' | 'sent') => (box === 'outbox' ? [rec('a', '2026-12-01T01:00:00.000Z', null)] : [rec('b', '2026-12-01T00:00:00.000Z', '2026-12-01T00:05:00.000Z')]) } as unknown as SpoolRecords;
    expect(Object.fromEntries(sentUnits(records))).toEqual({ a: { at: '2026-12-01T01:00:00.000Z', queued: true }, b: { at: '2026-12-01T00:05:00.000Z', queued: false } });
  });

  it('is not a duplicate when one byte differs', () => {
    const sent = new Map([[sentId, { at: '2026-12-01T01:15:00.000Z', queued: false }]]);
    const changed = [fileReport(PLAN, hex(Buffer.from('plan!'))), files[1]!];
    expect(duplicateBlock(unit(), changed, sent)).toBeNull();
  });

  it('makes the view unsendable and marks the unit', () => {
    const view = { batchId: null, files: [], units: [{ key: 'k', partner: { office: HH, serviceType: '11', name: null }, month: '202504', sequence: '20250425120002', kinds: [], files: [PLAN, SIKYU], valid: true, errors: [], warnings: [] }], ignored: [], sendable: true, report: { files, units: [unit()], summary: {} } } as unknown as ValidationView;
    const checked = withSendChecks(view, CM, new Map([[sentId, { at: '2026-12-01T01:15:00.000Z', queued: false }]]), catalog);
    expect(checked.sendable).toBe(false);
    expect(checked.units[0]!.blocked?.kind).toBe('duplicate');
    expect(withSendChecks(view, CM, new Map(), catalog).sendable).toBe(true);
    expect(withSendChecks(view, DAY_CARE_OFFICE, new Map(), catalog).units[0]!.blocked?.kind).toBe('direction');
  });

  it('formats times in Japan local time', () => {
    expect(shortLocal('2026-11-30T15:05:00.000Z')).toBe('12/01 00:05');
  });
});
