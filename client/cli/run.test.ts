// The CLI's error output, in process: Japanese first, English alongside, the hint on its own line.
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { LocalizedError } from '../../shared/errors.js';
import { EXIT_USAGE, formatCliError, runCli, USAGE } from './run.js';

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) });
  return { code, stdout, stderr };
}

describe('CLI errors', () => {
  it('prints a localized error as 「エラー / error: ja / en」, with the hint line when there is one', () => {
    expect(formatCliError(new LocalizedError('x', { ja: '設定ファイルを読めません', en: 'cannot read the config' }))).toBe('エラー / error: 設定ファイルを読めません / cannot read the config\n');
    const hinted = new LocalizedError('x', { ja: '設定ファイルを読めません', en: 'cannot read the config' }, { hint: { ja: '--config の場所を確かめてください', en: 'check the --config path' } });
    expect(formatCliError(hinted)).toBe('エラー / error: 設定ファイルを読めません / cannot read the config\nヒント / hint: --config の場所を確かめてください / check the --config path\n');
  });

  it('answers a usage error with both languages and the usage text', async () => {
    const r = await run(['send-now']);
    expect(r.code).toBe(EXIT_USAGE);
    expect(r.stderr).toBe(`不明なコマンドです / unknown command: send-now\n\n${USAGE}`);
  });

  it('reports a missing input of check in both languages', async () => {
    const missing = join(tmpdir(), 'cpl-no-such-folder-for-run-test');
    const r = await run(['check', missing]);
    expect(r.code).toBe(EXIT_USAGE);
    expect(r.stderr).toBe(`ファイルまたはフォルダが見つかりません / not found: ${missing}\n`);
  });
});
