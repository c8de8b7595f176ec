// The bundled Electron app (what `careplan-link app` and the installer run) loads and works under
// plain Node with a fake electron module (test/support/fake-electron.cjs): every import resolves,
// specs/ is found from the bundle's own location, better-sqlite3 is never loaded, the window is
// sandboxed, and the back end bundle runs as its own process (standing in for Electron's utility
// process) behind main's port. The installer's flavour (dist/electron-app/) carries no demo offices,
// no relay code, no development PKI and no source maps.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ipcChannel, METHOD_NAMES } from '../shared/api/channels.js';
import { ROOT } from './cli.js';

interface Seen {
  channels: string[];
  windows: Record<string, unknown>[];
  titles: string[];
  forks: string[];
  url: string;
  ready: boolean;
  state: { ok: boolean; result?: Record<string, unknown>; error?: { code: string } } | null;
  childExit: number | null;
  quitMs?: number;
  exitCode?: number;
  trayMenu?: string[];
  errorBoxes: string[];
  timeout?: boolean;
}

function run(flavour: 'electron-main' | 'electron-app', args: string[] = [], env: Record<string, string> = {}): Seen {
  const userData = mkdtempSync(join(tmpdir(), 'cpl-bundle-'));
  const r = spawnSync(process.execPath, ['-r', join(ROOT, 'test', 'support', 'fake-electron.cjs'), join(ROOT, 'dist', flavour, 'main.cjs'), ...args.map((a) => a.replace('$DATA', userData))], {
    env: { ...process.env, CPL_FAKE_USERDATA: userData, ...env },
    encoding: 'utf8',
    timeout: 50_000,
  });
  expect(r.stderr).not.toMatch(/Error/);
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Seen;
}

describe('bundled Electron main process', () => {
  it('starts one office, registers one channel per API method and opens a sandboxed window', () => {
    const seen = run('electron-main');
    expect(seen.ready).toBe(true);
    expect(seen.channels.sort()).toEqual(METHOD_NAMES.map(ipcChannel).sort());
    expect(seen.windows).toEqual([expect.objectContaining({ sandbox: true, contextIsolation: true, nodeIntegration: false })]);
    expect(seen.url).toBe('app://careplan/index.html');
    // The real back end, in its own process, answered through main's check and the port.
    expect(seen.forks).toEqual(['backend.cjs']);
    expect(seen.state).toMatchObject({ ok: true, result: { phase: 'setup', shell: 'electron', capabilities: { pickers: true, rememberPassword: true } } });
    expect(seen.trayMenu).toEqual(['開く', 'separator', '今すぐ受信', '送信を一時停止', 'separator', '終了']);
    // Quitting waited for the back end to stop its agents (not for the 15 s grace), and it ended cleanly.
    expect(seen.quitMs).toBeLessThan(10_000);
    expect(seen.childExit).toBe(0);
  });

  it('runs the demo offices of the embedded relay in development, one window each', () => {
    const seen = run('electron-main', ['--embedded', '--data=$DATA/demo', '--relay-url=https://127.0.0.1:9']);
    expect(seen.titles).toEqual(['ケアプランリンク — ケアプランリンク居宅介護支援センター', 'ケアプランリンク — ひまわり訪問介護ステーション']);
    expect(seen.state).toMatchObject({ ok: true, result: { phase: 'setup', demoOffices: [expect.objectContaining({ office: '1310000011' })] } });
    expect(seen.childExit).toBe(0);
  });
});

describe('the installer’s bundle (dist/electron-app)', () => {
  it('starts at login in the tray: the back end runs, no window until one is opened', () => {
    const seen = run('electron-app', ['--hidden'], { CPL_FAKE_PACKAGED: '1' });
    expect(seen.forks).toEqual(['backend.cjs']);
    expect(seen.windows).toEqual([]);
    // No window, so no frame may call.
    expect(seen.state).toMatchObject({ ok: false, error: { code: 'untrusted' } });
    expect(seen.childExit).toBe(0);
  });

  it('refuses the demo offices, packaged or not', () => {
    for (const env of [{ CPL_FAKE_PACKAGED: '1' }, {}] as Record<string, string>[]) {
      const seen = run('electron-app', ['--embedded', '--relay-url=https://127.0.0.1:9'], env);
      expect(seen.exitCode).toBe(2);
      expect(seen.forks).toEqual([]);
      expect(seen.errorBoxes.join()).toContain('デモ事業所');
    }
  });

  it('contains no demo offices, relay code, development PKI, native module, renderer override or source map', () => {
    const dir = join(ROOT, 'dist', 'electron-app');
    // fonts/: the PDF font (Noto Sans JP) client/pdf reads beside the bundle.
    expect(readdirSync(dir).sort()).toEqual(['backend.cjs', 'fonts', 'main.cjs', 'preload.cjs', 'tray-attention.png', 'tray-attention@2x.png', 'tray.png', 'tray@2x.png']);
    // esbuild heads each bundled module with its path: `// relay/dev.ts`.
    const modules = (file: string) => [...readFileSync(join(dir, file), 'utf8').matchAll(/^\/\/ (\S+\.[cm]?[jt]s)$/gm)].map((m) => m[1]!);
    for (const file of ['main.cjs', 'backend.cjs', 'preload.cjs']) {
      const text = readFileSync(join(dir, file), 'utf8');
      expect(modules(file).filter((m) => /^(relay|bench|scripts|test|fixtures)\/|client\/app\/offices|client\/cli\/|client\/bridge\/|pki\/testPki/.test(m))).toEqual([]);
      expect(text).not.toContain('better-sqlite3');
      expect(text).not.toContain('CPL_RENDERER_DIR');
      expect(text).not.toContain('sourceMappingURL');
    }
    // Main keeps to windows, tray, dialogs and the port: none of the back end's modules.
    expect(modules('main.cjs').filter((m) => /^(client|pki|platform)\//.test(m))).toEqual([]);
    // The development flavour has what the installer's lacks, so the checks above mean something.
    const dev = readFileSync(join(ROOT, 'dist', 'electron-main', 'backend.cjs'), 'utf8');
    expect(dev).toMatch(/^\/\/ relay\/dev\.ts$/m);
    expect(existsSync(join(ROOT, 'dist', 'electron-main', 'backend.cjs.map'))).toBe(true);
  });
});
