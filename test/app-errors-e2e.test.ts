// Errors that lead to the fix, in a real browser at the clerk's 1366×768 (issue 13, items 2–4 and 11):
// a unit with a bad date exported into the folder gives one card on ホーム naming the 利用者; the error
// view says what to fix; 確認済みにする clears today's count; the file fixed where it is goes out with
// 「直したファイルをもう一度送る」; the same unit dropped again is named as sent, with nothing to press;
// another office's unit cannot be sent; the export-folder panel says why an .xlsx, a lower-case name
// and a Windows copy are not sent, and shows what the agent sent by itself. Screenshots go to
// test-output/screenshots/errors-*.png.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './cli.js';
import { openOffice, problemsOf, startBrowserApp, type BrowserApp } from './support/browserApp.js';

const SHOTS = join(ROOT, 'test-output', 'screenshots');
const VALID = join(ROOT, 'fixtures', 'valid');
const fixture = (prefix: string) => readdirSync(VALID).find((f) => f.startsWith(prefix))!;
const PLAN = fixture('UPPLAN_202504_');
const UNIT = [PLAN, fixture('UPSIKYU_202504_'), fixture('UPHOSOKU_202504_')];
const ACTUALS = fixture('UPJSK_');
const CLERK = { width: 1366, height: 768 };

let started: BrowserApp;
let dataDir: string;
let cm: Page;
let exportDir: string;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  started = await startBrowserApp();
  ({ dataDir } = started);
  const { browser } = started;
  // The provider is on the service (one-click demo setup), so units can be sent to it.
  const hh = await openOffice(browser, started.urls.hh, CLERK);
  await tid(hh, 'setup-demo-home-help').click();
  await tid(hh, 'screen-home').waitFor();
  await hh.context().close();
  cm = await openOffice(browser, started.urls.cm, CLERK);
  exportDir = join(dataDir, 'offices', 'care-manager', 'export');
}, 120_000);

afterAll(async () => {
  await started?.close();
});

const tid = (p: Page, id: string) => p.getByTestId(id);
/** The number on a home-screen tile (NaN while it loads). */
const todayCount = async (p: Page, id: string) => Number((await tid(p, id).locator('.count-value').textContent()) ?? 'x');

const shot = (name: string) => cm.screenshot({ path: join(SHOTS, `errors-${name}.png`), fullPage: true });
/** The plan with 2025-04-02 turned into 2025-04-31 in 佐藤 ハナ's first record. */
const badPlan = () => Buffer.from(readFileSync(join(VALID, PLAN)).toString('latin1').replace(',20250402,', ',20250431,'), 'latin1');

