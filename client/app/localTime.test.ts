// What a person or a file name sees is on the office's clock, in Japan and on a UTC machine alike: the
// history CSV (its rows and its file name), the month folder sent/YYYYMM the originals go to, and the
// retired certificate's file name. Each case is a moment where UTC and Japan disagree on the day, the
// month or the year.
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { HistoryEntry } from '../../shared/api/types.js';
import { dispatch, type AppApi } from '../../shared/api/methods.js';
import { generateFixtures } from '../../shared/fixtures/generate.js';
import { encodeMs932 } from '../check/ms932.js';
import { loadCatalog } from '../check/specs.js';
import { startEmbedded, type Embedded } from '../cli/embeddedRelay.js';
import { historyCsv, historyCsvFile } from './history.js';
import { Profile } from './profile.js';

const ZONES = ['Asia/Tokyo', 'UTC'] as const;
const HOUR = 3_600_000;
const originalTz = process.env.TZ;
const restoreTz = () => {
  if (originalTz === undefined) delete process.env.TZ;
  else process.env.TZ = originalTz;
};

/** The wall clock of `d` in `zone` as YYYY-MM-DD HH:MM:SS, computed without the code under test (Japan has no DST). */
const wall = (d: Date, zone: (typeof ZONES)[number]) => new Date(d.getTime() + (zone === 'Asia/Tokyo' ? 9 * HOUR : 0)).toISOString().slice(0, 19).replace('T', ' ');

// 2026-11-30T23:30:00Z is 2026-12-01 08:30 in Japan.
const MONTH_END = new Date('2026-11-30T23:30:00Z');
// 2026-12-31T15:00:00Z is New Year's Day 2027 in Japan.
const YEAR_END = new Date('2026-12-31T15:00:00Z');

const entry = (at: Date, over: Partial<HistoryEntry> = {}): HistoryEntry => ({
  at: at.toISOString(),
  direction: 'sent',
  messageId: '-Xb3kqP0aZ9_c1yS7rT2uVwE4fG5hJ6k',
  partner: { office: '0110000011', name: 'ひまわり訪問介護ステーション' },
  kinds: ['UPHOSOKU', 'UPPLAN', 'UPSIKYU'],
  month: '202612',
  sequence: '20261201083000',
  files: ['UPPLAN_202612_1310000011_43_0110000011_11_20261201083000.CSV'],
  status: 'imported',
  receipt: 'verified',
  detail: null,
  ...over,
});

