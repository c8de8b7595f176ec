// The lists end to end at 1366×768, in a real browser against the real back end (test/support/browserApp.ts):
// people by name on 受信, the 第6表, 帳票, 予定と実績 and 履歴; search as the clerk types (kana and
// width-insensitive); the month and 利用者 filters; 新着 until opened; the provider's own words and the
// other offices' rows faded on its 提供票. Screenshots go to test-output/screenshots/lists-*.png.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './cli.js';
import { type BrowserApp, openOffice, problemsOf, startBrowserApp } from './support/browserApp.js';

const SHOTS = join(ROOT, 'test-output', 'screenshots');
const VALID = join(ROOT, 'fixtures', 'valid');
const fixture = (prefix: string) => join(VALID, readdirSync(VALID).find((f) => f.startsWith(prefix))!);
const VIEWPORT = { width: 1366, height: 768 };

let running: BrowserApp;
let cm: Page;
let hh: Page;

/** A full-page screenshot, with the focus ring of the last search box out of the way. */
const shot = async (p: Page, name: string) => {
  await p.locator('h1').first().click();
  await p.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
};
const tid = (p: Page, id: string) => p.getByTestId(id);
const rowTexts = async (p: Page, id: string) => tid(p, id).allTextContents();

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  running = await startBrowserApp();
  cm = await openOffice(running.browser, running.urls.cm, VIEWPORT);
  hh = await openOffice(running.browser, running.urls.hh, VIEWPORT);
}, 120_000);

afterAll(async () => {
  await running?.close();
});

async function sendFiles(p: Page, files: string[]): Promise<void> {
  await tid(p, 'nav-send').click();
  await tid(p, 'send-files').setInputFiles(files);
  await expect.poll(() => tid(p, 'send-button').isEnabled()).toBe(true);
  await tid(p, 'send-button').click();
  await expect.poll(() => tid(p, 'send-outcome').first().textContent(), { timeout: 30_000 }).toMatch(/受け付け/);
}

async function receive(p: Page): Promise<void> {
  await tid(p, 'nav-receive').click();
  await tid(p, 'receive-now').click();
  await expect.poll(() => tid(p, 'arrival-row').count(), { timeout: 30_000 }).toBeGreaterThan(0);
}

