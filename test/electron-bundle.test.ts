// The bundled Electron main process (what the installer ships) loads and registers the typed API
// under plain Node with a fake electron module: every import resolves, specs/ is found from the
// bundle's own location, better-sqlite3 is never loaded, the window is sandboxed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ipcChannel, METHOD_NAMES } from '../shared/api/channels.js';
import { ROOT } from './cli.js';

describe('bundled Electron main process', () => {
  it('starts one office, registers one channel per API method and opens a sandboxed window', () => {
    const userData = mkdtempSync(join(tmpdir(), 'cpl-bundle-'));
    const r = spawnSync(process.execPath, ['-r', join(ROOT, 'test', 'support', 'fake-electron.cjs'), join(ROOT, 'dist', 'electron-main', 'main.cjs')], {
      env: { ...process.env, CPL_FAKE_USERDATA: userData },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.status).toBe(0);
    const seen = JSON.parse(r.stdout.trim().split('\n').pop()!) as { channels: string[]; windows: Record<string, unknown>[]; url: string; ready: boolean };
    expect(seen.ready).toBe(true);
    expect(seen.channels.sort()).toEqual(METHOD_NAMES.map(ipcChannel).sort());
    expect(seen.windows).toEqual([expect.objectContaining({ sandbox: true, contextIsolation: true, nodeIntegration: false })]);
    expect(seen.url).toBe('app://careplan/index.html');
  });
});
