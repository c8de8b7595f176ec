// Writes schemas/*.schema.json from the zod schemas in the code (the one source): the office config
// and the spec data files. Editors validate against them through each file's `$schema`; vendors read
// them as the formats' reference. `npm run schemas` runs this; a test (shared/spec/jsonSchemas.test.ts)
// regenerates them in memory and fails when the committed files differ.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { officeConfigSchema } from '../client/transport/config.js';
import { packageRoot } from '../client/paths.js';
import { labelsFileSchema } from '../shared/spec/labels.js';
import { layoutSchema, manifestSchema } from '../shared/spec/modelSchemas.js';
import { serviceCodeMasterSchema } from '../shared/spec/serviceCodes.js';
import { serviceTypesFileSchema } from '../shared/spec/serviceTypesSchema.js';

/** File name in schemas/ → the schema it publishes. */
export const JSON_SCHEMAS = {
  'office-config.schema.json': officeConfigSchema,
  'spec-manifest.schema.json': manifestSchema,
  'spec-layout.schema.json': layoutSchema,
  'spec-labels.schema.json': labelsFileSchema,
  'spec-service-types.schema.json': serviceTypesFileSchema,
  'service-code-master.schema.json': serviceCodeMasterSchema,
} as const satisfies Record<string, z.ZodType>;

/** The text of each file: the schema of what may be written (the input side), two-space JSON. */
export function renderJsonSchemas(): Record<string, string> {
  return Object.fromEntries(Object.entries(JSON_SCHEMAS).map(([file, schema]) => [file, `${JSON.stringify(z.toJSONSchema(schema, { io: 'input' }), null, 2)}\n`]));
}

function writeJsonSchemas(dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(renderJsonSchemas())) {
    writeFileSync(join(dir, file), text);
    process.stdout.write(`wrote ${join(dir, file)}\n`);
  }
}

// Importing this module (the test does) writes nothing; running it does.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) writeJsonSchemas(join(packageRoot(), 'schemas'));
