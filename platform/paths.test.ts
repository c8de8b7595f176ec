// Pure path handling: UNC and Japanese paths pass through unchanged; names compare as the OS does.
import { describe, expect, it } from 'vitest';
import { FolderNames, freeName, pathsFor, sameName } from './paths.js';

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

describe('FolderNames', () => {
  it('finds a name as sameName compares it, and freeName picks the same free name from it as from a list', () => {
    const listed = ['UPPLAN_1.CSV', 'UPPLAN_1 (2).CSV', '利用者Ａ.CSV'];
    const win = new FolderNames(listed, 'win32');
    expect(win.find('upplan_1.csv')).toBe('UPPLAN_1.CSV');
    expect(win.find('利用者Ａ.csv')).toBe('利用者Ａ.CSV');
    expect(win.find('UPPLAN_2.CSV')).toBeNull();
    const posix = new FolderNames(listed, 'linux');
    expect(posix.find('upplan_1.csv')).toBeNull();
    expect(posix.find('UPPLAN_1.CSV')).toBe('UPPLAN_1.CSV');
    for (const platform of ['win32', 'linux'] as const) {
      for (const name of ['upplan_1.csv', 'UPPLAN_1.CSV', 'UPPLAN_3.CSV']) {
        expect(freeName('/x', name, { platform, names: new FolderNames(listed, platform) })).toBe(freeName('/x', name, { platform, names: listed }));
      }
    }
    // A name removed is free again; removing a case variant on win32 does not remove the name listed.
    win.delete('upplan_1.csv');
    expect(win.has('UPPLAN_1.CSV')).toBe(true);
    win.delete('UPPLAN_1.CSV');
    expect(win.has('upplan_1.csv')).toBe(false);
  });
});
