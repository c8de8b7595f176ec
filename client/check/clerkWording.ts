// What a clerk is told about the files people actually drop: an Excel or text file, a name typed in
// lower case, a copy Windows named `… (2).CSV`, a file saved as UTF-8. The validator's findings stay
// exact for vendors (the CLI, the JSON report); the app and the agent's .errors.txt show these
// sentences instead, one per file, with what to do in the care software.
import type { Text } from '../../shared/api/types.js';
import type { Finding } from '../../shared/report/types.js';
import type { SpecCatalog } from '../../shared/spec/model.js';
import { parseFileName } from '../../shared/validator/fileName.js';

const EXCEL = /\.(xlsx|xlsm|xls|ods)$/i;
const TEXT = /\.(txt|tsv|prn|doc|docx|pdf)$/i;
/** Explorer's copy of a file: `NAME (2).CSV`, `NAME - コピー.CSV`, `NAME - Copy.CSV`. */
const COPY = /( \(\d+\)| - コピー| - Copy)(\.[^.]*)?$/i;

export const CLERK = {
  excel: { ja: 'Excel のファイルは送れません。介護ソフトから CSV で出力してください', en: 'Excel files cannot be sent. Export the data as CSV from the care software' },
  text: { ja: 'テキストや文書のファイルは送れません。介護ソフトから CSV で出力してください', en: 'Text or document files cannot be sent. Export the data as CSV from the care software' },
  upperCase: { ja: 'ファイル名は大文字にしてください（介護ソフトが出力した名前のまま送ってください）', en: 'File names must be in capital letters (send the files under the names the care software gave them)' },
  copy: {
    ja: 'Windows がコピーしたときに付けた「 (2)」などが名前に入っています。同じファイルが二重にないか確かめ、介護ソフトから出力し直してください',
    en: 'The name carries the " (2)" (or similar) that Windows adds to a copy. Check the file is not there twice, and export it again from the care software',
  },
  notSpec: { ja: '標準仕様のファイル名ではないため送りません。介護ソフトが出力したファイルだけを入れてください', en: 'Not a standard-spec file name, so it is not sent. Put only the files the care software exported here' },
  utf8: {
    ja: 'ファイルが UTF-8 で保存されています。介護ソフトから出力したままのファイル（Shift_JIS）を送ってください。Excel やメモ帳で開いて保存し直すと、この形式に変わります',
    en: 'The file is saved as UTF-8. Send the file as the care software exported it (Shift_JIS); opening and saving it in Excel or Notepad changes it to UTF-8',
  },
} as const satisfies Record<string, Text>;

/**
 * A file the agent and the send screen take: a standard-spec name, and not a copy Windows made of one
 * (`… (2).CSV` parses, its sequence being wrong, but it is almost always a second copy of a file
 * already exported: it stays in the folder, listed with the reason, rather than sent or filed as an error).
 */
export function isSendableName(name: string, catalog: SpecCatalog): boolean {
  return !COPY.test(name) && parseFileName(name, catalog).meta !== null;
}

/** What is wrong with a file's name as a clerk would understand it, or null when the name is not the problem. */
export function nameProblem(name: string, catalog: SpecCatalog): Text | null {
  if (EXCEL.test(name)) return CLERK.excel;
  if (TEXT.test(name)) return CLERK.text;
  if (COPY.test(name)) return CLERK.copy;
  if (parseFileName(name, catalog).meta !== null) return null;
  const upper = name.toUpperCase();
  if (upper !== name && parseFileName(upper.replace(/\.JPE?G$/, (e) => e.toLowerCase()), catalog).meta !== null) return CLERK.upperCase;
  if (upper !== name && parseFileName(upper, catalog).meta !== null) return CLERK.upperCase;
  return CLERK.notSpec;
}

const UTF8_CODES = new Set(['E_ENCODING_LOOKS_UTF8', 'E_ENCODING_UTF8_BOM']);

/** A finding that says the whole file is wrong, in the clerk's sentence. */
function wholeFile(first: Finding | undefined, text: Text): Finding {
  return { code: first?.code ?? 'E_NAME_UNKNOWN_PREFIX', severity: 'error', row: null, line: null, column: null, field: null, message: text.ja, messageEn: text.en, hint: '', hintEn: '' };
}

/**
 * A file's findings as the app shows them: a file that is not CSV at all, or saved as UTF-8, is one
 * finding with the fix (not one per byte the decoder could not read); anything else is unchanged.
 */
export function clerkFindings(name: string, errors: Finding[], catalog: SpecCatalog): { summary: Text | null; errors: Finding[] } {
  const byName = nameProblem(name, catalog);
  if (byName === CLERK.excel || byName === CLERK.text) return { summary: byName, errors: [wholeFile(errors[0], byName)] };
  // A copy's or a lower-case name's findings about the name say the same thing in the validator's terms.
  if (byName === CLERK.copy || byName === CLERK.upperCase) return { summary: byName, errors: [wholeFile(errors.find((f) => f.code.startsWith('E_NAME_')), byName), ...errors.filter((f) => !f.code.startsWith('E_NAME_'))] };
  const utf8 = errors.find((f) => UTF8_CODES.has(f.code));
  if (utf8) return { summary: CLERK.utf8, errors: [{ ...utf8, message: CLERK.utf8.ja, messageEn: CLERK.utf8.en, hint: utf8.hint, hintEn: utf8.hintEn }] };
  return { summary: byName, errors };
}
