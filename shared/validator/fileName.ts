// File-name rules (spec 4.1 S1/S2 §2.4): PREFIX[_YYYYMM]_<office 10>_<type 2>_<office 10>_<type 2>_<YYYYMMDDHHMMSS>.CSV
import type { Finding, FileMeta } from '../report/types.js';
import { newestEdition, type Edition, type MonthPart, type SpecCatalog } from '../spec/model.js';
import { makeFinding } from './findings.js';
import { isValidMonth, isValidTimestamp } from './calendar.js';
import { digitsOnly, upperAlnum } from './charShapes.js';

export interface ParsedName {
  meta: FileMeta | null;
  findings: Finding[];
  /** The prefix when the name starts with a known one, even if the rest is broken. */
  prefix: string | null;
  isImage: boolean;
}

export function namePattern(prefix: string, monthPart: MonthPart, isImage: boolean): string {
  const month = monthPart === 'month' ? '_YYYYMM' : monthPart === 'monthOrZero' ? '_YYYYMM(または000000)' : '';
  const tail = isImage ? '_枝番4桁.jpg' : '.CSV';
  return `${prefix}${month}_送信元事業所番号10桁_サービス種類2桁_送信先事業所番号10桁_サービス種類2桁_連番14桁${tail}`;
}

export function baseName(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return i >= 0 ? path.slice(i + 1) : path;
}

function monthPartOf(edition: Edition, prefix: string): MonthPart {
  const part = edition.layouts.get(prefix)?.fileName.monthPart ?? 'none';
  // The literal, not the spec data's own string: parseFileName compares it with literals, and optimised
  // code that met only literal (internalised) strings there was thrown away at the first other one.
  return part === 'month' ? 'month' : part === 'monthOrZero' ? 'monthOrZero' : 'none';
}

function titleOf(edition: Edition, prefix: string): string {
  return edition.layouts.get(prefix)?.title ?? (prefix === edition.manifest.image.prefix ? edition.manifest.image.title : prefix);
}

/** What a name's checks need to know about its prefix. */
interface PrefixInfo {
  monthPart: MonthPart;
  title: string;
  fromPlanning: boolean;
  fromService: boolean;
}

/** Per edition and prefix, worked out once: layouts differ in shape, and a folder holds thousands of names. */
const prefixInfos = new WeakMap<Edition, Map<string, PrefixInfo>>();

function prefixInfo(edition: Edition, prefix: string, isImage: boolean): PrefixInfo {
  let byPrefix = prefixInfos.get(edition);
  if (!byPrefix) prefixInfos.set(edition, (byPrefix = new Map()));
  let info = byPrefix.get(prefix);
  if (!info) {
    const d = edition.manifest.directions;
    info = { monthPart: isImage ? 'none' : monthPartOf(edition, prefix), title: titleOf(edition, prefix), fromPlanning: d.fromPlanningOffice.includes(prefix), fromService: d.fromServiceOffice.includes(prefix) };
    byPrefix.set(prefix, info);
  }
  return info;
}

/** The office number and service type of one side of the name (送信元 or 送信先). */
function checkParty(findings: Finding[], known: Edition['manifest']['serviceTypes'], office: string, type: string, role: string, roleEn: string): void {
  if (!digitsOnly(office, 10)) findings.push(makeFinding('E_NAME_OFFICE_NUMBER', {}, { value: office, role, roleEn }));
  if (!upperAlnum(type, 2)) findings.push(makeFinding('E_NAME_SERVICE_TYPE', {}, { value: type, role, roleEn }));
  else if (!(type in known.inScope || type in known.planning || type in known.outOfScope)) {
    findings.push(makeFinding('W_NAME_SERVICE_TYPE_UNKNOWN', {}, { value: type, role, roleEn }));
  }
}

