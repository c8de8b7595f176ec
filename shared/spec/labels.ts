// Names people read for codes of the standard spec (service types, file kinds), in Japanese and
// English. The names are data (specs/labels.json), so a new or corrected name is a data change; this
// module only checks the file's shape when it loads and looks names up. It is pure (a JSON import,
// no file system), so the renderer, the CLI and tests read the same names.
import { z } from 'zod';
import data from '../../specs/labels.json' with { type: 'json' };

export type LabelLang = 'ja' | 'en';

export const labelSchema = z
  .object({
    ja: z.string().min(1),
    en: z.string().min(1),
    source: z
      .string()
      .min(1)
      .describe(
        'Where the Japanese name comes from: a source id of specs/<csvVersion>/spec.json with its section (e.g. "S2 §1.3"), or "project" when the wording is ours. Every English name is the project\'s own.',
      ),
  })
  .strict();

export type Label = z.infer<typeof labelSchema>;

/** Service-type codes are two digits or capital letters (11, 2A, A1). */
const serviceTypeCode = z.string().regex(/^[0-9A-Z]{2}$/);
/** File kinds are the file-name prefixes of the spec's layouts (UPPLAN, UPKIHON_SUB1). */
const fileKind = z.string().regex(/^[A-Z][A-Z0-9_]*$/);

export const labelsFileSchema = z
  .object({
    $schema: z.string().optional(),
    $comment: z.string().optional(),
    serviceTypes: z.record(serviceTypeCode, labelSchema).describe('サービス種類コード → name'),
    fileKinds: z.record(fileKind, labelSchema).describe('File-name prefix (the layout) → short name'),
  })
  .strict();

export type LabelsFile = z.infer<typeof labelsFileSchema>;

/** The checked names. A broken labels.json fails here, at start-up, not as a blank label on screen. */
export const labels: LabelsFile = labelsFileSchema.parse(data);

/** A service type as the screens show it: "11 訪問介護". An unknown code shows as the bare code. */
export function serviceTypeName(code: string, lang: LabelLang): string {
  const label = labels.serviceTypes[code];
  return label ? `${code} ${label[lang]}` : code;
}

/** A file kind (the file-name prefix, e.g. UPPLAN) as people call it. Unknown kinds show as they are. */
export function kindName(kind: string, lang: LabelLang): string {
  return labels.fileKinds[kind]?.[lang] ?? kind;
}
