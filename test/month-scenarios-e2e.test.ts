// Two whole months in a real browser at the clerk's 1366×768, over one app instance (issue 13 acceptance):
// the care manager's month (ひまわり marked お気に入り on 連携先 and suggested on 送信; a plan unit and a
// ticket unit for three named people, the ticket dropped into
// the export folder with a wrong date in 鈴木 ハナ's record, seen by name, fixed and resent; the 第6表
// printed to PDF; the actuals received and compared), and the provider's month (receive, open by name,
// print, return the actuals). Screenshots go to test-output/scenarios/; the ones worth keeping are copied
// by hand to docs/screens/scenario-*.png.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './cli.js';
import { type BrowserApp, problemsOf } from './support/browserApp.js';
import { startWithDemoOffices } from './support/demoOffices.js';
import { printToPdf as printPdf } from './support/printPdf.js';

const OUT = join(ROOT, 'test-output', 'scenarios');
const VALID = join(ROOT, 'fixtures', 'valid');
const named = (prefix: string) => readdirSync(VALID).find((f) => f.startsWith(prefix))!;
const PLAN_UNIT = ['UP1KYO_', 'UP2KYO_', 'UP3KYO_', 'UPHOSOKU_000000_'].map((p) => join(VALID, named(p)));
const TICKET = named('UPPLAN_202504_');
const TICKET_UNIT = [TICKET, named('UPSIKYU_202504_'), named('UPHOSOKU_202504_')];
const ACTUALS = join(VALID, named('UPJSK_'));
const PEOPLE = ['佐藤 ハナ', '鈴木 ハナ', '高橋 ハナ'];
const CLERK = { width: 1366, height: 768 };

let app: BrowserApp | undefined;
let cm: Page;
let hh: Page;
/** The care manager's export folder, which its agent watches (the demo office's default). */
const exportDir = () => join(app!.dataDir, 'offices', 'care-manager', 'export');

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  ({ app, cm, hh } = await startWithDemoOffices(CLERK));
}, 120_000);

afterAll(async () => {
  await app?.close();
});

const tid = (p: Page, id: string) => p.getByTestId(id);
/** What the clerk sees at 1366×768 (the viewport, not the whole page). */
const shot = (p: Page, name: string) => p.screenshot({ path: join(OUT, `${name}.png`) });
const todayCount = async (p: Page, id: string) => Number((await tid(p, id).locator('.count-value').textContent()) ?? 'x');

/** The ticket with 鈴木 ハナ's (被保険者番号 1000007919) first date turned into 2025-04-31. */
function ticketWithBadDate(): Buffer {
  const lines = readFileSync(join(VALID, TICKET)).toString('latin1').split('\r\n');
  const at = lines.findIndex((l) => l.includes(',1000007919,'));
  lines[at] = lines[at]!.replace(/,2025040(\d),/, ',20250431,');
  return Buffer.from(lines.join('\r\n'), 'latin1');
}

/** 印刷, then the print CSS as a PDF in test-output/scenarios/, its pages at 72 dpi. */
const printToPdf = (p: Page, name: string) => printPdf(p, OUT, name, 72);

async function receiveNow(p: Page, expected: number): Promise<void> {
  await tid(p, 'nav-receive').click();
  await tid(p, 'receive-now').click();
  await expect.poll(() => tid(p, 'arrival-row').count(), { timeout: 30_000 }).toBe(expected);
}

