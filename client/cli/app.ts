// careplan-link app: the desktop app on its embedded defaults (local relay, two demo offices).
// In Electron where its binary is installed; otherwise in the browser through the web bridge, with
// one address per demo office. Runs until SIGINT/SIGTERM.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { localIsoWithOffset } from '../../shared/time.js';
import { startEmbedded, startEmbeddedRelay } from './embeddedRelay.js';
import { startBridge, type RunningBridge } from '../bridge/server.js';
import { packageRoot } from '../paths.js';
import { bridgePorts, listenOn } from './ports.js';
import { EXIT_OK, EXIT_USAGE, parse, UsageError, type Io } from './run.js';

/** The Electron binary, when the optional dependency installed it (it cannot be downloaded everywhere). */
/**
 * The Electron executable, if the electron package has one on this machine. Read from the package's
 * path.txt rather than by require('electron'): since Electron 45 that require downloads the binary
 * when it is missing, and here (CI, offices without internet) that prints a stack and waits.
 */
export function electronBinary(packageDir = electronPackageDir()): string | null {
  if (!packageDir) return null;
  const pathFile = join(packageDir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const executable = readFileSync(pathFile, 'utf8').trim();
  const full = process.env.ELECTRON_OVERRIDE_DIST_PATH ? join(process.env.ELECTRON_OVERRIDE_DIST_PATH, executable) : join(packageDir, 'dist', executable);
  return executable && existsSync(full) ? full : null;
}

function electronPackageDir(): string | null {
  try {
    return dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return null;
  }
}

export async function runApp(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, {
    data: { type: 'string', default: 'careplan-link-app-data' },
    'relay-port': { type: 'string', default: '8443' },
    port: { type: 'string', default: '5170' },
    browser: { type: 'boolean', default: false },
  });
  if (positionals.length) throw new UsageError({ ja: '余分な引数があります', en: `unexpected arguments: ${positionals.join(' ')}` });
  const relayPort = Number(values['relay-port']);
  const port = Number(values.port);
  if (![relayPort, port].every((p) => Number.isInteger(p) && p >= 0 && p <= 65535)) throw new UsageError({ ja: 'ポート番号は 0〜65535 です', en: 'ports must be 0-65535' });
  const dataDir = resolve(values.data as string);
  const root = packageRoot();
  // The console is read by a person on the office PC: local time, with its offset.
  const relayLog = (l: string) => io.stderr(`${localIsoWithOffset()} relay ${l}\n`);

  const electron = values.browser ? null : electronBinary();
  const main = join(root, 'dist', 'electron-main', 'main.cjs');
  if (electron && existsSync(main)) {
    // The relay stays in this Node process (its storage is a native module built for Node); the
    // Electron process runs the two demo offices' windows against it.
    const embedded = await startEmbeddedRelay({ dataDir, relayPort, log: relayLog });
    io.stdout(`careplan-link: Electron で起動します / starting in Electron（連携サービス / linkage service ${embedded.relay.url}）\n`);
    const child = spawn(electron, [main, '--embedded', `--data=${dataDir}`, `--relay-url=${embedded.relay.url}`], { stdio: 'inherit' });
    // An Electron that cannot start at all emits 'error' and never 'exit': without this the relay
    // would stay up with no window.
    const code = await new Promise<number>((done) => {
      child.once('exit', (c) => done(c ?? 0));
      child.once('error', (e) => {
        io.stderr(`エラー / error: Electron を起動できません / cannot start Electron: ${e.message}\n`);
        done(EXIT_USAGE);
      });
    });
    await embedded.close();
    return code;
  }

  const staticDir = join(root, 'dist', 'renderer');
  if (!existsSync(join(staticDir, 'index.html'))) throw new UsageError({ ja: '画面がビルドされていません。npm run build を実行してください', en: 'the renderer is not built: run npm run build' });
  const embedded = await startEmbedded({ dataDir, relayPort, shell: 'browser', log: relayLog });
  const bridges: { name: string; bridge: RunningBridge }[] = [];
  try {
    const ports = bridgePorts(port, embedded.backends.length, embedded.relay.port);
    for (const [i, b] of embedded.backends.entries()) {
      const p = ports[i]!;
      const bridge = await listenOn(p, '--port', () => startBridge({ handlers: b.backend.handlers, staticDir, port: p, log: (l) => io.stderr(`${l}\n`) }));
      bridges.push({ name: b.name, bridge });
    }
  } catch (e) {
    // One page could not open its port: close what did start, so no half-started app is left running.
    for (const b of bridges) await b.bridge.close();
    await embedded.close();
    throw e;
  }
  const timer = setInterval(() => {
    for (const b of embedded.backends) void b.backend.refresh();
  }, 5_000);
  // Listen before saying we are up: whoever reads the addresses may stop us at once, and a SIGTERM that
  // comes before the listener ends the process without closing the relay and the offices.
  const stopped = new Promise<void>((done) => {
    process.once('SIGINT', () => done());
    process.once('SIGTERM', () => done());
  });
  io.stdout(
    [
      `careplan-link: 連携サービス / linkage service ${embedded.relay.url} （データ / data: ${dataDir}）`,
      electron ? '' : 'Electron がないため、ブラウザーで開いてください / Electron is not installed here: open these in a browser',
      ...bridges.map((b) => `  ${b.name}: ${b.bridge.openUrl}`),
      '停止: Ctrl+C / stop: Ctrl+C',
    ]
      .filter(Boolean)
      .join('\n') + '\n',
  );
  await stopped;
  clearInterval(timer);
  for (const b of bridges) await b.bridge.close();
  await embedded.close();
  io.stderr('careplan-link app: 停止しました / stopped\n');
  return EXIT_OK;
}
