// The layers of docs/architecture.md are enforced by lint: each zone rule is shown firing here, and
// each allowed arrow is shown passing, so a rule that quietly stops working fails this test.
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { ROOT } from './cli.js';

const eslint = new ESLint({ cwd: ROOT });

/** The layer-rule messages for one import line placed in a (virtual) file at `file`. */
async function layerFindings(file: string, importLine: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${importLine}\nexport const used = x;\n`, { filePath: join(ROOT, file) });
  return result!.messages.filter((m) => m.ruleId === 'project/layers' || m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('lint zones (eslint-rules/layers.js)', () => {
  it.each([
    ['shared/x.ts', "import x from '../client/app/backend.js';", /shared\/ may not import client\//],
    ['shared/x.ts', "import x from '../pki/cms.js';", /shared\/ may not import pki\//],
    ['pki/x.ts', "import x from '../client/transport/spool.js';", /pki\/ may not import client\//],
    ['pki/x.ts', "import x from '../relay/index.js';", /pki\/ may not import relay\//],
    ['relay/x.ts', "import x from '../client/transport/relayClient.js';", /relay\/ may not import client\//],
    ['relay/x.ts', "import x from '../electron/main/main.js';", /relay\/ may not import electron\//],
    ['client/cli/x.ts', "import x from '../../relay/store.js';", /only through its public entries/],
    ['client/transport/x.ts', "import x from '../../relay/index.js';", /Only the composition roots/],
    ['client/agent/x.ts', "import x from '../../electron/main/main.js';", /client\/ may not import electron\//],
    ['client/agent/x.ts', "import x from 'electron';", /'electron' belongs to electron\/ only/],
    ['electron/main/x.ts', "import x from '../../relay/index.js';", /electron\/ may not import relay\//],
    ['electron/main/x.ts', "import x from '../../pki/cms.js';", /electron\/ may not import pki\//],
    ['renderer/src/x.ts', "import x from '../../client/app/backend.js';", /renderer\/ may not import client\//],
    ['renderer/src/x.ts', "import x from 'node:fs';", /renderer\/ does not run in Node/],
    ['renderer/src/x.ts', "import x from 'better-sqlite3';", /'better-sqlite3' belongs to relay\/ only/],
    ['shared/x.ts', "import x from 'pdfkit';", /'pdfkit' belongs to client\/ only/],
    ['client/app/x.ts', "import x from 'pino';", /'pino' belongs to relay\/ only/],
    ['shared/x.ts', "import x from 'react';", /'react' belongs to renderer\/ only/],
    ['platform/x.ts', "import x from '../client/transport/spool.js';", /platform\/ may not import client\//],
    ['platform/x.ts', "import x from '../relay/index.js';", /platform\/ may not import relay\//],
    ['platform/x.ts', "import x from '../pki/cms.js';", /platform\/ may not import pki\//],
    ['shared/x.ts', "import x from '../platform/fs.js';", /shared\/ may not import platform\//],
    ['pki/x.ts', "import x from '../platform/fs.js';", /pki\/ may not import platform\//],
  ])('%s: %s is refused', async (file, line, message) => {
    const found = await layerFindings(file, line);
    expect(found.some((m) => message.test(m)), found.join('\n')).toBe(true);
  });

  it.each([
    ['client/cli/x.ts', "import x from '../../relay/index.js';"],
    ['client/app/offices.ts', "import x from '../../relay/dev.js';"],
    ['client/transport/x.ts', "import x from '../../pki/cms.js';"],
    ['relay/x.ts', "import x from '../pki/certs.js';"],
    ['relay/x.ts', "import x from '../shared/errors.js';"],
    ['electron/main/x.ts', "import x from '../../client/app/backend.js';"],
    ['electron/main/x.ts', "import x from 'electron';"],
    ['renderer/src/x.ts', "import x from '../../shared/api/types.js';"],
    ['pki/x.ts', "import x from '../shared/errors.js';"],
    ['platform/x.ts', "import x from '../shared/errors.js';"],
    ['platform/x.ts', "import x from 'node:fs';"],
    ['client/transport/x.ts', "import x from '../../platform/fs.js';"],
    ['relay/x.ts', "import x from '../platform/fs.js';"],
    ['electron/main/x.ts', "import x from '../../platform/userFiles.js';"],
  ])('%s: %s is allowed', async (file, line) => {
    expect(await layerFindings(file, line)).toEqual([]);
  });

  it('dynamic imports and re-exports are checked too', async () => {
    const [result] = await eslint.lintText("export { a } from '../client/app/backend.js';\nexport const b = () => import('../client/agent/agent.js');\n", { filePath: join(ROOT, 'relay', 'x.ts') });
    expect(result!.messages.filter((m) => m.ruleId === 'project/layers')).toHaveLength(2);
  });
});
