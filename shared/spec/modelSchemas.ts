// The standard spec's data shapes as zod schemas (also published as JSON Schemas in schemas/). They
// are strict: a misspelt key in the data is an error, not a rule quietly lost. modelCheck.ts reads spec
// data with them. They are kept out of model.ts, which the validator imports at run time: the spec data
// the app ships is trusted there (specFiles.test.ts checks every shipped file with these schemas), so
// `careplan-link check` does not load zod (about 65 ms of CPU at start).
import { z } from 'zod';
import { COLUMN_TYPE_NAMES } from './model.js';

/** Every object of the spec data may carry a `$comment` for the people who maintain it. */
function specObject<T extends z.ZodRawShape>(shape: T) {
  return z.strictObject({ $comment: z.string().optional(), ...shape });
}

const schemaPointer = z.string().optional().describe("The editor's pointer to the published JSON Schema (schemas/); the loader does not read it.");
const sixDigits = z.string().regex(/^\d{6}$/);
const columnNo = z.number().int().min(1);
const sources = z.array(z.string());

export const uncertaintySchema = specObject({
  required: z.string().optional(),
  length: z.string().optional(),
  format: z.string().optional(),
  note: z.string().optional(),
}).describe('Which aspects of a column rest on an UNCERTAIN reading of the spec, and why: those rules warn instead of failing.');
export type Uncertainty = z.infer<typeof uncertaintySchema>;

export const columnSchema = specObject({
  no: columnNo,
  name: z.string().min(1),
  type: z.enum(COLUMN_TYPE_NAMES),
  length: z.number().int().positive().optional(),
  lengthKind: z.enum(['fixed', 'max']).optional(),
  required: z.boolean(),
  codes: z.record(z.string(), z.string()).optional(),
  allow: z.array(z.string()).optional().describe('Special values accepted besides the type\'s own format (e.g. 9999 for "no time").'),
  allowUncertain: z
    .record(z.string(), z.string())
    .optional()
    .describe('Values the spec neither allows nor forbids (value → why): accepted with a warning instead of failing the type check (e.g. 2400 as an end time).'),
  signed: z.boolean().optional().describe('An integer column that may be negative (reductions).'),
  range: z.tuple([z.number(), z.number()]).optional(),
  pattern: z.string().optional(),
  patternLabel: z.string().optional(),
  allowPseudo: z.boolean().optional().describe('第7表 pseudo service codes (xxAAAA, xxEEEE, xxZZZZ, 999999) are allowed.'),
  quoted: z.literal('always').optional(),
  personal: z.boolean().optional(),
  uncertain: uncertaintySchema.optional(),
  formatNote: z.string().optional(),
  notes: z.string().optional(),
  source: sources.min(1),
});
export type ColumnSpec = z.infer<typeof columnSchema>;

export const fileRuleSchema = z.discriminatedUnion('rule', [
  specObject({ rule: z.literal('dateInMonth'), column: columnNo, monthColumn: columnNo, source: z.string() }),
  specObject({ rule: z.literal('dayFlagsInMonth'), column: columnNo, monthColumn: columnNo, source: z.string() }),
  specObject({ rule: z.literal('serviceTypeInScope'), column: columnNo, source: z.string() }),
  specObject({ rule: z.literal('welfareEquipmentItem'), serviceCodeColumn: columnNo, serviceTypes: z.array(z.string()), anyOf: z.array(columnNo), source: z.string() }),
  specObject({
    rule: z.literal('table7Totals'),
    serviceCodeColumn: columnNo,
    officeColumn: columnNo,
    unitsColumn: columnNo,
    emptyOnTotals: z.array(columnNo),
    subtotalRequiredWhy: z.string().describe('The reading behind the error for a service type with several detail rows and no xxAAAA row.'),
    subtotalWarnOnly: z.record(z.string(), z.string()).describe('Service types (→ why) for which a missing subtotal row is only a warning.'),
    source: z.string(),
  }),
  specObject({ rule: z.literal('hosokuLink'), planDateColumn: columnNo, monthColumn: columnNo, source: z.string() }),
  specObject({
    rule: z.literal('onlyForServiceTypes'),
    column: columnNo,
    serviceCodeColumn: columnNo,
    serviceTypes: z.array(z.string()).describe('Types of the service code for which the column may be filled.'),
    uncertainTypes: z.record(z.string(), z.string()).optional().describe('Types (→ why) for which a filled column is only a warning.'),
    source: z.string(),
  }).describe('The column stays empty unless the record\'s service type is one of serviceTypes.'),
  specObject({
    rule: z.literal('requiredWhen'),
    column: columnNo,
    whenColumn: columnNo,
    values: z.array(z.string()),
    source: z.string(),
  }).describe('The column must be filled when whenColumn holds one of values.'),
  specObject({
    rule: z.literal('slotsInOrder'),
    slotColumns: z.array(columnNo).describe('The first column of each slot, in slot order.'),
    width: z.number().int().positive().describe('Columns per slot.'),
    source: z.string(),
  }).describe('Repeated slots are filled from slot 1 on: a filled slot after an empty one is an error.'),
  specObject({
    rule: z.literal('codeInstead'),
    columns: z.array(columnNo),
    codes: z.record(z.string(), z.string()).describe('Code written → the code the spec asks for instead.'),
    source: z.string(),
  }),
  specObject({
    rule: z.literal('companionFileName'),
    column: columnNo,
    prefix: z.string(),
    source: z.string(),
  }).describe("A file name in the column must share this file's sender, receiver and sequence."),
  specObject({
    rule: z.literal('blankOnRepeat'),
    keyColumns: z.array(columnNo).describe('Columns that identify the group (user and NO).'),
    columns: z.array(columnNo).describe('Columns filled on the group\'s first row only.'),
    source: z.string(),
  }).describe("Rows of one group after its first leave the group's columns empty (a warning)."),
]);
export type FileRule = z.infer<typeof fileRuleSchema>;

