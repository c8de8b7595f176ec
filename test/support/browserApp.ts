// The harness of the browser tests: `careplan-link app --browser` (the embedded relay and the two demo
// offices' back ends, as `npm start` runs without Electron) on free ports, Debian chromium driven by
// playwright-core, and pages that collect every script error, CSP violation and failed load.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ROOT } from '../cli.js';

const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface BrowserApp {
  dataDir: string;
  /** The care manager's and the provider's page addresses, and the embedded relay. */
  urls: { cm: string; hh: string };
  relayUrl: string;
  browser: Browser;
  close(): Promise<void>;
}

export async function startBrowserApp(): Promise<BrowserApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cpl-e2e-'));
  const app: ChildProcess = spawn(process.execPath, [join(ROOT, 'bin', 'careplan-link.js'), 'app', '--browser', '--data', dataDir, '--relay-port', '0', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  app.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const found = await new Promise<{ cm: string; hh: string; relay: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the app did not start:\n${out}\n${err}`)), 60_000);
    app.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const cm = out.match(/ケアプランリンク居宅介護支援センター: (http:\S+)/);
      const hh = out.match(/ひまわり訪問介護ステーション: (http:\S+)/);
      const relay = out.match(/linkage service (https:\/\/[0-9.:]+)/);
      if (cm && hh && relay) {
        clearTimeout(timer);
        resolve({ cm: cm[1]!, hh: hh[1]!, relay: relay[1]! });
      }
    });
    app.on('exit', (code) => reject(new Error(`the app exited (${code}):\n${out}\n${err}`)));
  });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  return {
    dataDir,
    urls: { cm: found.cm, hh: found.hh },
    relayUrl: found.relay,
    browser,
    async close() {
      await browser.close();
      if (app.exitCode === null) {
        const exited = new Promise((r) => app.once('exit', r));
        app.kill('SIGTERM');
        await exited;
      }
    },
  };
}

/** A page on one office, at a screen size, recording script errors, CSP violations and failed loads. */
export async function openOffice(browser: Browser, url: string, viewport = { width: 1280, height: 860 }): Promise<Page> {
  const context = await browser.newContext({ viewport, locale: 'ja-JP', acceptDownloads: true });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(String(e)));
  page.on('console', (m) => {
    // A CSP violation or a script error on any screen fails the run at the end. Refused API calls
    // (a wrong password, say) are answered 4xx on purpose and show as failed loads: those are judged
    // by their responses, not here.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(m.text());
  });
  page.on('response', (r) => {
    const path = new URL(r.url()).pathname;
    if (r.status() >= 400 && !(path.startsWith('/api/') && r.status() === 400)) problems.push(`${r.status()} ${path}`);
  });
  (page as Page & { problems: string[] }).problems = problems;
  await page.goto(url);
  return page;
}

export const problemsOf = (p: Page): string[] => (p as Page & { problems: string[] }).problems;
