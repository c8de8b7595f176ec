// `careplan-link check` loads only what checking needs: not zod (the shipped spec data is trusted,
// see client/check/specs.ts), not the crypto (node-forge, PKI.js), not the relay's database or logs,
// not the folder watcher, and not iconv-lite while TextDecoder decodes the file. Each of these cost CPU
// at every start (bench/cli.ts measures the start; this test only looks at what is loaded, so a new
// import that drags one of them in fails here, not in a benchmark nobody reads). The built CLI runs
// with a module hook that writes down every URL it loads, and a preload that adds, at exit, every
// CommonJS module in require's cache (iconv-lite is loaded by require, which the hook does not see).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'careplan-link.js');
const SMALL = join(ROOT, 'fixtures', 'valid', 'UP2KYO_1310000011_43_1310000029_11_20250425120001.CSV');
const HEAVY = /\/node_modules\/(zod|node-forge|pkijs|asn1js|@peculiar\/[^/]+|better-sqlite3|pg|pino|prom-client|chokidar|pdfkit|iconv-lite)\//;
const ICONV = /\/node_modules\/iconv-lite\//;

const HOOKS = `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  appendFileSync(process.env.CPL_MODULE_LOG, url + '\\n');
  return next(url, context);
}
`;
const REGISTER = `import { register } from 'node:module';
register('./hooks.mjs', import.meta.url);
`;
const CJS_AT_EXIT = `process.on('exit', () => {
  require('node:fs').appendFileSync(process.env.CPL_MODULE_LOG, Object.keys(require.cache).map((p) => p.replace(/\\\\/g, '/') + '\\n').join(''));
});
`;

/** Runs the built CLI and returns its exit code, output and every module URL it loaded. */
function runTraced(args: string[], env: NodeJS.ProcessEnv = {}): { status: number | null; stdout: string; stderr: string; modules: string[] } {
  if (!existsSync(join(ROOT, 'dist', 'client', 'cli', 'main.js'))) throw new Error('dist/ is missing: npm test builds it first (pretest)');
  const dir = mkdtempSync(join(tmpdir(), 'cpl-cli-modules-'));
  writeFileSync(join(dir, 'hooks.mjs'), HOOKS);
  writeFileSync(join(dir, 'register.mjs'), REGISTER);
  writeFileSync(join(dir, 'cjs-at-exit.cjs'), CJS_AT_EXIT);
  const log = join(dir, 'modules.txt');
  writeFileSync(log, '');
  const r = spawnSync(process.execPath, ['--require', join(dir, 'cjs-at-exit.cjs'), '--import', pathToFileURL(join(dir, 'register.mjs')).href, BIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, CAREPLAN_LINK_SPECS: '', ...env, CPL_MODULE_LOG: log },
    encoding: 'utf8',
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, modules: readFileSync(log, 'utf8').split('\n').filter(Boolean) };
}

const dist = (modules: string[], path: string) => modules.some((u) => u.endsWith(`/dist/${path}`));

describe('what `careplan-link check` loads', () => {
  it('checks one small file without zod, the crypto, the relay, the database, the watcher or iconv-lite', () => {
    const r = runTraced(['check', SMALL]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('問題なし');
    // The log is complete enough to see the checker itself (otherwise the absences below prove nothing).
    for (const m of ['client/check/specs.js', 'shared/validator/fileValidator.js', 'shared/report/formatText.js']) expect(dist(r.modules, m), m).toBe(true);
    expect(r.modules.filter((u) => HEAVY.test(u))).toEqual([]);
    // platform/threadPool.js is the one line that sizes libuv's pool before anything uses it (every entry imports it first).
    expect(r.modules.filter((u) => /\/dist\/(pki|relay|platform|client\/(transport|agent|app|identity))\//.test(u) && !u.endsWith('/dist/platform/threadPool.js'))).toEqual([]);
    // Nor the other report formats, nor the strict spec reading.
    for (const m of ['shared/report/formatHtml.js', 'shared/report/formatSarif.js', 'shared/report/formatJunit.js', 'shared/spec/modelCheck.js', 'shared/spec/serviceCodes.js']) expect(dist(r.modules, m), m).toBe(false);
  });

  it('loads iconv-lite when a file needs it (a byte TextDecoder reads differently)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cpl-cli-iconv-'));
    const file = join(dir, 'UP2KYO_1310000011_43_1310000029_11_20250425120001.CSV');
    // 0x7F is one of the bytes where the two decoders differ: the piece holding it goes to iconv-lite.
    const bytes = readFileSync(SMALL);
    writeFileSync(file, Buffer.concat([bytes.subarray(0, 40), Buffer.from([0x7f]), bytes.subarray(40)]));
    const r = runTraced(['check', file]);
    expect([0, 1]).toContain(r.status);
    expect(r.modules.some((u) => ICONV.test(u))).toBe(true);
  });

  it('loads zod where a file from the user is read strictly: a service-code master', () => {
    const r = runTraced(['check', '--service-codes', join(ROOT, 'specs', 'samples', 'service-codes.sample.json'), SMALL]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.modules.some((u) => /\/node_modules\/zod\//.test(u))).toBe(true);
    expect(dist(r.modules, 'shared/spec/serviceCodes.js')).toBe(true);
  });

  it('reads a spec folder named by CAREPLAN_LINK_SPECS strictly (with zod), and refuses one that does not fit', () => {
    const copy = mkdtempSync(join(tmpdir(), 'cpl-cli-specs-'));
    cpSync(join(ROOT, 'specs'), copy, { recursive: true });
    const good = runTraced(['check', SMALL], { CAREPLAN_LINK_SPECS: copy });
    expect(good.stderr).toBe('');
    expect(good.status).toBe(0);
    expect(dist(good.modules, 'shared/spec/modelCheck.js')).toBe(true);
    expect(good.modules.some((u) => /\/node_modules\/zod\//.test(u))).toBe(true);
    const layout = join(copy, '202407', 'UP2KYO.json');
    writeFileSync(layout, JSON.stringify({ ...(JSON.parse(readFileSync(layout, 'utf8')) as object), colunmCount: 22 }));
    const bad = runTraced(['check', SMALL], { CAREPLAN_LINK_SPECS: copy });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('202407/UP2KYO.json');
    expect(bad.stderr).toContain('colunmCount');
  });
});
