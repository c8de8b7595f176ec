// The desktop app end to end, in a real browser (Debian chromium driven by playwright-core) through
// the web bridge, against the real back end: `careplan-link app --browser` starts the embedded relay
// and the two demo offices' back ends as one process, exactly as `npm start` does without Electron.
// A care manager sets the office up by hand, sees an invalid file's errors, sends a ticket unit; the
// provider (one-click demo setup) receives and opens it, returns actuals; the care manager sees the
// 予定/実績 differences. Screenshots of every screen go to test-output/screenshots/.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './cli.js';
import { type BrowserApp, openOffice as openOn, problemsOf, startBrowserApp } from './support/browserApp.js';

const SHOTS = join(ROOT, 'test-output', 'screenshots');
const VALID = join(ROOT, 'fixtures', 'valid');
const fixture = (prefix: string) => join(VALID, readdirSync(VALID).find((f) => f.startsWith(prefix))!);
const TICKET = ['UPPLAN_202504_', 'UPSIKYU_202504_', 'UPHOSOKU_202504_'].map(fixture);
const ACTUALS = fixture('UPJSK_');

let started: BrowserApp;
let dataDir: string;
const urls: Record<string, string> = {};
let relayUrl = '';

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  started = await startBrowserApp();
  ({ dataDir, relayUrl } = started);
  Object.assign(urls, started.urls);
}, 120_000);

afterAll(async () => {
  await started?.close();
});

const openOffice = (url: string) => openOn(started.browser, url);
const shot = (p: Page, name: string) => p.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
const tid = (p: Page, id: string) => p.getByTestId(id);
/** The number on one of the home screen's "today" tiles (NaN while it loads). */
const todayCount = async (p: Page, id: string) => Number((await tid(p, id).locator('.count-value').textContent()) ?? 'x');

