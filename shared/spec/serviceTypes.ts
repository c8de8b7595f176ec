// サービス種類コード（サービスコードの先頭2桁）の表: specs/service-types.json。
// The one table of service-type codes (the first two characters of a サービスコード) with the names the
// spec prints, their scope and where each name comes from. Reports label codes with it ("11 訪問介護").
// specs/202407/spec.json (`serviceTypes`, what the validator reads) and specs/labels.json (the screens'
// short list with English names) must agree with it; serviceTypes.test.ts checks both, so a corrected
// name is changed in all three or the tests fail. Pure (a JSON import), like labels.ts.
import data from '../../specs/service-types.json' with { type: 'json' };
import type { LabelLang } from './labels.js';
import type { ServiceTypesFile } from './serviceTypesSchema.js';

export type { ServiceTypeEntry, ServiceTypesFile } from './serviceTypesSchema.js';

/**
 * The table as shipped. It is not parsed here: reports on the path of `careplan-link check` read it,
 * and zod costs about 65 ms of CPU to load; serviceTypes.test.ts parses the shipped file with the
 * strict schema (serviceTypesSchema.ts) instead, so a broken file fails the tests, not a clerk's check.
 */
export const serviceTypes: ServiceTypesFile = data as ServiceTypesFile;

/**
 * A service-type code with its name for a report: "11 訪問介護" / "11 Home help". Unlike labels.ts's
 * serviceTypeName (the screens' short list), every code of the table is named; an unknown code, a
 * malformed one or '' shows as it is.
 */
export function serviceTypeLabel(code: string, lang: LabelLang): string {
  const entry = Object.hasOwn(serviceTypes.serviceTypes, code) ? serviceTypes.serviceTypes[code] : undefined;
  return entry ? `${code} ${entry[lang]}` : code;
}
