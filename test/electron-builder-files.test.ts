// What the installer packs, computed the way electron-builder computes it: its own file matchers
// (app-builder-lib's fileMatcher, with its default exclusions) applied to electron-builder.yml's
// `files` over the repository and a built dist/, and its node_modules matcher over the production
// dependencies. The app must contain only what it runs: the three bundles, the renderer and the spec
// data; no fixtures, test PKI, bench, scripts, relay code, tests, source maps, node_modules or
// better-sqlite3. Also: the fuses hook flips what it should, in a stand-in executable.
import { copyFileSync, existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, writeFileSync, type Stats } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './cli.js';

const require = createRequire(import.meta.url);

interface Matcher {
  from: string;
  createFilter(): (file: string, stat: Stats & { moduleFullFilePath?: string }) => boolean;
}
interface Config {
  productName: string;
  files: string[];
  asarUnpack?: string[];
  npmRebuild?: boolean;
  afterPack?: string;
  extraMetadata: { main: string; productName: string };
  directories: { output: string; buildResources: string };
  win?: Record<string, unknown>;
}

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; dependencies: Record<string, string> };
const config = (require('js-yaml') as { load(s: string): unknown }).load(readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8')) as Config;
// electron-builder's own matcher (internal, but exported): the test follows its semantics as it changes.
const fileMatcher = require('app-builder-lib/out/fileMatcher.js') as {
  getMainFileMatchers(appDir: string, dest: string, expand: (s: string) => string, platformOptions: object, platformPackager: object, outDir: string, isElectronCompile: boolean): Matcher[];
  getNodeModuleFileMatcher(appDir: string, dest: string, expand: (s: string) => string, platformOptions: object, packager: object): Matcher;
  getFileMatchers(config: object, name: string, dest: string, options: object): Matcher[] | null;
};

const expand = (s: string) => s.replace(/\$\{version\}/g, pkg.version);
const DEST = join(tmpdir(), 'app');
const info = { isPrepackedAppAsar: false, config, projectDir: ROOT, buildResourcesDir: config.directories.buildResources, debugLogger: { isEnabled: false } };
const outDir = join(ROOT, expand(config.directories.output));

const posix = (p: string) => p.split(sep).join('/');

/** The files electron-builder copies from the app's folder: it descends only into folders the filter lets through. */
function mainFiles(): string[] {
  const matchers = fileMatcher.getMainFileMatchers(ROOT, DEST, expand, config.win ?? {}, { info }, outDir, false);
  const out: string[] = [];
  for (const matcher of matchers) {
    const filter = matcher.createFilter();
    const visit = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const full = join(dir, name);
        const stat = lstatSync(full);
        if (!filter(full, stat)) continue;
        if (stat.isDirectory()) visit(full);
        else out.push(posix(relative(ROOT, full)));
      }
    };
    visit(matcher.from);
  }
  return out.sort();
}

/** The production dependencies electron-builder would collect (hoisted layout), transitively. */
function productionModules(): string[] {
  const seen = new Set<string>();
  const queue = Object.keys(pkg.dependencies);
  while (queue.length) {
    const name = queue.shift()!;
    if (seen.has(name) || !existsSync(join(ROOT, 'node_modules', name, 'package.json'))) continue;
    seen.add(name);
    const p = JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> };
    queue.push(...Object.keys({ ...p.dependencies, ...p.optionalDependencies }));
  }
  return [...seen];
}

/** The node_modules files that electron-builder's node-module matcher lets through. */
function moduleFiles(): string[] {
  const filter = fileMatcher.getNodeModuleFileMatcher(ROOT, DEST, expand, config.win ?? {}, info).createFilter();
  const out: string[] = [];
  for (const name of productionModules()) {
    const base = join(ROOT, 'node_modules', name);
    const visit = (dir: string) => {
      for (const entry of readdirSync(dir)) {
        const full = join(dir, entry);
        const stat = lstatSync(full) as Stats & { moduleFullFilePath?: string };
        // As NodeModuleCopyHelper does: the path the file will have inside the app.
        stat.moduleFullFilePath = join('node_modules', name, relative(base, full));
        if (!filter(full, stat)) continue;
        if (stat.isDirectory()) visit(full);
        else out.push(posix(stat.moduleFullFilePath));
      }
    };
    visit(base);
  }
  return out;
}

let files: string[];
beforeAll(() => {
  for (const built of ['dist/electron-app/main.cjs', 'dist/renderer/index.html']) expect(existsSync(join(ROOT, built)), `${built}: run npm run build first`).toBe(true);
  files = mainFiles();
});

