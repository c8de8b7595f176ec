// The shape of specs/service-types.json (published as schemas/spec-service-types.schema.json). The
// file ships with the app and serviceTypes.ts takes it as it is, without zod (it is on the path of
// `careplan-link check`); serviceTypes.test.ts reads it with this schema, so a broken file fails there.
import { z } from 'zod';

/** Two digits or capital letters: 11, 2A, A1. */
export const serviceTypeCodeSchema = z.string().regex(/^[0-9A-Z]{2}$/);

export const serviceTypeEntrySchema = z
  .object({
    ja: z.string().min(1).describe('The name the spec prints (S2 §1.3/§1.4), without ※ remarks.'),
    en: z.string().min(1).describe("The project's English name (the spec has no English)."),
    scope: z
      .enum(['inScope', 'outOfScope', 'planning'])
      .describe('inScope: linked by the spec (○); outOfScope: 対象外; planning: the care-management side that writes plans.'),
    source: z.string().min(1).describe('Where the name comes from: a source id of specs/<csvVersion>/spec.json with its section, or a public page named in docs/spec-audit.md.'),
    note: z.string().optional().describe('What the source says beyond the name, or what could not be confirmed.'),
  })
  .strict();

export type ServiceTypeEntry = z.infer<typeof serviceTypeEntrySchema>;

export const serviceTypesFileSchema = z
  .object({
    $schema: z.string().optional(),
    $comment: z.string().optional(),
    edition: z.string().min(1).describe('The spec edition whose lists the table follows (e.g. 4.1).'),
    serviceTypes: z.record(serviceTypeCodeSchema, serviceTypeEntrySchema),
  })
  .strict()
  .meta({ title: 'careplan-link service-type table', description: 'サービス種類コード → name, scope and source (specs/service-types.json).' });

export type ServiceTypesFile = z.infer<typeof serviceTypesFileSchema>;
