// The installed app (app.isPackaged), started at login with --hidden: straight to the tray with no
// window until the clerk opens one, and the renderer only from its own package — CPL_RENDERER_DIR,
// which the development tests use, is not honoured.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { rec } from './testing/fakeElectron.js';

vi.mock('electron', async () => (await import('./testing/fakeElectron.js')).electron);
vi.mock('../../client/app/backend.js', async (importOriginal) => ({ ...(await importOriginal<object>()), AppBackend: (await import('./testing/fakeBackend.js')).FakeAppBackend }));

const argv = [...process.argv];
beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cpl-packaged-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>not the app</title>');
  process.env.CPL_RENDERER_DIR = dir;
  rec.userData = mkdtempSync(join(tmpdir(), 'cpl-packaged-userdata-'));
  rec.app.isPackaged = true;
  process.argv.push('--hidden');
  await import('./main.js');
  await vi.waitFor(() => expect(rec.trays).toHaveLength(1), { timeout: 30_000 });
});
afterAll(() => {
  process.argv.splice(0, process.argv.length, ...argv);
  delete process.env.CPL_RENDERER_DIR;
});

describe('the installed app started at login', () => {
  it('starts in the tray without a window, and opens one from the tray', () => {
    expect(rec.forks).toHaveLength(1);
    expect(rec.windows).toHaveLength(0);
    rec.trays[0]!.emit('click');
    expect(rec.windows).toHaveLength(1);
    expect(rec.windows[0]!.visible).toBe(true);
  });

  it('serves the renderer from its own package only, whatever CPL_RENDERER_DIR says', async () => {
    const page = rec.protocolHandler!({ url: 'app://careplan/index.html' });
    expect(page.status).toBe(404);
  });
});
