// Paper 実績 back in and the 効果レポート, against a real embedded relay and the two demo offices: the
// care manager sends a ticket unit by data, the provider returns its 実績 by data, and the clerk enters
// a second provider-month's 実績 from paper. The report for the month and `careplan-link report` are
// checked against that known history; the written 実績 file against the project's validator.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch, type AppApi } from '../../shared/api/methods.js';
import { DEFAULT_ASSUMPTIONS } from '../../shared/effect/assumptions.js';
import type { EffectReport } from '../../shared/effect/report.js';
import { comparePlanActual, ticketLines } from '../../shared/ticket/ticket.js';
import { readRecords } from '../../shared/ticket/records.js';
import { decodeMs932 } from '../check/ms932.js';
import { loadCatalog } from '../check/specs.js';
import { checkPaths } from '../check/validation.js';
import { startEmbedded, type Embedded } from '../cli/embeddedRelay.js';
import { runCli } from '../cli/run.js';
import { packageRoot } from '../paths.js';
import { loadConfig } from '../transport/config.js';
import { Spool } from '../transport/spool.js';
import { placesOf, reportFor } from './effectReport.js';
import { SpoolRecords } from './spoolRecords.js';

const VALID = join(packageRoot(), 'fixtures', 'valid');
const file = (prefix: string) => readdirSync(VALID).find((f) => f.startsWith(`${prefix}_202504_`))!;
const upload = (name: string) => ({ name, base64: readFileSync(join(VALID, name)).toString('base64') });
const TICKET = ['UPPLAN', 'UPSIKYU', 'UPHOSOKU'].map(file);
const PLAN = TICKET[0]!;
/** The fixtures' ticket unit plans for 3 users; the 実績 file holds 49 records for them. */
const USERS = 3;
const JSK_RECORDS = 49;

let embedded: Embedded;
let dir: string;
let cm: AppApi;
let hh: AppApi;
const cmDir = () => join(dir, 'offices', 'care-manager');

const via = (api: AppApi) => new Proxy({} as AppApi, { get: (_t, m: string) => (req: unknown) => dispatch(api, m, req) });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cpl-paper-'));
  embedded = await startEmbedded({ dataDir: dir, relayPort: 0, shell: 'browser', extra: { agentTiming: { settleMs: 50, rescanMs: 100 } } });
  cm = via(embedded.backends.find((b) => b.id === 'care-manager')!.backend.handlers);
  hh = via(embedded.backends.find((b) => b.id === 'home-help')!.backend.handlers);
  await cm.setupDemo({ id: 'care-manager' });
  await hh.setupDemo({ id: 'home-help' });
  const v = await cm.validateUploads({ files: TICKET.map(upload) });
  expect((await cm.sendStaged({ batchId: v.batchId! })).outcomes[0]!.state).toBe('accepted');
  expect((await hh.receiveNow({})).imported).toBe(1);
  const jsk = await hh.validateUploads({ files: [upload(file('UPJSK'))] });
  expect((await hh.sendStaged({ batchId: jsk.batchId! })).outcomes[0]!.state).toBe('accepted');
  expect((await cm.receiveNow({})).imported).toBe(1);
}, 120_000);

afterAll(async () => {
  await embedded.close();
});

