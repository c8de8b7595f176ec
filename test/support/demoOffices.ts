// The browser app with both demo offices set up by their one-click demo setup, each in its own page:
// the provider first, so that the care manager's units have somewhere to go.
import type { Page } from 'playwright-core';
import { type BrowserApp, openOffice, startBrowserApp } from './browserApp.js';

export async function startWithDemoOffices(viewport: { width: number; height: number }): Promise<{ app: BrowserApp; cm: Page; hh: Page }> {
  const app = await startBrowserApp();
  const hh = await openOffice(app.browser, app.urls.hh, viewport);
  await hh.getByTestId('setup-demo-home-help').click();
  await hh.getByTestId('screen-home').waitFor();
  const cm = await openOffice(app.browser, app.urls.cm, viewport);
  await cm.getByTestId('setup-demo-care-manager').click();
  await cm.getByTestId('screen-home').waitFor();
  return { app, cm, hh };
}
