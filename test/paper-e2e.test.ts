// Issue 14, end to end: a care manager with three partners, one linked and two not, sends one month in
// one send step. The linked partner receives the data; the other two get one PDF each (送付状 + forms)
// in the export folder's 印刷・FAX, listed on the paper screen, and the month's overview says which went
// by data and which by paper. Then 実績 come back: by data from the linked partner, on paper from one
// unlinked partner (entered on the 実績 grid, exported as a UPJSK the validator passes), and the month's
// 効果レポート (app, `careplan-link report` JSON/CSV/PDF) is checked number for number. Real relay (port 0, mutual TLS), real development PKI, the app back end
// through the checked dispatch. The PDFs are read back with poppler (pdfinfo, pdftotext) and rendered to
// PNG (pdftoppm) in test-output/paper/ for a person to look at (docs/screens/ holds the ones we looked at).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch, type AppApi } from '../shared/api/methods.js';
import { generateFixtures } from '../shared/fixtures/generate.js';
import { localMonth } from '../shared/time.js';
import { startEmbedded, type Embedded } from '../client/cli/embeddedRelay.js';
import { loadCatalog } from '../client/check/specs.js';
import { checkPaths } from '../client/check/validation.js';
import { decodeMs932 } from '../client/check/ms932.js';
import { readRecords } from '../shared/ticket/records.js';
import { ticketLines } from '../shared/ticket/ticket.js';
import type { EffectReport } from '../shared/effect/report.js';
import { runCli } from '../client/cli/run.js';
import { ROOT } from './cli.js';

const OUT = join(ROOT, 'test-output', 'paper');
const MONTH = localMonth();
const LINKED = { office: '1310000029', name: 'ひまわり訪問介護ステーション' };
const UNLINKED = [
  { office: '1310000052', name: 'みどり訪問看護ステーション', plan: true },
  { office: '1310000060', name: 'こすもす通所介護センター', plan: false },
];

let embedded: Embedded;
let dir: string;
let cm: AppApi;
let hh: AppApi;

const via = (api: AppApi) => new Proxy({} as AppApi, { get: (_t, m: string) => (req: unknown) => dispatch(api, m, req) });

/** One month's plan unit (第1〜3表 + 補足) and ticket unit (第6表, 第7表, 補足) for a partner, as the care software writes them. */
function unitsFor(partner: { office: string; name: string }, plan: boolean) {
  const all = generateFixtures(loadCatalog(), { month: MONTH, users: 2 });
  const kinds = ['UPPLAN', 'UPSIKYU', 'UPHOSOKU', ...(plan ? ['UP1KYO', 'UP2KYO', 'UP3KYO'] : [])];
  return all
    .filter((f) => kinds.includes(f.kind) && f.text !== null && (plan || !f.name.includes('_000000_')))
    .map((f) => ({
      name: f.name.replace(LINKED.office, partner.office),
      base64: iconv.encode(f.text!.replaceAll(LINKED.office, partner.office).replaceAll(LINKED.name, partner.name), 'cp932').toString('base64'),
    }));
}

function pdfText(path: string): string {
  return execFileSync('pdftotext', ['-layout', path, '-'], { encoding: 'utf8' });
}
function pdfPages(path: string): number {
  return Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [path], { encoding: 'utf8' }))![1]);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cpl-paper-'));
  embedded = await startEmbedded({ dataDir: dir, relayPort: 0, shell: 'browser', extra: { agentTiming: { settleMs: 50, rescanMs: 100 } } });
  cm = via(embedded.backends.find((b) => b.id === 'care-manager')!.backend.handlers);
  hh = via(embedded.backends.find((b) => b.id === 'home-help')!.backend.handlers);
  expect((await cm.setupDemo({ id: 'care-manager' })).phase).toBe('ready');
  expect((await hh.setupDemo({ id: 'home-help' })).phase).toBe('ready');
  await cm.saveSettings({ autoSend: false });
}, 60_000);

afterAll(async () => {
  await embedded?.close();
});