describe('errors lead to the fix (1366×768)', () => {
  it('a unit with a bad date: one card on ホーム, for 佐藤 ハナ 様, saying what to do', async () => {
    await tid(cm, 'setup-demo-care-manager').click();
    await tid(cm, 'screen-home').waitFor();
    writeFileSync(join(exportDir, PLAN), badPlan());
    for (const f of UNIT.slice(1)) copyFileSync(join(VALID, f), join(exportDir, f));
    await expect.poll(() => tid(cm, 'attention-item').count(), { timeout: 30_000 }).toBe(1);
    const card = tid(cm, 'attention-item').first();
    expect(await card.getAttribute('data-kind')).toBe('file-error');
    const text = (await card.textContent()) ?? '';
    expect(text).toContain('佐藤 ハナ 様');
    expect(text).toContain('20250431');
    expect(text).toContain('介護ソフトで直して');
    await expect.poll(() => todayCount(cm, 'count-errors')).toBe(1);
    await shot('01-home-one-card');

    // The reports beside the files: Japanese only, no jargon, no internal folders.
    const report = readFileSync(join(exportDir, 'errors', `${PLAN}.errors.txt`), 'utf8');
    expect(report).toContain('佐藤 ハナ 様');
    expect(report).toContain('直し方');
    for (const bad of ['物理行', 'processing', 'This file', 'Reason']) expect(report).not.toContain(bad);
    expect(report).not.toMatch(/[A-Za-z]+ [a-z]+ [a-z]+/);
  });

  it('the error view: what is wrong and how to fix it; the folder; 確認済みにする clears today’s count', async () => {
    await tid(cm, 'attention-open').first().click();
    await tid(cm, 'screen-errors').waitFor();
    await expect.poll(() => tid(cm, 'error-unit').count()).toBe(1);
    const problems = (await tid(cm, 'error-problem').allTextContents()).join('\n');
    expect(problems).toContain('1件目（佐藤 ハナ 様）');
    expect(problems).toContain('西暦8桁で、存在する日付にしてください');
    await tid(cm, 'errors-open-folder').click();
    expect(await tid(cm, 'errors-folder-path').textContent()).toContain(join(exportDir, 'errors'));
    await shot('02-error-view');

    await tid(cm, 'errors-acknowledge').click();
    await expect.poll(() => tid(cm, 'error-unit').first().getAttribute('data-acknowledged')).toBe('true');
    await tid(cm, 'nav-home').click();
    await expect.poll(() => todayCount(cm, 'count-errors')).toBe(0);
    expect(await tid(cm, 'attention-item').count()).toBe(0);
  });

  it('the file fixed where it is goes out with 「直したファイルをもう一度送る」', async () => {
    await tid(cm, 'nav-errors').click();
    await tid(cm, 'error-unit').first().waitFor();
    copyFileSync(join(VALID, PLAN), join(exportDir, 'errors', PLAN));
    await tid(cm, 'error-resend').click();
    await expect.poll(() => tid(cm, 'send-outcome').first().getAttribute('data-state'), { timeout: 30_000 }).toBe('accepted');
    await expect.poll(() => tid(cm, 'error-unit').count()).toBe(0);
    // Its files went on (sent/), and our reports with them; nothing of the clerk's was deleted.
    expect(readdirSync(join(exportDir, 'errors'))).toEqual([]);
    const month = readdirSync(join(exportDir, 'sent'))[0]!;
    expect(readdirSync(join(exportDir, 'sent', month)).sort()).toEqual([...UNIT].sort());
  });

  it('the same unit dropped again: 「送信済みです」 with the time, and nothing to press', async () => {
    await tid(cm, 'nav-send').click();
    await tid(cm, 'send-files').setInputFiles(UNIT.map((f) => join(VALID, f)));
    const notice = tid(cm, 'unit-duplicate').first();
    await expect.poll(() => notice.textContent()).toMatch(/^この送信単位は \d{2}\/\d{2} \d{2}:\d{2} に送信済みです$/);
    expect(await tid(cm, 'send-button').count()).toBe(0);
    await shot('03-send-duplicate');
  });

  it('another office’s unit: the button stays disabled, and the panel says why', async () => {
    await tid(cm, 'send-files').setInputFiles([join(VALID, ACTUALS)]);
    await expect.poll(() => tid(cm, 'unit-direction').first().textContent()).toContain('届いたファイルです');
    expect(await tid(cm, 'send-button').isDisabled()).toBe(true);
  });

  it('the export-folder panel: an .xlsx, a lower-case name and a Windows copy, each with the reason', async () => {
    writeFileSync(join(exportDir, '4月分の実績.xlsx'), 'PK\u0003\u0004 not really a workbook');
    copyFileSync(join(VALID, PLAN), join(exportDir, PLAN.toLowerCase()));
    copyFileSync(join(VALID, PLAN), join(exportDir, PLAN.replace('.CSV', ' (2).CSV')));
    await tid(cm, 'export-refresh').click();
    await expect.poll(() => tid(cm, 'folder-ignored-file').count(), { timeout: 15_000 }).toBe(3);
    const ignored = (await tid(cm, 'folder-ignored-file').allTextContents()).join('\n');
    expect(ignored).toContain('Excel のファイルは送れません。介護ソフトから CSV で出力してください');
    expect(ignored).toContain('ファイル名は大文字にしてください');
    expect(ignored).toContain('「 (2)」');
    // The app sent the fixed unit: it is listed among the recent sends.
    expect(await tid(cm, 'folder-recent-row').count()).toBeGreaterThanOrEqual(1);
    await tid(cm, 'folder-panel').scrollIntoViewIfNeeded();
    await shot('04-send-folder-panel');
  });

  it('what the agent sends by itself shows on 送信 and on ホーム', async () => {
    const may = join(dataDir, 'may');
    execFileSync(process.execPath, [join(ROOT, 'bin', 'careplan-link.js'), 'fixtures', '--out', may, '--month', '202505'], { stdio: 'ignore' });
    const unit = readdirSync(may).filter((f) => /^(UPPLAN|UPSIKYU)_202505_|^UPHOSOKU_202505_/.test(f));
    const sequence = unit.find((f) => f.startsWith('UPPLAN_'))!.match(/_(\d{14})\.CSV$/)![1]!;
    for (const f of unit.filter((n) => n.endsWith(`_${sequence}.CSV`))) copyFileSync(join(may, f), join(exportDir, f));
    await expect.poll(() => tid(cm, 'folder-recent-row').count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
    expect(existsSync(join(exportDir, 'errors')) ? readdirSync(join(exportDir, 'errors')) : []).toEqual([]);
    await tid(cm, 'nav-home').click();
    await expect.poll(() => todayCount(cm, 'count-sent'), { timeout: 15_000 }).toBe(2);
    await expect.poll(() => tid(cm, 'home-recent-row').count()).toBeGreaterThanOrEqual(2);
  });

  it('no screen logged a script error or a CSP violation', () => {
    expect(problemsOf(cm)).toEqual([]);
  });
});
