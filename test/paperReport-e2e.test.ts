// Paper 実績 and the 効果レポート in a real browser (Debian chromium via playwright-core) at a clerk's
// 1366×768, against `careplan-link app --browser` (the harness of app-e2e.test.ts): the care manager sends
// a ticket by data, the provider returns 実績 by data, the clerk enters another 実績 from paper and
// exports it, then reads the month's report. Screenshots go to test-output/screenshots/.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './cli.js';

/** Headless Chromium as the harness of app-e2e.test.ts starts it, in Japanese (the month field's words). */
const CHROMIUM = { executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--lang=ja-JP'] };
const SHOTS = join(ROOT, 'test-output', 'screenshots');
/** The sample files: the ticket unit the care manager sends, the 実績 the provider returns. */
const FIXTURES = (() => {
  const dir = join(ROOT, 'fixtures', 'valid');
  const named = (prefix: string) => join(dir, readdirSync(dir).find((f) => f.startsWith(prefix))!);
  return { ticket: ['UPPLAN_202504_', 'UPSIKYU_202504_', 'UPHOSOKU_202504_'].map(named), actuals: [named('UPJSK_')] };
})();

let app: ChildProcess;
let browser: Browser;
let dataDir: string;
const urls: Record<string, string> = {};

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  dataDir = mkdtempSync(join(tmpdir(), 'cpl-e2e-report-'));
  app = spawn(process.execPath, [join(ROOT, 'bin', 'careplan-link.js'), 'app', '--browser', '--data', dataDir, '--relay-port', '0', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    app.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const cm = out.match(/ケアプランリンク居宅介護支援センター: (http:\S+)/);
      const hh = out.match(/ひまわり訪問介護ステーション: (http:\S+)/);
      if (cm && hh) {
        urls.cm = cm[1]!;
        urls.hh = hh[1]!;
        resolve();
      }
    });
    app.on('exit', (code) => reject(new Error(`the app exited (${code}):\n${out}`)));
  });
  browser = await chromium.launch(CHROMIUM);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  // The app we started, by its own handle: asked to stop, and waited for.
  if (app?.exitCode !== null) return;
  const gone = new Promise((done) => app.once('exit', done));
  app.kill('SIGTERM');
  await gone;
});

async function openOffice(url: string): Promise<Page & { problems: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'ja-JP', acceptDownloads: true });
  const page = (await context.newPage()) as Page & { problems: string[] };
  page.problems = [];
  page.on('pageerror', (e) => page.problems.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) page.problems.push(m.text());
  });
  await page.goto(url);
  return page;
}

const tid = (p: Page, id: string) => p.getByTestId(id);
const shot = (p: Page, name: string, fullPage = false) => p.screenshot({ path: join(SHOTS, `${name}.png`), fullPage });

describe('paper 実績 and the 効果レポート in the browser', () => {
  let cm: Page & { problems: string[] };
  let hh: Page & { problems: string[] };

  it('exchanges one month by data first (ticket out, 実績 back)', async () => {
    cm = await openOffice(urls.cm!);
    hh = await openOffice(urls.hh!);
    await tid(cm, 'setup-demo-care-manager').click();
    await tid(hh, 'setup-demo-home-help').click();
    await tid(cm, 'screen-home').waitFor();
    await tid(hh, 'screen-home').waitFor();
    // One send on the 送信 screen, then the partner's 受信 screen takes it in.
    const exchange = async (from: Page, to: Page, files: string[]) => {
      await tid(from, 'nav-send').click();
      await tid(from, 'send-files').setInputFiles(files);
      await expect.poll(() => tid(from, 'send-button').isEnabled()).toBe(true);
      await tid(from, 'send-button').click();
      await expect.poll(() => tid(from, 'send-outcome').first().textContent(), { timeout: 30_000 }).toMatch(/受け付け/);
      await tid(to, 'nav-receive').click();
      await tid(to, 'receive-now').click();
      await expect.poll(() => tid(to, 'arrival-row').count(), { timeout: 30_000 }).toBeGreaterThan(0);
    };
    await exchange(cm, hh, FIXTURES.ticket);
    await exchange(hh, cm, FIXTURES.actuals);
  });

  it('enters 実績 from paper on the grid, the change marked, and exports a valid UPJSK into the import folder', async () => {
    await tid(cm, 'nav-paperActuals').click();
    await tid(cm, 'screen-paperActuals').waitFor();
    await tid(cm, 'pa-source').first().getByTestId('pa-open').click();
    await tid(cm, 'pa-editor').waitFor();
    // The first planned visit of the first row did not happen: the clerk clears that cell.
    const cells = tid(cm, 'pa-row').first().locator('td.pa-cell input');
    const values = await cells.evaluateAll((els) => els.map((e) => (e as unknown as { value: string }).value));
    const day = values.findIndex((v) => v !== '') + 1;
    await tid(cm, `pa-cell-0-${day}`).fill('');
    await expect.poll(() => tid(cm, 'pa-changes').textContent()).toContain('1 か所');
    expect(await cm.locator('td.pa-changed').count()).toBe(1);
    expect(await tid(cm, 'pa-change-list').textContent()).toContain(`4月${day}日 111111: 予定 1 回 → 実績 0 回`);
    // Leave the cell, so the picture shows the mark as the clerk sees it after typing.
    await tid(cm, 'pa-changes').click();
    await tid(cm, 'pa-editor').scrollIntoViewIfNeeded();
    await shot(cm, 'paper-actuals');
    await tid(cm, 'pa-export').click();
    await expect.poll(() => tid(cm, 'pa-done').textContent(), { timeout: 15_000 }).toContain('エラー 0 件');
    const file = /UPJSK_\S+?\.CSV/.exec((await tid(cm, 'pa-done').textContent())!)![0];
    const bytes = readFileSync(join(dataDir, 'offices', 'care-manager', 'import', file));
    expect(new TextDecoder('shift_jis').decode(bytes)).toContain('\r\n');
  });

  it('shows the month in the 効果レポート with its charts and assumptions', async () => {
    await tid(cm, 'nav-report').click();
    await tid(cm, 'screen-report').waitFor();
    await tid(cm, 'er-month').fill('2025-04');
    // Out of the month field and off the menu, so the picture shows the page at rest.
    await cm.mouse.move(1300, 700);
    await expect.poll(() => tid(cm, 'er-data').textContent()).toContain('1 件・9 枚');
    expect(await tid(cm, 'er-transcription').textContent()).toContain('3 人分・明細 49 行');
    expect(await tid(cm, 'er-partners').textContent()).toContain('連携中 1・未連携 0');
    expect(await tid(cm, 'er-chart-sheets').locator('rect').count()).toBe(12);
    await tid(cm, 'er-data').click();
    await shot(cm, 'effect-report');
    await shot(cm, 'effect-report-full', true);
    const download = cm.waitForEvent('download');
    await tid(cm, 'er-csv').click();
    const csv = readFileSync((await (await download).path())!, 'utf8');
    expect(csv.startsWith('\uFEFF効果レポート,2025年4月\r\n')).toBe(true);
    const pdfDownload = cm.waitForEvent('download');
    await tid(cm, 'er-pdf').click();
    const pdf = await pdfDownload;
    expect(pdf.suggestedFilename()).toBe('careplan-link-効果レポート-1310000011-202504.pdf');
    expect(readFileSync((await pdf.path())!).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(cm.problems).toEqual([]);
    expect(hh.problems).toEqual([]);
  });
});