describe('one month to three partners: one linked, two on paper', () => {
  it('shows the partners as 連携中 and 未連携 before sending', async () => {
    const links = await cm.partnerLinks({ offices: [LINKED.office, ...UNLINKED.map((u) => u.office)] });
    expect(Object.fromEntries(links.map((l) => [l.office, l.state]))).toEqual({ [LINKED.office]: 'linked', '1310000052': 'unlinked', '1310000060': 'unlinked' });
  });

  it('sends in one step: data to the linked partner, a PDF with a cover sheet for each of the others', async () => {
    const files = [...unitsFor(LINKED, true), ...UNLINKED.flatMap((u) => unitsFor(u, u.plan))];
    const v = await cm.validateUploads({ files });
    expect(v.report.files.flatMap((f) => f.errors.map((e) => `${f.path}: ${e.code} ${e.message}`)).concat(v.report.units.flatMap((u) => u.errors.map((e) => `${e.code} ${e.message}`)))).toEqual([]);
    expect(v.sendable).toBe(true);
    const r = await cm.sendStaged({ batchId: v.batchId! });
    const byPartner = (office: string) => r.outcomes.filter((o) => o.partner === office).map((o) => o.state);
    expect(byPartner(LINKED.office)).toEqual(['accepted', 'accepted']);
    expect(byPartner('1310000052')).toEqual(['paper', 'paper']);
    expect(byPartner('1310000060')).toEqual(['paper']);

    // The linked partner receives the data, byte for byte.
    await hh.receiveNow({});
    const imported = readdirSync(join(dir, 'offices', 'home-help', 'import')).sort();
    const linkedNames = unitsFor(LINKED, true).map((f) => f.name).sort();
    expect(imported).toEqual(linkedNames);
    for (const f of unitsFor(LINKED, true)) expect(readFileSync(join(dir, 'offices', 'home-help', 'import', f.name)).toString('base64')).toBe(f.base64);

    // One PDF per unlinked partner for the month, listed on the paper screen.
    const paper = await cm.listPaper({});
    expect(paper.folder).toBe(join(dir, 'offices', 'care-manager', 'export', '印刷・FAX'));
    expect(paper.sheets.map((s) => [s.partner.office, s.month, s.units])).toEqual([
      ['1310000052', MONTH, 2],
      ['1310000060', MONTH, 1],
    ]);
    mkdirSync(OUT, { recursive: true });
    for (const [i, u] of UNLINKED.entries()) {
      const sheet = paper.sheets[i]!;
      const pdf = join(paper.folder, MONTH, sheet.fileName);
      expect(existsSync(pdf)).toBe(true);
      expect(sheet.partner.name).toBe(u.name);
      // Cover + 第6表 per user (2) + 第7表 + 補足 (+ 第1〜3表 where the plan was sent).
      expect(pdfPages(pdf)).toBe(sheet.pages);
      const text = pdfText(pdf);
      // pdftotext -layout spreads a line over its columns: compared without spaces.
      const cover = text.split('\f')[0]!.replace(/[ \u3000]+/g, '');
      expect(cover).toContain('FAX送付状');
      expect(cover).toContain(`${u.name}御中`);
      expect(cover).toContain(u.office);
      expect(cover).toContain('ケアプランリンク居宅介護支援センター');
      expect(cover).toContain(`${Number(MONTH.slice(0, 4))}年${Number(MONTH.slice(4))}月`);
      expect(cover).toContain(`${sheet.pages}枚（本紙を含む）`);
      expect(text).toContain('サービス利用票');
      expect(text).toContain('第7表');
      expect(text.includes('第1表')).toBe(u.plan);
      expect(text.includes('第3表')).toBe(u.plan);
      // Cover, 第1表 1, 第2表 2, 第3表 1, 第6表 and 第7表 one per user (2 each), 補足 1 per file.
      expect(sheet.pages).toBe(u.plan ? 11 : 6);
      expect(text).toContain('保険給付額');
      execFileSync('pdftoppm', ['-png', '-r', '70', pdf, join(OUT, `paper-${u.office}`)]);
    }
    // The linked partner got no paper, and the originals of every unit were filed as sent.
    expect(paper.sheets.some((s) => s.partner.office === LINKED.office)).toBe(false);

    // The month's overview: what went by data and what by paper.
    const month = paper.months.find((m) => m.month === MONTH)!;
    expect(month.byData).toEqual({ units: 2, partners: [LINKED.office] });
    expect(month.byPaper).toEqual({ units: 3, partners: ['1310000052', '1310000060'] });

    // The history keeps every unit: the paper ones as 紙で送付, the linked partner's by data.
    const sent = await cm.history({ direction: 'sent' });
    expect(sent.filter((h) => h.status === 'paper').map((h) => h.partner.office).sort()).toEqual(['1310000052', '1310000052', '1310000060']);
    expect(sent.filter((h) => h.partner.office === LINKED.office).map((h) => h.status)).not.toContain('paper');
    expect(sent.filter((h) => h.partner.office === LINKED.office)).toHaveLength(2);
  }, 120_000);

  it('takes 実績 back (by data from the linked partner, on paper from one unlinked partner) and reports the month', async () => {
    const cmDir = join(dir, 'offices', 'care-manager');
    // The linked partner returns its 実績 by data: nobody re-types those (転記 avoided).
    const jsk = generateFixtures(loadCatalog(), { month: MONTH, users: 2 }).find((f) => f.kind === 'UPJSK')!;
    const jskRecords = jsk.text!.split('\r\n').filter((l) => l !== '').length;
    const back = await hh.validateUploads({ files: [{ name: jsk.name, base64: iconv.encode(jsk.text!, 'cp932').toString('base64') }] });
    expect((await hh.sendStaged({ batchId: back.batchId! })).outcomes.map((o) => o.state)).toEqual(['accepted']);
    expect((await cm.receiveNow({})).imported).toBe(1);

    // みどり's 実績 came back on paper: the 予定 it was sent on paper is offered, with its two users.
    const PAPER = UNLINKED[0]!;
    const sources = (await cm.paperActualSources({})).filter((s) => s.provider.office === PAPER.office);
    expect(sources.map((s) => [s.month, s.users.length])).toEqual([[MONTH, 2]]);
    const src = sources[0]!;
    // Named although it is not in the directory: the paper sheet learnt its name from the documents.
    expect(src.provider.name).toBe(PAPER.name);
    const user = src.users[0]!;
    const grid = await cm.paperActualGrid({ planFile: src.planFile, insurer: user.insurer, insured: user.insured });
    expect(grid.rows.length).toBeGreaterThan(0);
    expect(grid.rows.every((r) => r.provider === PAPER.office)).toBe(true);
    // One change: the first planned visit of the first row did not happen.
    const planned = grid.rows.reduce((n, r) => n + r.days.reduce((a, b) => a + b, 0), 0);
    const rows = grid.rows.map((r) => ({ key: r.key, start: r.start, end: r.end, days: [...r.days] }));
    const day = rows[0]!.days.findIndex((d) => d > 0);
    rows[0]!.days[day] = 0;
    const out = await cm.exportPaperActuals({ planFile: src.planFile, insurer: user.insurer, insured: user.insured, rows });
    expect(out.path).toBe(join(cmDir, 'import', out.file));
    expect(out.file).toMatch(new RegExp(`^UPJSK_${MONTH}_${PAPER.office}_\\d{2}_1310000011_43_\\d{14}\\.CSV$`));
    expect(out.errors).toBe(0);
    // The project's validator, on the file as it lies in the import folder.
    const checked = await checkPaths([out.path], { catalog: loadCatalog(), units: true });
    expect(checked.summary.errors).toBe(0);
    const lines = ticketLines(readRecords(readFileSync(out.path), decodeMs932));
    expect(lines.every((l) => l.provider === PAPER.office && l.insured === user.insured && l.month === MONTH)).toBe(true);
    expect(lines.reduce((n, l) => n + l.count, 0)).toBe(planned - 1);

    // The 効果レポート for the month. Sheets are users per form: the linked partner's plan unit (第1〜3表 and
    // 補足, 2 users each: 8) and ticket unit (第6表, 第7表, 補足: 6) went by data; みどり got the same 14 on
    // paper, こすもす the ticket's 6.
    const r = await cm.effectReport({ month: MONTH });
    expect(r.current.data).toEqual({ units: 2, sheets: 14 });
    expect(r.current.paper).toEqual({ units: 3, sheets: 20 });
    expect(r.current.linked).toEqual([LINKED.office]);
    expect(r.current.unlinked).toEqual(['1310000052', '1310000060']);
    // The report's 連携中/未連携 is the state the send step found this month; for this month it is the
    // partners screen's state now.
    const now = await cm.partnerLinks({ offices: [LINKED.office, ...UNLINKED.map((u) => u.office)] });
    expect(now.filter((l) => l.state === 'linked').map((l) => l.office)).toEqual(r.current.linked);
    expect(now.filter((l) => l.state === 'unlinked').map((l) => l.office)).toEqual(r.current.unlinked);
    expect(r.current.faxRecipients).toBe(1);
    // 転記 avoided: only the 実績 that came as data (33 lines for 2 users); the paper 実績 was typed once on the grid.
    expect(jskRecords).toBe(33);
    expect(r.current.transcriptionAvoided).toEqual({ units: 1, users: 2, records: 33 });
    // Estimate with the defaults: 14 of 34 sheets by data; 23 min × 14/34 = 9.47, 2,167 yen × 14/34 = 892.3.
    expect(r.estimate).toEqual({ dataShare: 14 / 34, sheetsSaved: 14, faxPagesSaved: 15, minutesSaved: 9.5, yenSaved: 892 });
    expect(r.trend.map((m) => m.month).at(-1)).toBe(MONTH);
    expect(r.trend.slice(0, -1).every((m) => m.data.units + m.paper.units === 0)).toBe(true);

    // `careplan-link report` on the office's config gives the same month, as JSON, CSV and PDF.
    const config = join(cmDir, 'app', 'office.json');
    const cli = async (...args: string[]) => {
      let stdout = '';
      let stderr = '';
      const code = await runCli(['report', '--config', config, '--month', MONTH, ...args], { stdout: (x) => (stdout += x), stderr: (x) => (stderr += x) });
      expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });
      return stdout;
    };
    const json = JSON.parse(await cli('--format', 'json')) as EffectReport;
    expect({ ...json, generatedAt: '' }).toEqual({ ...r, generatedAt: '' });
    const monthLabel = `${Number(MONTH.slice(0, 4))}年${Number(MONTH.slice(4))}月`;
    const outDir = mkdtempSync(join(tmpdir(), 'cpl-paper-report-'));
    await cli('--format', 'csv', '--out', join(outDir, 'r.csv'));
    const csv = readFileSync(join(outDir, 'r.csv'), 'utf8');
    expect(csv.startsWith(`\uFEFF効果レポート,${monthLabel}\r\n`)).toBe(true);
    // 対象年月, data units, data sheets, paper units, paper sheets, 連携中, 未連携, 実績 by data (units, users, lines).
    expect(csv).toContain(`\r\n${monthLabel},2,14,3,20,1,2,1,2,33\r\n`);
    expect(csv).toContain('\r\nデータで送った割合（％）,41.2\r\n印刷しなかった枚数,14\r\n送らずに済んだ FAX ページ,15\r\n減った時間（分）,9.5\r\n減った費用（円）,892\r\n');
    // The app's CSV is the same, but for when it was made.
    const undated = (x: string) => x.replace(/作成日時,[^\r]*/, '作成日時,');
    expect(undated((await cm.effectReportCsv({ month: MONTH })).csv)).toBe(undated(csv));
    const pdf = join(outDir, 'r.pdf');
    await cli('--format', 'pdf', '--out', pdf);
    expect(pdfPages(pdf)).toBe(1);
    const text = pdfText(pdf).replace(/[ \u3000]+/g, '');
    expect(text).toContain(monthLabel);
    expect(text).toContain('効果レポート');
    mkdirSync(OUT, { recursive: true });
    execFileSync('pdftoppm', ['-png', '-r', '60', pdf, join(OUT, 'effect-report')]);
  }, 120_000);

  it('marks a sheet as faxed, keeps that, and starts a new PDF for a later unit', async () => {
    const before = await cm.listPaper({});
    const id = before.sheets[0]!.id;
    const after = await cm.setPaperFaxed({ id, faxed: true });
    expect(after.sheets.find((s) => s.id === id)!.faxedAt).not.toBeNull();
    expect((await cm.listPaper({})).sheets.find((s) => s.id === id)!.faxedAt).not.toBeNull();
    // A later unit for the same partner and month does not change what was faxed: it starts a second PDF.
    const faxedSheet = after.sheets.find((s) => s.id === id)!;
    const again = unitsFor(UNLINKED.find((u) => u.office === faxedSheet.partner.office)!, false).map((f) => ({ ...f, name: f.name.replace(/(\d{14})(\.CSV)$/i, (_m, d: string, e: string) => `${BigInt(d) + 100n}${e}`) }));
    const v = await cm.validateUploads({ files: again });
    expect((await cm.sendStaged({ batchId: v.batchId! })).outcomes.map((o) => o.state)).toEqual(['paper']);
    const sheets = (await cm.listPaper({})).sheets.filter((s) => s.partner.office === faxedSheet.partner.office);
    expect(sheets.map((s) => [s.id.endsWith('-2'), s.units, s.faxedAt !== null])).toEqual([
      [false, faxedSheet.units, true],
      [true, 1, false],
    ]);
    expect(sheets[1]!.fileName).toMatch(/_2\.pdf$/);
    // The browser has no shell to open a PDF with: the bytes come back for the page to open.
    const opened = await cm.openPaper({ id });
    expect(opened.opened).toBe(false);
    expect(Buffer.from(opened.base64!, 'base64').subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('makes a one-page invitation letter for an unlinked partner', async () => {
    const r = await cm.makeInvitation({ office: '1310000060' });
    expect(r.path).toContain(join('印刷・FAX', 'ご案内'));
    expect(pdfPages(r.path)).toBe(1);
    const text = pdfText(r.path).replace(/\s+/g, '');
    for (const s of ['ケアプランデータ連携のご案内', 'こすもす通所介護センター御中', '2,167円', '23分', '約5〜8%', '30事業所中29事業所', '厚生労働省', embedded.relay.url, '証明書', '実績']) expect(text).toContain(s.replace(/\s+/g, ''));
    execFileSync('pdftoppm', ['-png', '-r', '70', r.path, join(OUT, 'invitation')]);
  });
});