export function parseFileName(name: string, catalog: SpecCatalog): ParsedName {
  const edition = newestEdition(catalog);
  const findings: Finding[] = [];
  // No string built per prefix: this runs for every file of a folder of thousands.
  let prefix: string | null = null;
  const prefixes = catalog.prefixes;
  for (let i = 0; i < prefixes.length; i++) {
    const p = prefixes[i]!;
    if (name.charCodeAt(p.length) === 95 /* _ */ && name.startsWith(p)) {
      prefix = p;
      break;
    }
  }
  if (!prefix) {
    findings.push(makeFinding('E_NAME_UNKNOWN_PREFIX', {}, { name }));
    return { meta: null, findings, prefix: null, isImage: false };
  }
  const isImage = prefix === edition.manifest.image.prefix;
  const info = prefixInfo(edition, prefix, isImage);
  const monthPart = info.monthPart;
  // The expected shape, in words, for the findings; built only when a name is wrong.
  let shape: string | null = null;
  const pattern = () => (shape ??= namePattern(prefix, monthPart, isImage));
  const dot = name.lastIndexOf('.');
  const extension = dot > prefix.length ? name.slice(dot + 1) : '';
  const body = dot > prefix.length ? name.slice(prefix.length + 1, dot) : name.slice(prefix.length + 1);
  const tokens = body.split('_');

  let month: string | null = null;
  if (monthPart !== 'none') {
    if (!digitsOnly(tokens[0] ?? '', 6)) {
      findings.push(makeFinding('E_NAME_MONTH_MISSING', {}, { kind: prefix, name, pattern: pattern() }));
      return { meta: null, findings, prefix, isImage };
    }
    month = tokens.shift()!;
  } else if (tokens.length === 6 + (isImage ? 1 : 0) && digitsOnly(tokens[0] ?? '', 6)) {
    findings.push(makeFinding('E_NAME_PATTERN', {}, { name, pattern: pattern(), detail: `${prefix}には年月を付けません` }));
    return { meta: null, findings, prefix, isImage };
  }

  const expected = 5 + (isImage ? 1 : 0);
  if (tokens.length === expected - 2 && digitsOnly(tokens[0] ?? '', 10) && digitsOnly(tokens[1] ?? '', 10)) {
    findings.push(makeFinding('E_NAME_V32_FORMAT', {}, { name, pattern: pattern() }));
    return { meta: null, findings, prefix, isImage };
  }
  if (tokens.length !== expected) {
    findings.push(makeFinding('E_NAME_PATTERN', {}, { name, pattern: pattern(), detail: `「_」で区切られた部分が${tokens.length}個（${expected}個のはず）` }));
    return { meta: null, findings, prefix, isImage };
  }
  // Read by index, not destructured: destructuring goes through the array iterator, a large piece of code to optimise.
  const fromOffice = tokens[0]!;
  const fromType = tokens[1]!;
  const toOffice = tokens[2]!;
  const toType = tokens[3]!;
  const sequence = tokens[4]!;
  const branch = isImage ? tokens[5] : undefined;

  if (month !== null && !(monthPart === 'monthOrZero' && month === '000000') && !isValidMonth(month)) {
    findings.push(makeFinding('E_NAME_MONTH', {}, { value: month }));
  }
  const known = edition.manifest.serviceTypes;
  checkParty(findings, known, fromOffice, fromType, '送信元', 'sender');
  checkParty(findings, known, toOffice, toType, '送信先', 'receiver');
  if (fromOffice === toOffice && fromType === toType) findings.push(makeFinding('E_NAME_SAME_OFFICE', {}, { value: `${fromOffice}_${fromType}` }));
  // isValidTimestamp reads all 14 characters as digits, so it is also the /^\d{14}$/ check.
  if (!isValidTimestamp(sequence)) findings.push(makeFinding('E_NAME_SEQUENCE', {}, { value: sequence }));

  if (isImage) {
    if (!digitsOnly(branch ?? '', 4)) {
      findings.push(makeFinding('E_NAME_PATTERN', {}, { name, pattern: pattern(), detail: '枝番は4桁の数字' }));
    }
    if (!edition.manifest.image.extensions.includes(extension)) {
      findings.push(makeFinding('E_NAME_EXTENSION', {}, { value: extension || '(なし)', expected: '.jpg' }));
    }
  } else if (extension !== 'CSV') {
    if (extension.toUpperCase() === 'CSV') findings.push(makeFinding('W_NAME_EXTENSION_CASE', {}, { value: `.${extension}` }));
    else findings.push(makeFinding('E_NAME_EXTENSION', {}, { value: extension || '(なし)', expected: '.CSV' }));
  }

  const planning = known.planning;
  const fromPlanning = info.fromPlanning;
  const checkType = fromPlanning ? fromType : toType;
  if (upperAlnum(checkType, 2) && !(checkType in planning) && (fromPlanning || info.fromService)) {
    findings.push(
      makeFinding('W_NAME_DIRECTION', {}, {
        kind: info.title,
        expected: fromPlanning ? '居宅介護支援事業所など（43・46）' : 'サービス事業所（送信先が43・46）',
        expectedEn: fromPlanning ? 'the care-management office (43/46)' : 'the service office (to 43/46)',
        value: fromPlanning ? fromType : `${fromType}→${toType}`,
      }),
    );
  }

  const meta: FileMeta = {
    kind: prefix,
    title: info.title,
    serviceMonth: month,
    sender: { office: fromOffice, serviceType: fromType },
    receiver: { office: toOffice, serviceType: toType },
    sequence,
    extension,
  };
  if (isImage && branch !== undefined) meta.imageBranch = branch;
  return { meta, findings, prefix, isImage };
}