describe('paper 実績 back in', () => {
  it('offers the sent 予定 per provider with its users, and the provider\'s rows as the grid', async () => {
    const sources = await cm.paperActualSources({});
    expect(sources).toEqual([expect.objectContaining({ planFile: PLAN, month: '202504', provider: expect.objectContaining({ office: '1310000029', serviceType: '11' }) })]);
    expect(sources[0]!.users).toHaveLength(USERS);
    const u = sources[0]!.users[0]!;
    const grid = await cm.paperActualGrid({ planFile: PLAN, insurer: u.insurer, insured: u.insured });
    // Only the receiver's rows (home help), not the day care or equipment rows of the same 第6表.
    expect(grid.rows.length).toBeGreaterThan(0);
    expect(grid.rows.every((r) => r.provider === '1310000029')).toBe(true);
  });

  it('writes the changed grid as a standard UPJSK into the import folder that the validator passes with no errors', async () => {
    const u = (await cm.paperActualSources({}))[0]!.users[0]!;
    const grid = await cm.paperActualGrid({ planFile: PLAN, insurer: u.insurer, insured: u.insured });
    // The clerk's changes: the first planned visit did not happen, and one visit ran 15 minutes longer (a new row time).
    const rows = grid.rows.map((r) => ({ key: r.key, start: r.start, end: r.end, days: [...r.days] }));
    const first = rows[0]!;
    const dropped = first.days.findIndex((n) => n > 0);
    first.days[dropped] = 0;
    const importDir = join(cmDir(), 'import');
    const before = new Set(readdirSync(importDir));
    const out = await cm.exportPaperActuals({ planFile: PLAN, insurer: u.insurer, insured: u.insured, rows });
    expect(out).toMatchObject({ errors: 0 });
    expect(out.file).toMatch(/^UPJSK_202504_1310000029_11_1310000011_43_\d{14}\.CSV$/);
    expect(before.has(out.file)).toBe(false);
    const bytes = readFileSync(join(importDir, out.file));
    // MS932 with CRLF: the text decodes without replacement characters and every line ends in CRLF.
    const text = new TextDecoder('shift_jis').decode(bytes);
    expect(text).not.toContain('\uFFFD');
    expect(text.split('\r\n').slice(0, -1).every((l) => !l.includes('\n'))).toBe(true);
    expect(text.endsWith('\r\n')).toBe(true);
    // The project's validator, as `careplan-link check` runs it: no errors.
    const report = await checkPaths([join(importDir, out.file)], { catalog: loadCatalog(), units: true });
    expect(report.summary).toMatchObject({ files: 1, errors: 0, invalidFiles: 0 });
    // Against the plan, exactly the one change the clerk made shows.
    const plan = ticketLines(readRecords(readFileSync(join(cmDir(), 'export', 'sent', readdirSync(join(cmDir(), 'export', 'sent'))[0]!, PLAN)), decodeMs932)).filter((l) => l.insured === u.insured && l.provider === '1310000029');
    const actual = ticketLines(readRecords(bytes, decodeMs932));
    expect(actual.every((l) => l.insured === u.insured)).toBe(true);
    expect(out.records).toBe(actual.length);
    const diffs = comparePlanActual(plan, actual)[0]!.differences;
    expect(diffs).toEqual([expect.objectContaining({ kind: 'day-dropped', date: `202504${String(dropped + 1).padStart(2, '0')}` })]);
  });

  it('never overwrites a file of the same name in the import folder', async () => {
    const u = (await cm.paperActualSources({}))[0]!.users[1]!;
    const grid = await cm.paperActualGrid({ planFile: PLAN, insurer: u.insurer, insured: u.insured });
    const rows = grid.rows.map((r) => ({ key: r.key, start: r.start, end: r.end, days: r.days }));
    const importDir = join(cmDir(), 'import');
    // Someone's file already holds the names of this second and the next few.
    const now = new Date();
    const { localStamp } = await import('../../shared/time.js');
    const taken = [0, 1, 2].map((i) => `UPJSK_202504_1310000029_11_1310000011_43_${localStamp(new Date(now.getTime() + i * 1000))}.CSV`);
    for (const n of taken) writeFileSync(join(importDir, n), 'not ours');
    const out = await cm.exportPaperActuals({ planFile: PLAN, insurer: u.insurer, insured: u.insured, rows });
    expect(taken).not.toContain(out.file);
    for (const n of taken) expect(readFileSync(join(importDir, n), 'utf8')).toBe('not ours');
    expect(out.errors).toBe(0);
    // Nothing half-written is left beside it.
    expect(readdirSync(importDir).filter((n) => n.startsWith('.cpl-staged'))).toEqual([]);
  });

  it('refuses a row that is not in the plan and an impossible time, writing nothing', async () => {
    const u = (await cm.paperActualSources({}))[0]!.users[0]!;
    const importDir = join(cmDir(), 'import');
    const before = readdirSync(importDir).length;
    await expect(cm.exportPaperActuals({ planFile: PLAN, insurer: u.insurer, insured: u.insured, rows: [{ key: '9999999999|111111|0900|0930', start: '0900', end: '0930', days: [1] }] })).rejects.toMatchObject({ code: 'paper_actuals' });
    const grid = await cm.paperActualGrid({ planFile: PLAN, insurer: u.insurer, insured: u.insured });
    const r = grid.rows[0]!;
    await expect(cm.exportPaperActuals({ planFile: PLAN, insurer: u.insurer, insured: u.insured, rows: [{ key: r.key, start: '2500', end: '2600', days: r.days }] })).rejects.toMatchObject({ code: 'paper_actuals' });
    expect(readdirSync(importDir).length).toBe(before);
  });
});