describe('what the installer packs (electron-builder.yml)', () => {
  it('has the main, preload and back end bundles, the tray icons, the PDF font, the renderer, the spec data and package.json', () => {
    for (const f of ['package.json', 'dist/electron-app/fonts/NotoSansJP_400Regular.ttf', 'dist/electron-app/main.cjs', 'dist/electron-app/preload.cjs', 'dist/electron-app/backend.cjs', 'dist/electron-app/tray.png', 'dist/electron-app/tray-attention.png', 'dist/renderer/index.html', 'specs/202407/spec.json', 'specs/202407/UPPLAN.json', 'specs/labels.json']) {
      expect(files).toContain(f);
    }
    expect(files.some((f) => /^dist\/renderer\/assets\/.+\.js$/.test(f))).toBe(true);
    expect(files).toContain(config.extraMetadata.main);
  });

  it('has nothing it does not run', () => {
    const forbidden: [string, RegExp][] = [
      ['fixtures', /(^|\/)fixtures\//],
      ['test PKI or keys', /dev-pki|testPki|\.(p12|pfx|pem|key)$/i],
      ['bench', /(^|\/)bench\//],
      ['scripts', /(^|\/)scripts\//],
      ['better-sqlite3', /better-sqlite3|\.node$/],
      ['relay code', /(^|\/)relay\//],
      ['tests', /\.test\.|(^|\/)test\//],
      ['source maps', /\.map$/],
      ['node_modules', /(^|\/)node_modules\//],
      ['the development bundles', /^dist\/electron-main\//],
      ['TypeScript output of the layers', /^dist\/(client|shared|pki|platform|electron|specs)\//],
      ['sources', /\.tsx?$/],
      ['spec samples', /^specs\/samples\//],
    ];
    for (const [what, re] of forbidden) expect(files.filter((f) => re.test(f)), what).toEqual([]);
    expect(files.every((f) => /^(package\.json|dist\/electron-app\/|dist\/renderer\/|specs\/)/.test(f))).toBe(true);
  });

  it('copies no node_modules at all (everything is bundled), and so no better-sqlite3', () => {
    expect(productionModules()).toContain('better-sqlite3');
    expect(moduleFiles()).toEqual([]);
  });

  it('unpacks and rebuilds nothing, names the data folder, and flips the fuses after packing', () => {
    expect(fileMatcher.getFileMatchers(config, 'asarUnpack', DEST, { macroExpander: expand, customBuildOptions: config.win ?? {}, globalOutDir: outDir, defaultSrc: ROOT })).toBeNull();
    expect(config.npmRebuild).toBe(false);
    expect(config.extraMetadata.productName).toBe(config.productName);
    expect(config.afterPack).toBe('./scripts/electron-fuses.cjs');
  });
});

describe('the fuses hook', () => {
  const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
  // Electron's defaults in a stand-in executable, with one fuse more than @electron/fuses knows.
  const DEFAULT_WIRE = '101100011';

  it('turns RunAsNode, NODE_OPTIONS and --inspect off and cookie encryption, asar integrity and asar-only on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cpl-fuses-'));
    const exe = join(dir, 'ケアプランリンク.exe');
    const code = Buffer.from('MZ\0\0 some code ');
    writeFileSync(exe, Buffer.concat([code, Buffer.from(SENTINEL), Buffer.from([1, DEFAULT_WIRE.length]), Buffer.from(DEFAULT_WIRE), Buffer.from(' more code')]));
    const hook = require(join(ROOT, 'scripts', 'electron-fuses.cjs')) as { default: (c: object) => Promise<void> };
    await hook.default({ appOutDir: dir, electronPlatformName: 'win32', packager: { appInfo: { productFilename: 'ケアプランリンク' } } });
    const bytes = readFileSync(exe);
    const at = bytes.indexOf(SENTINEL) + SENTINEL.length + 2;
    // RunAsNode, Cookie, NODE_OPTIONS, --inspect, asar integrity, asar only, V8 snapshot (kept), file protocol (kept), the unknown one (kept).
    expect(bytes.subarray(at, at + DEFAULT_WIRE.length).toString()).toBe('010011011');
    expect(bytes.subarray(0, code.length)).toEqual(code);
  });

  it('refuses an executable without a fuse wire rather than packing it unprotected', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cpl-fuses-'));
    copyFileSync(join(ROOT, 'package.json'), join(dir, 'ケアプランリンク.exe'));
    const hook = require(join(ROOT, 'scripts', 'electron-fuses.cjs')) as { default: (c: object) => Promise<void> };
    await expect(hook.default({ appOutDir: dir, electronPlatformName: 'win32', packager: { appInfo: { productFilename: 'ケアプランリンク' } } })).rejects.toThrow(/sentinel/);
  });
});
