// The column types a spec layout may name. Both the zod schema (modelSchemas.ts) and the zod-free model
// (model.ts) read this list, so it lives on its own.
export const COLUMN_TYPE_NAMES = [
  'csvVersion', 'insurerNo', 'insuredNo', 'officeNo', 'serviceType', 'serviceCode', 'itemCode',
  'digits', 'integer', 'decimal', 'code', 'date', 'month', 'time', 'postal', 'dayFlags', 'text', 'freeText',
] as const;

export type ColumnType = (typeof COLUMN_TYPE_NAMES)[number];