describe('効果レポート', () => {
  it('counts the month from the real history: data sent, 転記 avoided, partners linked', async () => {
    const r = await cm.effectReport({ month: '202504' });
    // One ticket unit by data: 第6表, 第7表 and 補足 for 3 users = 9 sheets not printed.
    expect(r.current.data).toEqual({ units: 1, sheets: 3 * USERS });
    expect(r.current.paper).toEqual({ units: 0, sheets: 0 });
    expect(r.current.linked).toEqual(['1310000029']);
    expect(r.current.unlinked).toEqual([]);
    // The provider's 実績 came as data: 49 records for 3 users nobody re-typed.
    expect(r.current.transcriptionAvoided).toEqual({ units: 1, users: USERS, records: JSK_RECORDS });
    expect(r.estimate).toMatchObject({ dataShare: 1, sheetsSaved: 9, faxPagesSaved: 10, minutesSaved: 23, yenSaved: 2167 });
    expect(r.trend.map((m) => m.month)).toEqual(['202411', '202412', '202501', '202502', '202503', '202504']);
    expect(r.trend.slice(0, 5).every((m) => m.data.units === 0 && m.paper.units === 0)).toBe(true);
    // Another month has none of it.
    expect((await cm.effectReport({ month: '202505' })).current.data.units).toBe(0);
  });

  it('keeps edited assumptions in the app settings and estimates with them', async () => {
    const saved = await cm.saveEffectAssumptions({ ...DEFAULT_ASSUMPTIONS, minutesPerMonth: 40, coverPagesPerFax: 2 });
    expect(saved.minutesPerMonth).toBe(40);
    const settings = JSON.parse(readFileSync(join(cmDir(), 'app', 'app-settings.json'), 'utf8')) as { effectAssumptions: unknown };
    expect(settings.effectAssumptions).toMatchObject({ minutesPerMonth: 40, coverPagesPerFax: 2 });
    const r = await cm.effectReport({ month: '202504' });
    expect(r.estimate).toMatchObject({ minutesSaved: 40, faxPagesSaved: 9 + 2 });
    await expect(cm.saveEffectAssumptions({ ...DEFAULT_ASSUMPTIONS, minutesPerMonth: -1 })).rejects.toMatchObject({ code: 'bad_request' });
    // Back to the defaults: stored as absent.
    await cm.saveEffectAssumptions({ ...DEFAULT_ASSUMPTIONS });
    expect(JSON.parse(readFileSync(join(cmDir(), 'app', 'app-settings.json'), 'utf8'))).not.toHaveProperty('effectAssumptions');
  });

  it('counts units that went on paper and the partners reached only on paper', async () => {
    const config = loadConfig(join(cmDir(), 'app', 'office.json'));
    const records = new SpoolRecords(new Spool(config.folders.spool));
    const sent = join(cmDir(), 'export', 'sent');
    const planPath = join(sent, readdirSync(sent)[0]!, PLAN);
    // Two partners not linked got the same ticket on paper (the plan file printed for them).
    const paper = ['1310000037', '1310000045'].map((partner) => ({ at: '2025-04-25T03:00:00.000Z', month: '202504', partner, partnerName: null, files: [{ name: PLAN, path: planPath }, { name: TICKET[1]!, path: null }] }));
    const r = reportFor({ config, records, places: placesOf(config), catalog: loadCatalog(), paper, assumptions: DEFAULT_ASSUMPTIONS }, '202504');
    // Each paper unit: the plan for 3 users (3 sheets) and a 第7表 no longer on disk (counted as 1).
    expect(r.current.paper).toEqual({ units: 2, sheets: 2 * (USERS + 1) });
    expect(r.current.linked).toEqual(['1310000029']);
    expect(r.current.unlinked).toEqual(['1310000037', '1310000045']);
    expect(r.estimate.dataShare).toBeCloseTo(9 / (9 + 8));
    expect(r.estimate.minutesSaved).toBe(Math.round(23 * (9 / 17) * 10) / 10);
  });
});