describe('desktop app in the browser', () => {
  let cm: Page;
  let hh: Page;

  it('first-run setup by hand: certificate checked, connection tested, folders checked', async () => {
    cm = await openOffice(urls.cm!);
    await tid(cm, 'screen-setup').waitFor();
    // The token travelled in the fragment and is gone from the address bar.
    expect(cm.url()).not.toContain('token=');
    await tid(cm, 'setup-office').fill('1310000011');
    await tid(cm, 'setup-name').fill('ケアプランリンク居宅介護支援センター');
    await tid(cm, 'setup-service-type').selectOption('43');
    await tid(cm, 'setup-p12').setInputFiles(join(dataDir, 'relay', 'dev-pki', 'care-manager.p12'));
    await tid(cm, 'setup-password').fill('wrong-password');
    await tid(cm, 'setup-inspect').click();
    await expect.poll(() => cm.getByTestId('alert').first().textContent()).toContain('パスワードが違います');
    await tid(cm, 'setup-password').fill('test-password');
    await tid(cm, 'setup-inspect').click();
    await expect.poll(() => tid(cm, 'setup-cert-details').textContent()).toContain('1310000011');
    await tid(cm, 'setup-relay').fill(relayUrl);
    await tid(cm, 'setup-test-connection').click();
    await expect.poll(() => tid(cm, 'setup-connection-result').textContent()).toContain('接続できました');
    await tid(cm, 'setup-export').fill(join(dataDir, 'cm-export'));
    await tid(cm, 'setup-import').fill(join(dataDir, 'cm-import'));
    await shot(cm, '01-setup');
    await tid(cm, 'setup-save').click();
    await tid(cm, 'screen-home').waitFor();
    await expect.poll(() => todayCount(cm, 'count-sent')).toBe(0);
    expect(existsSync(join(dataDir, 'cm-export'))).toBe(true);
    await shot(cm, '02-home-care-manager');
  });

  it('the provider sets up the demo office in one click', async () => {
    hh = await openOffice(urls.hh!);
    await tid(hh, 'setup-demo-home-help').click();
    await tid(hh, 'screen-home').waitFor();
  });

  it('an invalid file shows its errors as a table (row, field, message, fix) and cannot be sent', async () => {
    await tid(cm, 'nav-send').click();
    await tid(cm, 'screen-send').waitFor();
    const bad = join(dataDir, 'bad');
    mkdirSync(bad);
    const name = TICKET[0]!.split('/').pop()!;
    writeFileSync(join(bad, name), Buffer.from(readFileSync(TICKET[0]!).toString('latin1').replace(',20250402,', ',20250431,'), 'latin1'));
    await tid(cm, 'send-files').setInputFiles([join(bad, name), TICKET[1]!, TICKET[2]!]);
    await tid(cm, 'send-findings').first().waitFor();
    const text = (await tid(cm, 'send-findings').allTextContents()).join('\n');
    for (const h of ['行', '項目', '内容', '直し方']) expect(text).toContain(h);
    expect(text).toMatch(/日付|年月日/);
    await expect.poll(() => tid(cm, 'send-button').isDisabled()).toBe(true);
    await shot(cm, '03-send-invalid');
  });

  it('a care manager sends the plan unit (第6表・第7表・補足情報)', async () => {
    await tid(cm, 'send-files').setInputFiles(TICKET);
    await expect.poll(() => tid(cm, 'send-unit').first().textContent()).toContain('1310000029');
    await expect.poll(() => tid(cm, 'send-button').isEnabled()).toBe(true);
    await tid(cm, 'send-button').click();
    await expect.poll(() => tid(cm, 'send-outcome').first().textContent(), { timeout: 30_000 }).toMatch(/受け付け/);
    await shot(cm, '04-send-accepted');
  });

  it('the provider receives it, verified, and opens the ticket as the paper grid', async () => {
    await tid(hh, 'nav-receive').click();
    await tid(hh, 'receive-now').click();
    await expect.poll(() => tid(hh, 'arrival-row').count(), { timeout: 30_000 }).toBeGreaterThan(0);
    const row = tid(hh, 'arrival-row').first();
    expect(await row.textContent()).toContain('ケアプランリンク居宅介護支援センター');
    await shot(hh, '05-receive');
    for (const f of TICKET) expect(readFileSync(join(dataDir, 'offices', 'home-help', 'import', f.split('/').pop()!)).equals(readFileSync(f))).toBe(true);
    await row.getByTestId('arrival-open').first().click();
    await tid(hh, 'ticket-grid').first().waitFor();
    const grid = (await tid(hh, 'ticket-grid').first().textContent()) ?? '';
    expect(grid).toContain('111111');
    await shot(hh, '06-ticket-grid');
  });

  it('the provider returns the actuals (実績)', async () => {
    await tid(hh, 'nav-send').click();
    await tid(hh, 'send-files').setInputFiles([ACTUALS]);
    await expect.poll(() => tid(hh, 'send-button').isEnabled()).toBe(true);
    await tid(hh, 'send-button').click();
    await expect.poll(() => tid(hh, 'send-outcome').first().textContent(), { timeout: 30_000 }).toMatch(/受け付け/);
  });

  it('the care manager sees the 予定/実績 differences', async () => {
    await tid(cm, 'nav-receive').click();
    await tid(cm, 'receive-now').click();
    await expect.poll(() => tid(cm, 'arrival-row').count(), { timeout: 30_000 }).toBeGreaterThan(0);
    await tid(cm, 'nav-compare').click();
    await tid(cm, 'screen-compare').waitFor();
    await expect.poll(() => tid(cm, 'comparison-row').count()).toBeGreaterThan(0);
    // Open each user's comparison until one with differences (the generated actuals drop a visit, lengthen another).
    const rows = await tid(cm, 'comparison-row').count();
    let found = 0;
    for (let i = 0; i < rows && found === 0; i++) {
      await tid(cm, 'comparison-row').nth(i).getByTestId('comparison-open').click();
      await cm.waitForTimeout(300);
      found = await tid(cm, 'difference').count();
    }
    expect(found).toBeGreaterThan(0);
    expect(await tid(cm, 'diff-cell').count()).toBeGreaterThan(0);
    const diffs = (await tid(cm, 'difference').allTextContents()).join('\n');
    expect(diffs).toMatch(/予定あり・実績なし|時間/);
    await shot(cm, '07-plan-vs-actual');
  });

  it('documents, partners, history (with CSV export), settings and the English switch', async () => {
    await tid(cm, 'nav-documents').click();
    await expect.poll(() => tid(cm, 'document-row').count()).toBeGreaterThan(0);
    await shot(cm, '08-documents');

    await tid(cm, 'nav-partners').click();
    await expect.poll(() => tid(cm, 'partner-row').count()).toBeGreaterThan(0);
    expect(await tid(cm, 'partner-row').first().textContent()).toContain('ひまわり訪問介護ステーション');
    await tid(cm, 'partner-favourite').first().click();
    await shot(cm, '09-partners');

    await tid(cm, 'nav-history').click();
    await expect.poll(() => tid(cm, 'history-row').count()).toBeGreaterThanOrEqual(2);
    const [download] = await Promise.all([cm.waitForEvent('download'), tid(cm, 'history-csv').click()]);
    const csvPath = join(dataDir, 'history.csv');
    await download.saveAs(csvPath);
    const bytes = readFileSync(csvPath);
    // The BOM survives the browser's download (Excel on a Japanese Windows then reads UTF-8), lines end in CRLF,
    // and the file name carries the local day.
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(download.suggestedFilename()).toMatch(/^careplan-link-履歴-1310000011-\d{8}\.csv$/);
    const csv = bytes.toString('utf8');
    expect(csv).toContain('日時,方向');
    expect(csv).toContain('1310000029');
    expect(csv).toContain('\r\n');
    expect(csv).toMatch(/取り込み済み|相手が受領|相手が受信|受付済み/);
    expect(csv).not.toMatch(/,(imported|queued|delivered|verified|none),/);
    await shot(cm, '10-history');

    await tid(cm, 'nav-settings').click();
    await tid(cm, 'screen-settings').waitFor();
    await shot(cm, '11-settings');
    await tid(cm, 'nav-home').click();
    await tid(cm, 'screen-home').waitFor();
    // Today: the ticket unit went out, the actuals came back.
    await expect.poll(() => todayCount(cm, 'count-sent')).toBe(1);
    await expect.poll(() => todayCount(cm, 'count-received')).toBe(1);
    expect(await tid(cm, 'home-recent-row').count()).toBeGreaterThanOrEqual(2);
    await shot(cm, '12-home-after');

    await tid(cm, 'lang-switch').click();
    await expect.poll(async () => (await cm.locator('nav').first().textContent()) ?? '').toMatch(/Home|Send/);
    await shot(cm, '13-home-english');
  });

  it('no screen logged a script error or a CSP violation', () => {
    expect(problemsOf(cm)).toEqual([]);
    expect(problemsOf(hh)).toEqual([]);
  });
});
