// The launcher finds Electron without require('electron'), which since Electron 45 downloads a
// missing binary (a stack and a wait on a machine without internet, and in CI).
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { electronBinary } from './app.js';

describe('electronBinary', () => {
  it('is null when the package has no path.txt (binary never installed) or the binary is missing, and the path when it is there', () => {
    const pkg = mkdtempSync(join(tmpdir(), 'cpl-electron-'));
    expect(electronBinary(pkg)).toBeNull();
    writeFileSync(join(pkg, 'path.txt'), 'electron.exe');
    expect(electronBinary(pkg)).toBeNull();
    mkdirSync(join(pkg, 'dist'));
    writeFileSync(join(pkg, 'dist', 'electron.exe'), '');
    expect(electronBinary(pkg)).toBe(join(pkg, 'dist', 'electron.exe'));
  });

});
