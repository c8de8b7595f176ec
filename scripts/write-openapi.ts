// Writes relay/openapi.json, the relay's HTTP API as OpenAPI 3.1, from the zod protocol schemas
// (relay/openapi.ts). `npm run openapi` runs this; relay/openapi.test.ts regenerates the document in
// memory and fails when the committed file differs. The relay serves the same text on its admin port.
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageRoot } from '../client/paths.js';
import { renderOpenApi } from '../relay/openapi.js';

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const file = join(packageRoot(), 'relay', 'openapi.json');
  writeFileSync(file, renderOpenApi());
  process.stdout.write(`wrote ${file}\n`);
}