describe('lists by person, search, month filter and 新着 (1366×768)', () => {
  it('both demo offices are set up, and the care manager sends a ticket unit for three people', async () => {
    await tid(cm, 'setup-demo-care-manager').click();
    await tid(cm, 'screen-home').waitFor();
    await tid(hh, 'setup-demo-home-help').click();
    await tid(hh, 'screen-home').waitFor();
    const ticket = ['UPPLAN_202504_', 'UPSIKYU_202504_', 'UPHOSOKU_202504_'].map(fixture);
    // First with a wrong date in 鈴木 ハナ's first record: the finding names her.
    const bad = join(running.dataDir, 'bad');
    mkdirSync(bad);
    const lines = readFileSync(ticket[0]!).toString('latin1').split('\r\n');
    const at = lines.findIndex((l) => l.includes(',1000007919,'));
    lines[at] = lines[at]!.replace(/,2025040(\d),/, ',20250431,');
    writeFileSync(join(bad, basename(ticket[0]!)), Buffer.from(lines.join('\r\n'), 'latin1'));
    await tid(cm, 'nav-send').click();
    await tid(cm, 'send-files').setInputFiles([join(bad, basename(ticket[0]!)), ticket[1]!, ticket[2]!]);
    await expect.poll(() => cm.locator('.finding-person').first().textContent()).toBe('（鈴木 ハナ 様）');
    // The fixture's 利用票 lists every office of each person (spec 4.1 出力単位): day care and equipment too.
    await sendFiles(cm, ticket);
  });

  it('the provider receives it: people by name, 新着, its own words, search in any kana and width', async () => {
    await receive(hh);
    const row = tid(hh, 'arrival-row').first();
    const text = (await row.textContent()) ?? '';
    expect(text).toContain('佐藤 ハナ 様');
    expect(text).toContain('サトウ ハナ');
    expect(text).toContain('ほか 1 名');
    // In table order, in the provider's own words.
    expect(text).toContain('提供票（届いた予定）・提供票別表（第7表）・利用者補足情報');
    expect(text).toContain('取り込みフォルダに保存しました');
    expect(await row.getByTestId('new-mark').count()).toBe(1);
    await tid(hh, 'receive-search').fill('ｽｽﾞｷ');
    await expect.poll(() => tid(hh, 'arrival-row').count()).toBe(1);
    await tid(hh, 'receive-search').fill('田中');
    await expect.poll(() => tid(hh, 'arrival-row').count()).toBe(0);
    await tid(hh, 'receive-search').fill('');
    await shot(hh, 'lists-01-receive-provider');
  });

  it('opening it shows the 提供票 with the person’s name, the other office’s rows faded; 新着 goes', async () => {
    await tid(hh, 'arrival-open').first().click();
    await tid(hh, 'ticket-grid').first().waitFor();
    // The paper form's head names the person (from the 利用者補足情報 of the unit).
    expect(await tid(hh, 'ticket-person').first().textContent()).toMatch(/佐藤\s+ハナ/);
    expect(await hh.locator('tr.tg-other').count()).toBeGreaterThan(0);
    expect(await tid(hh, 'ticket-other-note').first().textContent()).toContain('ほかの事業所のサービス');
    await expect.poll(() => tid(hh, 'new-mark').count()).toBe(0);
    await shot(hh, 'lists-02-ticket-provider');
  });

  it('帳票 are grouped by person and month in table order, and search finds names and displayed words', async () => {
    await tid(hh, 'nav-documents').click();
    await expect.poll(() => tid(hh, 'document-group').count()).toBe(3);
    const groups = await rowTexts(hh, 'document-group');
    // In kana order: サトウ, スズキ, タカハシ.
    expect(groups.map((g) => g.replace(/ 様.*/, ''))).toEqual(['佐藤 ハナ', '鈴木 ハナ', '高橋 ハナ']);
    const kinds = await Promise.all([0, 1, 2].map((i) => tid(hh, 'document-row').nth(i).getAttribute('data-kind')));
    expect(kinds).toEqual(['UPPLAN', 'UPSIKYU', 'UPHOSOKU']);
    await tid(hh, 'documents-search').fill('たかはし');
    await expect.poll(() => tid(hh, 'document-group').count()).toBe(1);
    expect(await tid(hh, 'document-group').first().textContent()).toContain('高橋 ハナ');
    await tid(hh, 'documents-search').fill('ﾀｶﾊｼ 別表');
    await expect.poll(() => tid(hh, 'document-row').count()).toBe(1);
    expect(await tid(hh, 'document-row').first().textContent()).toContain('提供票別表');
    await tid(hh, 'documents-search').fill('');
    await tid(hh, 'documents-person').selectOption({ label: '鈴木 ハナ（スズキ ハナ）' });
    await expect.poll(() => tid(hh, 'document-group').count()).toBe(1);
    await tid(hh, 'documents-person').selectOption('');
    await shot(hh, 'lists-03-documents-provider');
  });

  it('the menu stays in view while a long page scrolls (it scrolled away with the page)', async () => {
    // Lower than 768, so 帳票 is surely longer than the window; still tall enough for the whole menu.
    const height = 620;
    await hh.setViewportSize({ width: VIEWPORT.width, height });
    try {
      // boundingBox is relative to the window: negative once the item has scrolled out of view.
      const menuTop = async () => (await tid(hh, 'nav-documents').boundingBox())!.y;
      const before = await menuTop();
      // A string, evaluated in the page (this file is typed for Node, without the DOM's names).
      const scrolled = Number(await hh.evaluate('window.scrollTo(0, document.documentElement.scrollHeight); window.scrollY'));
      // Scrolled further than the item's place: a menu that scrolls with the page would now be above the window.
      expect(scrolled).toBeGreaterThan(before + 20);
      const top = await menuTop();
      expect(top).toBeGreaterThanOrEqual(0);
      expect(top).toBeLessThan(height);
    } finally {
      await hh.evaluate('window.scrollTo(0, 0)');
      await hh.setViewportSize(VIEWPORT);
    }
  });

  it('the provider returns the actuals; the care manager finds each person by name in 予定と実績', async () => {
    await sendFiles(hh, [fixture('UPJSK_')]);
    await receive(cm);
    expect(await tid(cm, 'arrival-row').first().getByTestId('new-mark').count()).toBe(1);
    await tid(cm, 'nav-compare').click();
    await expect.poll(() => tid(cm, 'comparison-row').count()).toBe(3);
    const rows = await rowTexts(cm, 'comparison-row');
    expect(rows.every((r) => r.startsWith('新着'))).toBe(true);
    expect(rows.join('\n')).toContain('高橋 ハナ 様');
    await tid(cm, 'compare-month').selectOption('202504');
    await expect.poll(() => tid(cm, 'comparison-row').count()).toBe(3);
    await tid(cm, 'compare-search').fill('ﾀｶﾊｼ');
    await expect.poll(() => tid(cm, 'comparison-row').count()).toBe(1);
    await tid(cm, 'comparison-open').first().click();
    await tid(cm, 'comparison-view').waitFor();
    expect(await tid(cm, 'comparison-person').textContent()).toContain('高橋 ハナ 様');
    await expect.poll(() => tid(cm, 'comparison-row').first().getByTestId('new-mark').count()).toBe(0);
    await tid(cm, 'compare-search').fill('');
    await expect.poll(() => tid(cm, 'new-mark').count()).toBe(2);
    await shot(cm, 'lists-04-compare');
  });

  it('「新着をすべて確認済みにする」 clears the rest of 予定と実績, then of 受信 and 帳票 (they share their marks)', async () => {
    await expect.poll(() => tid(cm, 'new-mark').count()).toBe(2);
    await tid(cm, 'mark-all-seen').click();
    await expect.poll(() => tid(cm, 'new-mark').count()).toBe(0);
    expect(await tid(cm, 'mark-all-seen').count()).toBe(0);
    await tid(cm, 'nav-receive').click();
    await expect.poll(() => tid(cm, 'new-mark').count()).toBeGreaterThan(0);
    await tid(cm, 'mark-all-seen').click();
    await expect.poll(() => tid(cm, 'new-mark').count()).toBe(0);
    await tid(cm, 'nav-documents').click();
    await expect.poll(() => tid(cm, 'document-row').count()).toBeGreaterThan(0);
    expect(await tid(cm, 'new-mark').count()).toBe(0);
    // Kept by the back end, not the page: a reload shows none either.
    await cm.reload();
    await tid(cm, 'nav-compare').click();
    await expect.poll(() => tid(cm, 'comparison-row').count()).toBe(3);
    expect(await tid(cm, 'new-mark').count()).toBe(0);
  });

  it('the history shows who each unit was about, and filters by 利用者 and month', async () => {
    await tid(cm, 'nav-history').click();
    await expect.poll(() => tid(cm, 'history-row').count()).toBe(2);
    expect((await rowTexts(cm, 'history-row')).every((r) => r.includes('佐藤 ハナ 様'))).toBe(true);
    await tid(cm, 'history-search').fill('すずき');
    await expect.poll(() => tid(cm, 'history-row').count()).toBe(2);
    await tid(cm, 'history-search').fill('わたなべ');
    await expect.poll(() => tid(cm, 'history-row').count()).toBe(0);
    await tid(cm, 'history-search').fill('');
    await tid(cm, 'history-month').selectOption('202504');
    await tid(cm, 'history-person').selectOption({ label: '高橋 ハナ（タカハシ ハナ）' });
    await expect.poll(() => tid(cm, 'history-row').count()).toBe(2);
    // The person filtered by is named first in each row.
    expect(await tid(cm, 'history-row').first().getByTestId('person').first().textContent()).toContain('高橋 ハナ 様');
    await shot(cm, 'lists-05-history');
  });

  it('設定: the holder by name and number, and the office form drawn like the setup form', async () => {
    await tid(cm, 'nav-settings').click();
    await tid(cm, 'screen-settings').waitFor();
    const holder = (await tid(cm, 'settings-certificate-holder').textContent()) ?? '';
    expect(holder).toMatch(/（1310000011）$/);
    expect(await tid(cm, 'settings-certificate').textContent()).not.toMatch(/CN=|O=/);
    // Styled boxes as on setup, wide enough for a Windows path (the bare ones were cut off).
    for (const id of ['profile-name', 'profile-export']) {
      const box = (await tid(cm, id).boundingBox())!;
      expect(box.height).toBeGreaterThan(35);
      expect(box.width).toBeGreaterThan(300);
    }
    await tid(cm, 'profile-editor').scrollIntoViewIfNeeded();
    await shot(cm, 'lists-06-settings');
  });

  it('no screen logged a script error or a CSP violation', () => {
    expect(problemsOf(cm)).toEqual([]);
    expect(problemsOf(hh)).toEqual([]);
  });
});
