// サービス種類コード（サービスコードの先頭2桁）の表: specs/service-types.json。
// The one table of service-type codes (the first two characters of a サービスコード) with the names the
// spec prints, their scope and where each name comes from. Reports label codes with it ("11 訪問介護").
// specs/202407/spec.json (`serviceTypes`, what the validator reads) and specs/labels.json (the screens'
// short list with English names) must agree with it; serviceTypes.test.ts checks both, so a corrected
// name is changed in all three or the tests fail. Pure (a JSON import), like labels.ts.
import { z } from 'zod';
import data from '../../specs/service-types.json' with { type: 'json' };
import type { LabelLang } from './labels.js';

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

/** The checked table. A broken file fails at start-up, not as a missing name in a report. */
export const serviceTypes: ServiceTypesFile = serviceTypesFileSchema.parse(data);

/**
 * A service-type code with its name for a report: "11 訪問介護" / "11 Home help". Unlike labels.ts's
 * serviceTypeName (the screens' short list), every code of the table is named; an unknown code, a
 * malformed one or '' shows as it is.
 */
export function serviceTypeLabel(code: string, lang: LabelLang): string {
  const entry = Object.hasOwn(serviceTypes.serviceTypes, code) ? serviceTypes.serviceTypes[code] : undefined;
  return entry ? `${code} ${entry[lang]}` : code;
}
