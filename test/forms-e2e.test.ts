// The paper forms in a real browser at 1366×768 (a care office's laptop): the care manager sends a
// plan unit (第1〜3表 + 利用者補足情報) and a ticket unit (第6表 + 第7表 + 補足); the provider opens them
// by name and prints. 印刷 is followed by Chromium's own printToPDF (page.pdf, the engine of
// Electron's 「PDFで保存」) on the print CSS: the PDF must have one A4 page per person, portrait for
// 第1表 and landscape for 第3表 and 第6表. Screenshots and PDF pages go to test-output/forms/.
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './cli.js';
import { type BrowserApp, openOffice, problemsOf, startBrowserApp } from './support/browserApp.js';
import { printToPdf as printPdf } from './support/printPdf.js';

const OUT = join(ROOT, 'test-output', 'forms');
const VALID = join(ROOT, 'fixtures', 'valid');
const fixture = (prefix: string) => join(VALID, readdirSync(VALID).find((f) => f.startsWith(prefix))!);
const PLAN = ['UP1KYO_', 'UP2KYO_', 'UP3KYO_', 'UPHOSOKU_000000_'].map(fixture);
const TICKET = ['UPPLAN_202504_', 'UPSIKYU_202504_', 'UPHOSOKU_202504_'].map(fixture);
const VIEWPORT = { width: 1366, height: 768 };

let app: BrowserApp;

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  app = await startBrowserApp();
}, 120_000);

afterAll(async () => {
  await app?.close();
});

const tid = (p: Page, id: string) => p.getByTestId(id);
/** What the clerk sees at 1366×768, and the whole open document. */
async function shot(p: Page, name: string): Promise<void> {
  await p.screenshot({ path: join(OUT, `${name}.png`) });
  await tid(p, 'document-view').screenshot({ path: join(OUT, `${name}-document.png`) });
}

/** 印刷, then the marked page as a PDF in test-output/forms/. */
const printToPdf = (p: Page, name: string) => printPdf(p, OUT, name);

async function send(p: Page, files: string[]): Promise<void> {
  await tid(p, 'nav-send').click();
  await tid(p, 'send-files').setInputFiles(files);
  await expect.poll(() => tid(p, 'send-button').isEnabled(), { timeout: 30_000 }).toBe(true);
  await tid(p, 'send-button').click();
  await expect.poll(() => tid(p, 'send-outcome').first().textContent(), { timeout: 30_000 }).toMatch(/受け付け/);
}

/** Opens the received unit whose row names `kind` (e.g. 第1表) and waits for its tabs. */
async function openArrival(p: Page, kind: string): Promise<void> {
  await tid(p, 'nav-receive').click();
  const row = tid(p, 'arrival-row').filter({ hasText: kind }).first();
  await row.waitFor();
  await row.getByTestId('arrival-open').first().click();
  await tid(p, 'document-view').waitFor();
}

async function openTab(p: Page, title: RegExp): Promise<void> {
  await tid(p, 'document-tab').filter({ hasText: title }).first().click();
}

describe('paper forms and printing in the browser', () => {
  let cm: Page;
  let hh: Page;

  it('the care manager sends a plan unit and a ticket unit; the provider receives both', async () => {
    cm = await openOffice(app.browser, app.urls.cm, VIEWPORT);
    await tid(cm, 'setup-demo-care-manager').click();
    await tid(cm, 'screen-home').waitFor();
    hh = await openOffice(app.browser, app.urls.hh, VIEWPORT);
    await tid(hh, 'setup-demo-home-help').click();
    await tid(hh, 'screen-home').waitFor();
    await send(cm, PLAN);
    await send(cm, TICKET);
    await tid(hh, 'nav-receive').click();
    await tid(hh, 'receive-now').click();
    await expect.poll(() => tid(hh, 'arrival-row').count(), { timeout: 30_000 }).toBe(2);
  });

  it('第1表 is the paper form with names, words for codes and written dates, and prints portrait, one person a page', async () => {
    await openArrival(hh, '第1表');
    await openTab(hh, /第1表/);
    const sheets = tid(hh, 'plan1-sheet');
    await expect.poll(() => sheets.count()).toBe(3);
    const first = (await sheets.first().textContent()) ?? '';
    expect(first).toContain('佐藤　ハナ 殿');
    expect(first).toContain('要介護１');
    expect(first).toContain('2025年4月1日');
    expect(first).not.toMatch(/20250401|要介護状態区分\s*21/);
    await shot(hh, 'plan1');
    const pdf = await printToPdf(hh, 'plan1');
    expect(pdf.pages).toBe(3);
    expect(pdf.sizes).toEqual(['portrait', 'portrait', 'portrait']);
  });

  it('第2表 merges needs and goals; 第3表 is the week by hour and prints landscape', async () => {
    await openTab(hh, /第2表/);
    await expect.poll(() => tid(hh, 'plan2-sheet').count()).toBe(3);
    expect(await tid(hh, 'plan2-sheet').first().textContent()).toContain('自宅で安全に入浴したい');
    await shot(hh, 'plan2');
    const p2 = await printToPdf(hh, 'plan2');
    expect(p2.sizes).toEqual(['landscape', 'landscape', 'landscape']);

    await openTab(hh, /第3表/);
    await expect.poll(() => tid(hh, 'plan3-sheet').count()).toBe(3);
    const slots = tid(hh, 'plan3-sheet').first().getByTestId('plan3-slot');
    expect(await slots.count()).toBe(2);
    expect(await tid(hh, 'plan3-sheet').first().getByTestId('plan3-non-weekly').textContent()).toContain('福祉用具貸与');
    await shot(hh, 'plan3');
    const p3 = await printToPdf(hh, 'plan3');
    expect(p3.pages).toBe(3);
    expect(p3.sizes).toEqual(['landscape', 'landscape', 'landscape']);
  });

  it('利用者補足情報 is a card per person', async () => {
    await openTab(hh, /補足/);
    await expect.poll(() => tid(hh, 'hosoku-card').count()).toBe(3);
    const card = (await tid(hh, 'hosoku-card').first().textContent()) ?? '';
    expect(card).toContain('認定済');
    expect(card).toContain('16,765単位');
    await shot(hh, 'hosoku');
  });

  it('第6表 and 第7表 carry the names from the unit and print A4 landscape', async () => {
    // The provider's own word for the 第6表 it receives (issue 13 item 8).
    await openArrival(hh, '提供票（届いた予定）');
    await expect.poll(() => tid(hh, 'ticket-person').count()).toBe(3);
    expect(await tid(hh, 'ticket-person').first().textContent()).toMatch(/ハナ 殿$/);
    await shot(hh, 'table6');
    const p6 = await printToPdf(hh, 'table6');
    expect(p6.pages).toBe(3);
    expect(new Set(p6.sizes)).toEqual(new Set(['landscape']));
    await openTab(hh, /第7表/);
    await expect.poll(() => tid(hh, 'table7-sheet').count()).toBe(3);
    await shot(hh, 'table7');
    const p7 = await printToPdf(hh, 'table7');
    expect(p7.sizes).toEqual(['landscape', 'landscape', 'landscape']);
  });

  it('no screen logged a script error or a CSP violation', () => {
    expect(problemsOf(cm)).toEqual([]);
    expect(problemsOf(hh)).toEqual([]);
  });
});
