// Pure path handling: UNC and Japanese paths pass through unchanged; names compare as the OS does.
import { describe, expect, it } from 'vitest';
import { freeName, pathsFor, sameName } from './paths.js';

const unc = '\\\\server\\share\\ケアプラン\\送信済み';

describe('sameName', () => {
  it('compares without case on win32 and exactly elsewhere', () => {
    expect(sameName('UPPLAN_1.CSV', 'upplan_1.csv', 'win32')).toBe(true);
    expect(sameName('Ｕｐｐｌａｎ.CSV', 'ＵＰＰＬＡＮ.csv', 'win32')).toBe(true);
    expect(sameName('利用者Ａ.CSV', '利用者Ａ.csv', 'win32')).toBe(true);
    expect(sameName('UPPLAN_1.CSV', 'UPPLAN_2.CSV', 'win32')).toBe(false);
    expect(sameName('UPPLAN_1.CSV', 'upplan_1.csv', 'linux')).toBe(false);
    expect(sameName('UPPLAN_1.CSV', 'UPPLAN_1.CSV', 'linux')).toBe(true);
  });
});

describe('freeName', () => {
  it('keeps a UNC folder with Japanese names exactly as given', () => {
    expect(freeName(unc, 'UPPLAN_利用者.CSV', { platform: 'win32', names: [] })).toBe(`${unc}\\UPPLAN_利用者.CSV`);
    expect(freeName(unc, 'UPPLAN_利用者.CSV', { platform: 'win32', names: ['upplan_利用者.csv', 'UPPLAN_利用者 (2).CSV'] })).toBe(`${unc}\\UPPLAN_利用者 (3).CSV`);
    expect(freeName('C:\\介護\\エラー', 'A.CSV', { platform: 'win32', names: ['a.csv'] })).toBe('C:\\介護\\エラー\\A (2).CSV');
  });

  it('is case-sensitive where the OS is', () => {
    expect(freeName('/srv/送信済み', 'A.CSV', { platform: 'linux', names: ['a.csv'] })).toBe('/srv/送信済み/A.CSV');
    expect(freeName('/srv/送信済み', 'A.CSV', { platform: 'linux', names: ['A.CSV'] })).toBe('/srv/送信済み/A (2).CSV');
    expect(freeName('/srv', 'README', { platform: 'linux', names: ['README'] })).toBe('/srv/README (2)');
  });

  it('leaves UNC roots to path.win32 (no splitting on slashes)', () => {
    const p = pathsFor('win32');
    expect(p.dirname(`${unc}\\A.CSV`)).toBe(unc);
    expect(p.basename(`${unc}\\A.CSV`)).toBe('A.CSV');
    expect(pathsFor('linux').sep).toBe('/');
  });
});
