#!/usr/bin/env node
// Launcher for the compiled CLI (npm ci runs the build through the "prepare" script).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/client/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('careplan-link: ビルドされていません。npm run build を実行してください / not built: run npm run build\n');
  process.exit(2);
}
await import(entry.href);