describe('the care manager’s month and the provider’s month (1366×768)', () => {
  it('both demo offices start the month with nothing sent or received', async () => {
    for (const p of [cm, hh]) for (const tile of ['count-sent', 'count-received', 'count-errors']) await expect.poll(() => todayCount(p, tile)).toBe(0);
  });

  it('care manager: on 連携先, ひまわり is found and marked お気に入り (the filter’s checkbox on the boxes’ line)', async () => {
    await tid(cm, 'nav-partners').click();
    await tid(cm, 'partner-search').fill('ひまわり');
    await expect.poll(() => tid(cm, 'partner-row').count()).toBe(1);
    await tid(cm, 'partner-row').first().getByTestId('partner-favourite').click();
    await expect.poll(() => tid(cm, 'partner-favourite').first().getAttribute('aria-pressed')).toBe('true');
    // お気に入りだけ: a checkbox of its own size beside its words, centred on the search box's line.
    const box = (await tid(cm, 'partner-favourites-only').boundingBox())!;
    const search = (await tid(cm, 'partner-search').boundingBox())!;
    const label = (await cm.locator('label.check').filter({ hasText: 'お気に入りだけ' }).boundingBox())!;
    expect(box.width).toBeLessThan(30);
    expect(Math.abs(box.y + box.height / 2 - (search.y + search.height / 2))).toBeLessThan(3);
    expect(label.width).toBeLessThan(box.width + 150);
    await tid(cm, 'partner-favourites-only').check();
    await expect.poll(() => tid(cm, 'partner-row').count()).toBe(1);
    await shot(cm, 'cm-00-partners');
  });

  it('care manager: the plan unit (第1〜3表 + 補足) for three people goes out from 送信', async () => {
    await tid(cm, 'nav-send').click();
    await tid(cm, 'send-files').setInputFiles(PLAN_UNIT);
    await expect.poll(() => tid(cm, 'send-unit').first().textContent()).toContain('1310000029');
    // ひまわり is a favourite: its unit is named as the suggested addressee.
    await expect.poll(() => tid(cm, 'unit-favourite').count()).toBe(1);
    await expect.poll(() => tid(cm, 'send-button').isEnabled()).toBe(true);
    await shot(cm, 'cm-01-plan-checked');
    await tid(cm, 'send-button').click();
    await expect.poll(() => tid(cm, 'send-outcome').first().getAttribute('data-state'), { timeout: 30_000 }).toBe('accepted');
  });

  it('care manager: the ticket unit exported with a wrong date: one card on ホーム naming 鈴木 ハナ 様', async () => {
    await tid(cm, 'nav-home').click();
    writeFileSync(join(exportDir(), TICKET), ticketWithBadDate());
    for (const f of TICKET_UNIT.slice(1)) copyFileSync(join(VALID, f), join(exportDir(), f));
    await expect.poll(() => tid(cm, 'attention-item').count(), { timeout: 30_000 }).toBe(1);
    const card = (await tid(cm, 'attention-item').first().textContent()) ?? '';
    expect(card).toContain('鈴木 ハナ 様');
    expect(card).toContain('20250431');
    await expect.poll(() => todayCount(cm, 'count-errors')).toBe(1);
    await shot(cm, 'cm-02-home-error-card');
  });

  it('care manager: the error view names the record and the fix; the fixed file is resent and accepted', async () => {
    await tid(cm, 'attention-open').first().click();
    await tid(cm, 'screen-errors').waitFor();
    const unit = tid(cm, 'error-unit');
    await expect.poll(() => unit.count()).toBe(1);
    // The person, then the record (24th, hers) and what to write instead; nobody else is named.
    const text = (await unit.first().textContent()) ?? '';
    expect(text).toMatch(/利用者:\s*鈴木 ハナ 様/);
    expect(text).toContain('24件目（鈴木 ハナ 様）「作成年月日」');
    expect(text).toContain('存在する日付にしてください');
    expect(text).not.toMatch(/佐藤|高橋/);
    await shot(cm, 'cm-03-error-view');
    // The clerk fixes the file in the care software and it is written again where it waits (errors/).
    copyFileSync(join(VALID, TICKET), join(exportDir(), 'errors', TICKET));
    await tid(cm, 'error-resend').click();
    await expect.poll(() => tid(cm, 'send-outcome').first().getAttribute('data-state'), { timeout: 30_000 }).toBe('accepted');
    await expect.poll(() => tid(cm, 'error-unit').count()).toBe(0);
    expect(readdirSync(join(exportDir(), 'errors'))).toEqual([]);
    await tid(cm, 'nav-home').click();
    await expect.poll(() => todayCount(cm, 'count-sent'), { timeout: 15_000 }).toBe(2);
    expect(await tid(cm, 'attention-item').count()).toBe(0);
  });

  it('care manager: 帳票 lists the three people; 第6表 opens by name and prints A4 landscape, a page a person', async () => {
    await tid(cm, 'nav-documents').click();
    // A group per person and month: the plan (no month) and the ticket (2025年4月) for each of the three.
    await expect.poll(() => tid(cm, 'document-group').count()).toBe(6);
    const groups = await tid(cm, 'document-group').allTextContents();
    expect([...new Set(groups.map((g) => g.replace(/ 様.*/, '')))]).toEqual(PEOPLE);
    await tid(cm, 'documents-search').fill('すずき');
    await expect.poll(() => tid(cm, 'document-group').count()).toBe(2);
    expect((await tid(cm, 'document-group').allTextContents()).every((g) => g.startsWith('鈴木 ハナ 様'))).toBe(true);
    const row = tid(cm, 'document-row').and(cm.locator('[data-kind="UPPLAN"]')).first();
    await row.getByTestId('document-open').click();
    await tid(cm, 'document-view').waitFor();
    await expect.poll(() => tid(cm, 'ticket-person').count()).toBe(3);
    const persons = (await tid(cm, 'ticket-person').allTextContents()).join('\n');
    for (const name of ['佐藤', '鈴木', '高橋']) expect(persons).toContain(name);
    await shot(cm, 'cm-04-table6');
    const pdf = await printToPdf(cm, 'cm-table6');
    expect(pdf.pages).toBe(3);
    expect(pdf.sizes).toEqual(['landscape', 'landscape', 'landscape']);
    expect(pdf.a4).toEqual([true, true, true]);
    expect(pdf.heads).toEqual(PEOPLE.map((n) => `第6表 サービス利用票（予定） ${n} 殿`));
  });

  it('provider: both units arrive from the care manager, each naming the people', async () => {
    await receiveNow(hh, 2);
    const rows = await tid(hh, 'arrival-row').allTextContents();
    for (const r of rows) {
      // The sender by name and number (issue 13 item 10), also when the provider was set up before the
      // care manager joined the service: receiving learns the senders' names from the directory.
      expect(r).toContain('1310000011');
      expect(r).toContain('ケアプランリンク居宅介護支援センター');
      expect(r).toContain('佐藤 ハナ 様');
      expect(r).toContain('ほか');
    }
    expect(await tid(hh, 'new-mark').count()).toBe(2);
    await hh.locator('h1').first().click();
    await shot(hh, 'provider-01-received');
  });

  it('provider: finds 高橋 ハナ by name, opens the 第6表 and prints it A4 landscape', async () => {
    await tid(hh, 'receive-search').fill('たかはし');
    await expect.poll(() => tid(hh, 'arrival-row').count()).toBe(2);
    const ticketRow = tid(hh, 'arrival-row').filter({ hasText: '提供票' }).first();
    await ticketRow.getByTestId('arrival-open').first().click();
    await tid(hh, 'ticket-grid').first().waitFor();
    await expect.poll(() => tid(hh, 'ticket-person').count()).toBe(3);
    const takahashi = tid(hh, 'ticket-person').filter({ hasText: /高橋\s+ハナ/ });
    expect(await takahashi.count()).toBe(1);
    // The tabs scroll themselves into view when the document has loaded: scroll to 高橋 ハナ after that.
    await expect.poll(async () => {
      await takahashi.scrollIntoViewIfNeeded();
      return (await takahashi.boundingBox())!.y;
    }).toBeLessThan(400);
    await shot(hh, 'provider-02-ticket');
    const pdf = await printToPdf(hh, 'provider-table6');
    expect(pdf.pages).toBe(3);
    expect(pdf.sizes).toEqual(['landscape', 'landscape', 'landscape']);
    expect(pdf.a4).toEqual([true, true, true]);
    expect(pdf.heads[2]).toBe('第6表 サービス利用票（予定） 高橋 ハナ 殿');
  });

  it('provider: the month’s actuals (実績) go back to the care manager', async () => {
    await tid(hh, 'nav-send').click();
    await tid(hh, 'send-files').setInputFiles([ACTUALS]);
    await expect.poll(() => tid(hh, 'send-unit').first().textContent()).toContain('1310000011');
    await expect.poll(() => tid(hh, 'send-button').isEnabled()).toBe(true);
    await tid(hh, 'send-button').click();
    await expect.poll(() => tid(hh, 'send-outcome').first().getAttribute('data-state'), { timeout: 30_000 }).toBe('accepted');
    await shot(hh, 'provider-03-actuals-sent');
  });

  it('care manager: receives the actuals and sees 鈴木 ハナ 様’s 予定と実績 differences', async () => {
    await receiveNow(cm, 1);
    await tid(cm, 'nav-compare').click();
    await expect.poll(() => tid(cm, 'comparison-row').count()).toBe(3);
    const rows = (await tid(cm, 'comparison-row').allTextContents()).join('\n');
    for (const name of PEOPLE) expect(rows).toContain(`${name} 様`);
    const diffs: Record<string, number> = {};
    for (const [i, name] of PEOPLE.entries()) {
      await tid(cm, 'comparison-row').nth(i).getByTestId('comparison-open').click();
      await expect.poll(() => tid(cm, 'comparison-person').textContent()).toContain(name);
      diffs[name] = await tid(cm, 'difference').count();
    }
    // The generated actuals drop a visit and lengthen another for each person.
    for (const name of PEOPLE) expect(diffs[name]).toBeGreaterThan(0);
    const withDiffs = '鈴木 ハナ';
    await tid(cm, 'compare-search').fill('すずき');
    await expect.poll(() => tid(cm, 'comparison-row').count()).toBe(1);
    await tid(cm, 'comparison-open').first().click();
    await expect.poll(() => tid(cm, 'comparison-person').textContent()).toContain(withDiffs);
    await expect.poll(() => tid(cm, 'difference').count()).toBe(diffs[withDiffs]);
    expect((await tid(cm, 'difference').allTextContents()).join('\n')).toMatch(/予定あり・実績なし|時間/);
    await cm.locator('h1').first().click();
    await tid(cm, 'difference').last().scrollIntoViewIfNeeded();
    await shot(cm, 'cm-05-compare');
    // 予定と実績 prints as offices file it: A4 landscape, the differences and both grids, nothing else.
    const pdf = await printToPdf(cm, 'cm-compare');
    expect(pdf.sizes.length).toBeGreaterThan(0);
    expect(new Set(pdf.sizes)).toEqual(new Set(['landscape']));
    expect(pdf.a4.every(Boolean)).toBe(true);
    const text = execFileSync('pdftotext', [join(OUT, 'cm-compare.pdf'), '-']).toString();
    expect(text).toContain(withDiffs);
    expect(text).not.toContain('ホーム');
  });

  it('no screen logged a script error or a CSP violation', () => {
    expect(problemsOf(cm)).toEqual([]);
    expect(problemsOf(hh)).toEqual([]);
  });
});
