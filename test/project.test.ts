// Project rules that must not quietly erode: the pure shared/ boundary, docs in sync, versions.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderFindingsDoc } from '../scripts/findingsDoc.js';
import { CAREPLAN_LINK_VERSION } from '../shared/version.js';
import { ROOT } from './cli.js';

describe('the shared/ boundary', () => {
  it('lint refuses Node built-ins, electron, DOM and Node globals under shared/', () => {
    const dir = mkdtempSync(join(ROOT, 'shared', 'tmp-boundary-'));
    const file = join(dir, 'bad.ts');
    writeFileSync(file, ["import { readFileSync } from 'node:fs';", "import path from 'path';", "import { app } from 'electron';", 'export const a = [readFileSync, path, app, document.title, Buffer.from("x"), process.env];', ''].join('\n'));
    try {
      const r = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'eslint', 'bin', 'eslint.js'), '--format', 'json', file], { cwd: ROOT, encoding: 'utf8' });
      const messages = (JSON.parse(r.stdout) as { messages: { ruleId: string; message: string }[] }[])[0]!.messages;
      expect(messages.filter((m) => m.ruleId === 'no-restricted-imports').length).toBe(3);
      const globalsHit = messages.filter((m) => m.ruleId === 'no-restricted-globals').map((m) => m.message.match(/'(\w+)'/)![1]);
      expect(globalsHit.sort()).toEqual(['Buffer', 'document', 'process']);
      expect(r.status).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('shared/ type-checks with no Node or DOM types at all', () => {
    execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'tsconfig.shared.json')], { cwd: ROOT });
  });
});

describe('docs and versions', () => {
  it('docs/findings.md lists every finding code as generated', () => {
    expect(readFileSync(join(ROOT, 'docs', 'findings.md'), 'utf8')).toBe(renderFindingsDoc());
  });

  it('the version constant equals package.json', () => {
    expect(CAREPLAN_LINK_VERSION).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
  });
});