describe('careplan-link report', () => {
  const run = async (args: string[]) => {
    let stdout = '';
    let stderr = '';
    const code = await runCli(['report', ...args], { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) });
    return { code, stdout, stderr };
  };

  it('prints the month as JSON, the same as the app shows', async () => {
    const { code, stdout } = await run(['--config', join(cmDir(), 'app', 'office.json'), '--month', '202504', '--format', 'json']);
    expect(code).toBe(0);
    const r = JSON.parse(stdout) as EffectReport;
    expect(r.current.data).toEqual({ units: 1, sheets: 9 });
    expect(r.current.transcriptionAvoided.records).toBe(JSK_RECORDS);
    const app = await cm.effectReport({ month: '202504' });
    expect({ ...r, generatedAt: '' }).toEqual({ ...app, generatedAt: '' });
  });

  it('writes the CSV for Excel: BOM, CRLF, Japanese headers, and refuses to overwrite', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'cpl-report-')), 'r.csv');
    const { code } = await run(['--config', join(cmDir(), 'app', 'office.json'), '--month', '202504', '--format', 'csv', '--out', out]);
    expect(code).toBe(0);
    const csv = readFileSync(out, 'utf8');
    expect(csv.startsWith('\uFEFF効果レポート,2025年4月\r\n')).toBe(true);
    expect(csv.replace(/\r\n/g, '')).not.toContain('\n');
    expect(csv).toContain('対象年月,データで送った送信単位,データで送った枚数,紙で送った送信単位');
    expect(csv).toContain('\r\n2025年4月,1,9,0,0,1,0,1,3,49\r\n');
    expect(csv).toContain('"=""1310000011"""');
    const again = await run(['--config', join(cmDir(), 'app', 'office.json'), '--month', '202504', '--format', 'csv', '--out', out]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/上書きしません.*not overwriting/);
  });

  it('answers a missing or wrong month in Japanese with English alongside', async () => {
    const { code, stderr } = await run(['--config', join(cmDir(), 'app', 'office.json'), '--month', '2025-04']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^--month に対象年月を YYYYMM で指定してください.* \/ --month YYYYMM is required/);
    expect(existsSync(join(cmDir(), 'app', 'office.json'))).toBe(true);
  });
});

describe('効果レポート as PDF', () => {
  it('writes an A4 PDF with the embedded Japanese font, the same bytes for the same report', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'cpl-report-pdf-')), 'report.pdf');
    let stderr = '';
    const code = await runCli(['report', '--config', join(cmDir(), 'app', 'office.json'), '--month', '202504', '--format', 'pdf', '--out', out], { stdout: () => {}, stderr: (s) => (stderr += s) });
    expect(code).toBe(0);
    expect(stderr).toContain('書き出しました');
    const pdf = readFileSync(out);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.toString('latin1')).toMatch(/\/FontFile2/);
    const { effectReportPdf } = await import('./effectPdf.js');
    const r = await cm.effectReport({ month: '202504' });
    expect((await effectReportPdf(r)).equals(await effectReportPdf(structuredClone(r)))).toBe(true);
    // Through the app API: base64 of a PDF named by office and month.
    const api = await cm.effectReportPdf({ month: '202504' });
    expect(api.fileName).toBe('careplan-link-効果レポート-1310000011-202504.pdf');
    expect(Buffer.from(api.base64, 'base64').subarray(0, 5).toString('latin1')).toBe('%PDF-');
    // A PDF never goes to the terminal.
    const tty = await runCli(['report', '--config', join(cmDir(), 'app', 'office.json'), '--month', '202504', '--format', 'pdf'], { stdout: () => {}, stderr: () => {} });
    expect(tty).toBe(2);
    // Kept for the eyes: test-output/effect-report.pdf (rendered with pdftoppm in the report of this work).
    mkdirSync(join(packageRoot(), 'test-output'), { recursive: true });
    writeFileSync(join(packageRoot(), 'test-output', 'effect-report.pdf'), pdf);
  });
});

