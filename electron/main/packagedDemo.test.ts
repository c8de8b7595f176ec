// The installed app refuses the demo offices: `--embedded` (the development launcher's flag) ends the
// start with a message, before any back end is started.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { rec } from './testing/fakeElectron.js';

vi.mock('electron', async () => (await import('./testing/fakeElectron.js')).electron);

const argv = [...process.argv];
beforeAll(async () => {
  rec.userData = mkdtempSync(join(tmpdir(), 'cpl-packaged-demo-'));
  rec.app.isPackaged = true;
  process.argv.push('--embedded', '--relay-url=https://127.0.0.1:8443');
  await import('./main.js');
  await vi.waitFor(() => expect(rec.app.exits).toEqual([2]));
});
afterAll(() => process.argv.splice(0, process.argv.length, ...argv));

describe('the installed app and demo mode', () => {
  it('refuses --embedded without starting a back end or opening a window', () => {
    expect(rec.errorBoxes.join('\n')).toContain('デモ事業所');
    expect(rec.forks).toHaveLength(0);
    expect(rec.windows).toHaveLength(0);
    expect(rec.ipc.size).toBe(0);
  });
});
