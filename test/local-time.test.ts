// Keeps UTC dates away from what people and file names see (docs: engineering pitfalls, "toISOString()
// is UTC"): in client/ and shared/, a date a person reads or a folder is named by comes from
// shared/time.ts, never from a slice of toISOString() or from getUTC…(). relay/ and pki/ are not
// scanned on purpose: their timestamps (the store, audit lines, receipts, certificates) are machine
// timestamps, UTC ISO, compared and sorted rather than read.
import { copyFileSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, ROOT } from './cli.js';

const PKI = join(ROOT, 'fixtures', 'pki');
const PASSWORD = { CPL_P12_PASSWORD: 'test-password' };

const FORBIDDEN = [/toISOString\(\)\s*\.slice\(/, /\.getUTC(FullYear|Month|Date|Hours|Minutes|Seconds)\(/];

/**
 * Calendar arithmetic that is zone-free by construction: the value was made with Date.UTC and is read
 * back in UTC, so no zone can move it. Each entry names the file and why.
 */
const ALLOWED: Record<string, string> = {
  'shared/fixtures/generate.ts': 'weekday of a YYYYMMDD made with Date.UTC and read with getUTCDay',
};

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [p] : [];
  });
}

describe('dates people see are local', () => {
  it('no toISOString().slice or getUTC… in client/ and shared/ outside tests', () => {
    const found: string[] = [];
    for (const file of [...sources(join(ROOT, 'client')), ...sources(join(ROOT, 'shared'))]) {
      const rel = relative(ROOT, file).split('\\').join('/');
      if (rel in ALLOWED) continue;
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          const code = line.trim();
          if (code.startsWith('//') || code.startsWith('*')) return;
          if (FORBIDDEN.some((re) => re.test(code))) found.push(`${rel}:${i + 1}: ${code}`);
        });
    }
    expect(found).toEqual([]);
  });
});

// The CLI as a clerk runs it on a Japanese PC, and on a UTC server: the certificate's validity
// (2025-11-01T00:00:00Z is 09:00 that morning in Japan) and a signature's time on the local clock.
describe.each([
  { zone: 'Asia/Tokyo', from: '2025-11-01 09:00:00', offset: '+09:00' },
  { zone: 'UTC', from: '2025-11-01 00:00:00', offset: '+00:00' },
])('the CLI in $zone', ({ zone, from, offset }) => {
  const env = { ...PASSWORD, TZ: zone };

  it('identity shows the validity on the local clock', () => {
    const r = cli(['identity', '--p12', join(PKI, 'care-manager.p12'), '--password-env', 'CPL_P12_PASSWORD'], { env });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`有効期間 / validity        : ${from} 〜 2036-11-01 ${from.slice(11)}`);
    // JSON stays the machine's: UTC ISO.
    const json = JSON.parse(cli(['identity', '--p12', join(PKI, 'care-manager.p12'), '--password-env', 'CPL_P12_PASSWORD', '--format', 'json'], { env }).stdout) as { notBefore: string };
    expect(json.notBefore).toBe('2025-11-01T00:00:00.000Z');
  });

  it('verify shows the signing time with its offset', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cpl-localsign-'));
    const file = join(dir, 'UPPLAN_202504_1310000011_43_1310000029_11_20250425120002.CSV');
    copyFileSync(join(ROOT, 'fixtures', 'valid', 'UPPLAN_202504_1310000011_43_1310000029_11_20250425120002.CSV'), file);
    expect(cli(['sign', '--p12', join(PKI, 'care-manager.p12'), '--password-env', 'CPL_P12_PASSWORD', file], { env }).status).toBe(0);
    const v = cli(['verify', '--trust', join(PKI, 'ca.pem'), file], { env });
    expect(v.status).toBe(0);
    expect(v.stdout).toMatch(new RegExp(`, \\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\${offset}\\]`));
  });
});