export const monthPartSchema = z.enum(['month', 'monthOrZero', 'none']);
export type MonthPart = z.infer<typeof monthPartSchema>;

/** One file type's layout: specs/<csvVersion>/<PREFIX>.json. */
export const layoutSchema = specObject({
  $schema: schemaPointer,
  specEdition: z.string(),
  csvVersion: sixDigits,
  prefix: z.string().regex(/^[A-Z0-9_]+$/),
  title: z.string(),
  jaName: z.string(),
  group: z.string(),
  direction: z.string().optional(),
  fileName: specObject({ monthPart: monthPartSchema, example: z.union([z.string(), z.array(z.string())]), exampleForPlan: z.string().optional(), note: z.string().optional() }),
  monthColumn: columnNo.optional(),
  userKey: z.array(columnNo),
  serviceLine: specObject({ officeColumn: columnNo, codeColumn: columnNo }).optional().describe('Where a record names its provider and service code, for the 第6表 ↔ 第7表 cross-check.'),
  deleteFile: z.boolean().optional(),
  recordUnit: z.string().nullable().optional().describe('What one record stands for, in words (documentation only).'),
  rowEncoding: specObject({
    summary: z.string(),
    example: z.array(z.record(z.string(), z.union([z.string(), z.number()]))).optional(),
    exampleNotes: z.string().optional(),
    uncertain: z.string().optional(),
  })
    .optional()
    .describe("How several values share one record, with the spec's example (documentation only)."),
  requiredColumnsNote: z.string().optional(),
  uncertain: z.string().optional().describe('Why parts of this layout are a best-effort reading of the spec (documentation only).'),
  columnCount: z.number().int().positive(),
  columns: z.array(columnSchema),
  rules: z.array(fileRuleSchema),
  sources,
}).meta({ title: 'careplan-link spec layout', description: 'One file type of the standard spec (specs/<csvVersion>/<PREFIX>.json): its file name, columns and file rules.' });
export type LayoutSpec = z.infer<typeof layoutSchema>;

export const unitMemberSchema = specObject({
  prefix: z.string(),
  need: z
    .enum(['required', 'expected', 'anchor', 'optional'])
    .describe('required: error when missing; expected: warning when missing (with `requires`: only when that file is in the unit); anchor: at least one anchor must be present; optional.'),
  month: z.enum(['zero', 'service']).optional(),
  requires: z.string().optional(),
  many: z.boolean().optional(),
  namedBy: specObject({ prefix: z.string(), column: columnNo })
    .optional()
    .describe('Files of this member are named in that column of that file: a named file must be in the unit; an unnamed one is a warning.'),
  note: z.string().optional(),
});
export type UnitMember = z.infer<typeof unitMemberSchema>;

export const unitLinkSchema = specObject({ from: z.string(), to: z.string(), fromKey: z.array(columnNo), toKey: z.array(columnNo) });
export type UnitLink = z.infer<typeof unitLinkSchema>;

export const sendUnitSchema = specObject({
  id: z.string(),
  title: z.string(),
  members: z.array(unitMemberSchema),
  sameMonth: z.boolean().optional(),
  links: z.array(unitLinkSchema).optional(),
  source: sources,
});
export type SendUnitSpec = z.infer<typeof sendUnitSchema>;

const codeNames = z.record(z.string(), z.string());

/** The edition's own facts: specs/<csvVersion>/spec.json. */
export const manifestSchema = specObject({
  $schema: schemaPointer,
  specEdition: z.string(),
  title: z.string(),
  issued: z.string().optional(),
  csvVersion: sixDigits,
  appliesFromServiceMonth: sixDigits,
  csvVersionHistory: z.array(specObject({ value: sixDigits, appliesFromServiceMonth: sixDigits, edition: z.string() })),
  encoding: specObject({ charset: z.string(), gaiji: z.string(), source: sources.optional() }).optional(),
  lineEnding: specObject({ expected: z.literal('CRLF'), uncertain: z.string().optional() }),
  fileNameExtension: specObject({ expected: z.string(), uncertain: z.string().optional() }),
  serviceTypes: specObject({ inScope: codeNames, outOfScope: codeNames, planning: codeNames, source: sources.optional() }),
  directions: specObject({ fromPlanningOffice: z.array(z.string()), fromServiceOffice: z.array(z.string()) }),
  image: specObject({ prefix: z.string(), title: z.string(), extensions: z.array(z.string()), branchDigits: z.number().int().positive(), companionOf: z.string(), source: sources.optional() }),
  sendUnits: z.array(sendUnitSchema),
  sources: z.record(z.string(), specObject({ what: z.string(), url: z.string() })),
}).meta({ title: 'careplan-link spec edition manifest', description: 'The edition-level facts of one standard-spec edition (specs/<csvVersion>/spec.json): CSV version, service types, send units, sources.' });
export type EditionManifest = z.infer<typeof manifestSchema>;