describe('units that went on paper (the paper path\'s record in spool/paper/)', () => {
  const DAY_CARE_PLAN = PLAN.replace('_1310000029_11_', '_1310000037_15_');

  it('counts them in the report and offers their 予定 for paper 実績, which export as a valid UPJSK', async () => {
    // What the paper path (client/paper/store.ts) records for a unit sent to the unlinked day care.
    const paper = join(cmDir(), 'app', 'spool', 'paper');
    const id = 'paper-unit-1';
    mkdirSync(join(paper, 'units', id), { recursive: true });
    writeFileSync(join(paper, 'units', id, DAY_CARE_PLAN), readFileSync(join(VALID, PLAN)));
    const unit = { key: 'k', messageId: id, sequence: '20250425120002', kinds: ['UPPLAN'], files: [DAY_CARE_PLAN], at: '2025-04-25T03:00:00.000Z' };
    const sheet = { id: '202504-1310000037-1', month: '202504', partner: '1310000037', partnerName: 'さくらデイサービス', units: [unit], pdf: '/x.pdf', pages: 4, madeAt: unit.at, faxedAt: null };
    writeFileSync(join(paper, 'sheets.json'), JSON.stringify({ sheets: [sheet] }));

    const r = await cm.effectReport({ month: '202504' });
    expect(r.current.paper).toEqual({ units: 1, sheets: USERS });
    expect(r.current.data).toEqual({ units: 1, sheets: 3 * USERS });
    expect(r.current.linked).toEqual(['1310000029']);
    expect(r.current.unlinked).toEqual(['1310000037']);
    expect(r.estimate.dataShare).toBeCloseTo(9 / 12);

    const source = (await cm.paperActualSources({})).find((s) => s.planFile === DAY_CARE_PLAN)!;
    expect(source.provider).toMatchObject({ office: '1310000037', serviceType: '15' });
    const u = source.users[0]!;
    const grid = await cm.paperActualGrid({ planFile: DAY_CARE_PLAN, insurer: u.insurer, insured: u.insured });
    expect(grid.rows.every((row) => row.provider === '1310000037')).toBe(true);
    const out = await cm.exportPaperActuals({ planFile: DAY_CARE_PLAN, insurer: u.insurer, insured: u.insured, rows: grid.rows.map((row) => ({ key: row.key, start: row.start, end: '1600', days: row.days })) });
    expect(out.file).toMatch(/^UPJSK_202504_1310000037_15_1310000011_43_\d{14}\.CSV$/);
    const report = await checkPaths([out.path], { catalog: loadCatalog(), units: true });
    expect(report.summary.errors).toBe(0);
    const lines = ticketLines(readRecords(readFileSync(out.path), decodeMs932));
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((l) => l.provider === '1310000037' && l.end === '1600')).toBe(true);

    // The command line reads the same record.
    let stdout = '';
    expect(await runCli(['report', '--config', join(cmDir(), 'app', 'office.json'), '--month', '202504'], { stdout: (s) => (stdout += s), stderr: () => {} })).toBe(0);
    expect((JSON.parse(stdout) as EffectReport).current.unlinked).toEqual(['1310000037']);
  });
});
