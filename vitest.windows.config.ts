// The Windows lane's vitest config (scripts/winlane.mjs runs it under Windows Node in Wine): the files
// are those of test/windows-lane.txt, not the suite's own include, so the Windows-only tests
// (test/windows/*.wintest.ts) never run in `npm test` and the lane runs only what it can on Windows.
import { readFileSync } from 'node:fs';
import { configDefaults, defineConfig } from 'vitest/config';

// One path or glob a line, `#` comments, `!glob` leaves files out (the driver reads it the same way).
const lines = readFileSync(new URL('./test/windows-lane.txt', import.meta.url), 'utf8')
  .split('\n')
  .map((l) => l.replace(/#.*/, '').trim())
  .filter(Boolean);

export default defineConfig({
  test: {
    include: lines.filter((l) => !l.startsWith('!')),
    exclude: [...configDefaults.exclude, ...lines.filter((l) => l.startsWith('!')).map((l) => l.slice(1))],
    environment: 'node',
    // Every process start costs about a second under Wine, and the CLI tests start dozens.
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
