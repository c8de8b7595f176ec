// The development launcher (`careplan-link app` with Electron): --embedded asks the back end for the
// embedded relay's demo offices, one window each, and the tray opens either.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { rec } from './testing/fakeElectron.js';
import { fakeBackend, FakeAppBackend } from './testing/fakeBackend.js';

vi.mock('electron', async () => (await import('./testing/fakeElectron.js')).electron);
vi.mock('../../client/app/offices.js', async () => {
  const { FakeAppBackend: Fake } = await import('./testing/fakeBackend.js');
  return {
    startDemoOffices: async (o: { dataDir: string; relayUrl: string; shell: 'electron'; extra: object }) => ({
      backends: ['居宅介護支援センター', '訪問介護ステーション'].map((name, i) => ({ id: `demo-${i}`, name, backend: new Fake({ dataDir: join(o.dataDir, String(i)), shell: o.shell, secrets: { get: () => null, set: () => undefined, clear: () => undefined }, ...o.extra }) })),
      close: async () => undefined,
    }),
  };
});

const argv = [...process.argv];
beforeAll(async () => {
  rec.userData = mkdtempSync(join(tmpdir(), 'cpl-demo-'));
  process.argv.push('--embedded', '--data=/tmp/cpl-demo-data', '--relay-url=https://127.0.0.1:18443');
  await import('./main.js');
  await vi.waitFor(() => expect(rec.windows).toHaveLength(2), { timeout: 30_000 });
});
afterAll(() => process.argv.splice(0, process.argv.length, ...argv));

describe('demo offices in development', () => {
  it('asks the back end for the demo offices of the embedded relay, without a kept password', () => {
    expect(rec.forks[0]!.init).toMatchObject({ mode: 'demo', dataDir: '/tmp/cpl-demo-data', relayUrl: 'https://127.0.0.1:18443', password: null, persistentSecrets: false });
    expect(fakeBackend.instances).toHaveLength(2);
    expect(fakeBackend.instances[0]).toBeInstanceOf(FakeAppBackend);
  });

  it('opens one window per office, named, and the tray opens each', () => {
    expect(rec.windows.map((w) => w.options.title)).toEqual(['ケアプランリンク — 居宅介護支援センター', 'ケアプランリンク — 訪問介護ステーション']);
    const tray = rec.trays[0]!;
    expect(tray.menu.slice(0, 2).map((i) => i.label)).toEqual(['居宅介護支援センター を開く', '訪問介護ステーション を開く']);
    rec.windows[1]!.userCloses();
    expect(rec.windows[1]!.visible).toBe(false);
    tray.item('訪問介護ステーション を開く').click!({ checked: false });
    expect(rec.windows[1]!.visible).toBe(true);
    expect(rec.windows).toHaveLength(2);
  });
});