/** The CSV's rows as Excel splits them (quoted fields may hold commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted && c === '"' && text[i + 1] === '"') {
      cell += '"';
      i++;
    } else if (quoted && c === '"') {
      quoted = false;
    } else if (quoted) {
      cell += c;
    } else if (c === '"') {
      quoted = true;
    } else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else {
      cell += c;
    }
  }
  return rows;
}

describe.each(ZONES)('on a PC in %s', (zone) => {
  beforeAll(() => {
    process.env.TZ = zone;
  });
  afterAll(restoreTz);

  it('the history CSV: a row at a month boundary is dated on the local clock, and its file name by the local day', () => {
    const { fileName, csv } = historyCsvFile('1310000011', [entry(MONTH_END), entry(YEAR_END, { direction: 'received', status: 'quarantined', receipt: 'given', detail: '取込フォルダに同じ名前の別のファイルがあります' })], MONTH_END);
    expect(fileName).toBe(zone === 'Asia/Tokyo' ? 'careplan-link-履歴-1310000011-20261201.csv' : 'careplan-link-履歴-1310000011-20261130.csv');
    const rows = parseCsv(csv.slice(1));
    expect(rows[1]![0]).toBe(zone === 'Asia/Tokyo' ? '2026-12-01 08:30:00' : '2026-11-30 23:30:00');
    expect(rows[1]![0]).toBe(wall(MONTH_END, zone));
    expect(rows[2]![0]).toBe(zone === 'Asia/Tokyo' ? '2027-01-01 00:00:00' : '2026-12-31 15:00:00');
    expect(rows[2]!.slice(1, 2)).toEqual(['受信']);
    expect(rows[2]![8]).toBe('隔離');
    expect(rows[2]![9]).toBe('送付済み');
  });

  it('the retired certificate is named by the local day it was replaced', () => {
    const p = new Profile(mkdtempSync(join(tmpdir(), 'cpl-retire-')));
    writeFileSync(p.p12Path, 'old certificate');
    const target = p.retireCertificate('AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:00', YEAR_END)!;
    expect(target.split(/[\\/]/).pop()).toBe(zone === 'Asia/Tokyo' ? 'office-2027-01-01-ABCDEF0123456789.p12' : 'office-2026-12-31-ABCDEF0123456789.p12');
    expect(readFileSync(target, 'utf8')).toBe('old certificate');
  });
});

describe('the history CSV opens in Excel on a Japanese Windows', () => {
  beforeAll(() => {
    process.env.TZ = 'Asia/Tokyo';
  });
  afterAll(restoreTz);

  it('UTF-8 with a BOM, CRLF line ends, Japanese headers and values', () => {
    const csv = historyCsv([entry(MONTH_END)]);
    expect(csv.startsWith('\uFEFF日時,方向,相手事業所番号,相手事業所名,種類,対象年月,連番,ファイル,状態,受領証,メッセージID,詳細\r\n')).toBe(true);
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    const row = parseCsv(csv.slice(1))[1]!;
    expect(row).toEqual([
      '2026-12-01 08:30:00',
      '送信',
      '="0110000011"',
      'ひまわり訪問介護ステーション',
      '利用者補足情報・第6表（予定）・第7表',
      '2026年12月',
      '="20261201083000"',
      'UPPLAN_202612_1310000011_43_0110000011_11_20261201083000.CSV',
      '取り込み済み',
      '確認済み',
      '="-Xb3kqP0aZ9_c1yS7rT2uVwE4fG5hJ6k"',
      '',
    ]);
    // Every status and receipt the back end writes has its Japanese words.
    for (const status of ['pending', 'queued', 'delivered', 'received', 'imported', 'quarantined', 'failed', 'downloaded'] as const) {
      for (const receipt of ['verified', 'invalid', 'none', 'given'] as const) {
        const cells = parseCsv(historyCsv([entry(MONTH_END, { status, receipt })]).slice(1))[1]!;
        expect(cells[8]).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
        expect(cells[9]).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
      }
    }
  });

  it('quotes what needs quoting and never lets a partner\'s name run as a formula', () => {
    const csv = historyCsv([entry(MONTH_END, { partner: { office: '1310000029', name: '=HYPERLINK("http://x","開く")' }, files: ['a,b.CSV'], detail: '1行目\n2行目 "引用"', month: '000000' })]);
    const row = parseCsv(csv.slice(1))[1]!;
    expect(row[3]).toBe('\'=HYPERLINK("http://x","開く")');
    expect(row[5]).toBe('');
    expect(row[7]).toBe('a,b.CSV');
    expect(row[11]).toBe('1行目\n2行目 "引用"');
    expect(row).toHaveLength(12);
  });

  it('a timestamp that cannot be read is kept as it is rather than failing the whole file', () => {
    const row = parseCsv(historyCsv([{ ...entry(MONTH_END), at: 'yesterday' }]).slice(1))[1]!;
    expect(row[0]).toBe('yesterday');
  });
});

// The month folder sent/YYYYMM, through the app's send flow against a real embedded relay, at a moment
// that is already the new month in Japan but still the old one in UTC.
describe('sending: the originals go to the local month folder', () => {
  const catalog = loadCatalog();
  let embedded: Embedded;
  let dir: string;
  let cm: AppApi;
  const via = (api: AppApi) => new Proxy({} as AppApi, { get: (_t, m: string) => (req: unknown) => dispatch(api, m, req) });

  beforeAll(async () => {
    // The whole office and its relay live at that moment (their rate limits and staging clean-up keep
    // time too); only Date is faked, timers and TLS run on the real clock.
    vi.useFakeTimers({ toFake: ['Date'], now: japaneseMonthStart(), shouldAdvanceTime: true });
    dir = mkdtempSync(join(tmpdir(), 'cpl-localtime-'));
    embedded = await startEmbedded({ dataDir: dir, relayPort: 0, shell: 'browser', extra: { agentTiming: { settleMs: 50, rescanMs: 100 } } });
    cm = via(embedded.backends.find((b) => b.id === 'care-manager')!.backend.handlers);
    const hh = via(embedded.backends.find((b) => b.id === 'home-help')!.backend.handlers);
    expect((await cm.setupDemo({ id: 'care-manager' })).phase).toBe('ready');
    expect((await hh.setupDemo({ id: 'home-help' })).phase).toBe('ready');
  });

  afterEach(restoreTz);

  afterAll(async () => {
    await embedded?.close();
    vi.useRealTimers();
  });

  /**
   * 00:30 on the 1st of this month in Japan (15:30 UTC on the last day of the month before): in the
   * recent past, so the certificates are valid and nothing the app made just now looks stale.
   */
  function japaneseMonthStart(): Date {
    const tokyo = new Date(Date.now() + 9 * HOUR);
    return new Date(Date.UTC(tokyo.getUTCFullYear(), tokyo.getUTCMonth(), 1) - 9 * HOUR + 30 * 60_000);
  }

  it.each(ZONES.map((zone, i) => [zone, i] as const))('in %s', async (zone, i) => {
    process.env.TZ = zone;
    const at = new Date();
    expect(wall(at, 'Asia/Tokyo').slice(8, 13)).toBe('01 00');
    const month = wall(at, zone).slice(0, 7).replace('-', '');
    // One unit per zone (a different service month, so a different unit and sequence).
    const serviceMonth = `2025${String(5 + i).padStart(2, '0')}`;
    const files = generateFixtures(catalog, { month: serviceMonth, users: 1 })
      .filter((f) => ['UPPLAN', 'UPSIKYU'].includes(f.kind) || (f.kind === 'UPHOSOKU' && f.name.includes(`_${serviceMonth}_`)))
      .map((f) => ({ name: f.name, base64: encodeMs932(f.text!).toString('base64') }));
    const v = await cm.validateUploads({ files });
    expect(v.sendable).toBe(true);
    expect((await cm.sendStaged({ batchId: v.batchId! })).outcomes).toEqual([expect.objectContaining({ state: 'accepted' })]);
    const sentDir = join(dir, 'offices', 'care-manager', 'export', 'sent', month);
    expect(existsSync(sentDir)).toBe(true);
    expect(readdirSync(sentDir).sort()).toEqual(expect.arrayContaining(files.map((f) => f.name).sort()));
  });
});
