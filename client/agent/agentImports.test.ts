// The agent runs without the desktop app (the CLI's `agent` command): none of its modules imports
// the app's back end (client/app/). The direction check it shares with the app lives in client/check/.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));

describe('client/agent imports', () => {
  it('no agent module imports client/app/', () => {
    const sources = readdirSync(here).filter((n) => n.endsWith('.ts') && !n.endsWith('.test.ts'));
    expect(sources.length).toBeGreaterThan(5);
    const offenders = sources.filter((n) => /from '\.\.\/app\//.test(readFileSync(join(here, n), 'utf8')));
    expect(offenders).toEqual([]);
  });
});
