// Names of the code values the plan files carry (要介護状態区分 21 → 要介護１, 計画書区分 52 → 初回＆継続,
// 認定状況区分 2 → 認定済 …). The names are spec data: the `codes` of each column in
// specs/202407/<layout>.json, taken from the layout definition (S1). Nothing here retypes them, so a
// corrected list in the spec data corrects every form. The JSON import keeps this module pure.
import { z } from 'zod';
import up1kyo from '../../specs/202407/UP1KYO.json' with { type: 'json' };
import up2kyo from '../../specs/202407/UP2KYO.json' with { type: 'json' };
import up3kyo from '../../specs/202407/UP3KYO.json' with { type: 'json' };
import uphosoku from '../../specs/202407/UPHOSOKU.json' with { type: 'json' };
import upsikyu from '../../specs/202407/UPSIKYU.json' with { type: 'json' };

/** The layouts the forms draw. */
export type FormFileType = 'UP1KYO' | 'UP2KYO' | 'UP3KYO' | 'UPHOSOKU' | 'UPSIKYU';

const layoutSchema = z.object({
  prefix: z.string(),
  title: z.string(),
  columns: z.array(z.object({ no: z.number().int().positive(), name: z.string(), codes: z.record(z.string(), z.string()).optional() })),
});

type Layout = z.infer<typeof layoutSchema>;

const LAYOUTS: Record<FormFileType, Layout> = {
  UP1KYO: layoutSchema.parse(up1kyo),
  UP2KYO: layoutSchema.parse(up2kyo),
  UP3KYO: layoutSchema.parse(up3kyo),
  UPHOSOKU: layoutSchema.parse(uphosoku),
  UPSIKYU: layoutSchema.parse(upsikyu),
};

/** The spec's title of a layout, e.g. 居宅サービス計画書（第1表）. */
export function layoutTitle(type: FormFileType): string {
  return LAYOUTS[type].title;
}

/** The code list of one column (column numbers as in the spec, from 1); empty when it has none. */
export function codeList(type: FormFileType, no: number): Record<string, string> {
  return LAYOUTS[type].columns.find((c) => c.no === no)?.codes ?? {};
}

/** A code value as a form shows it. */
export interface CodeText {
  code: string;
  /** The spec's name; '' when the value is blank; the bare code when the spec has no such value. */
  label: string;
  /** True when a non-blank value is not in the spec's list (the form shows it, marked). */
  unknown: boolean;
}

export function codeText(type: FormFileType, no: number, value: string): CodeText {
  const code = value.trim();
  if (code === '') return { code, label: '', unknown: false };
  const label = codeList(type, no)[code];
  return label ? { code, label, unknown: false } : { code, label: code, unknown: true };
}

/** One printed choice of a 「初回・紹介・継続」 style line, with the ones the record picks circled. */
export interface Choice {
  label: string;
  selected: boolean;
}

/**
 * The paper prints every choice and circles the chosen ones. For 計画書区分 the combined codes
 * (52 初回＆継続) circle each part, so the choices are the single-part names of the list, in order.
 */
export function choicesOf(type: FormFileType, no: number, value: string, only?: (code: string) => boolean): Choice[] {
  const list = codeList(type, no);
  const picked = list[value.trim()]?.split('＆') ?? [];
  return Object.entries(list)
    .filter(([code, label]) => !label.includes('＆') && (!only || only(code)))
    .map(([, label]) => ({ label, selected: picked.includes(label) }));
}
