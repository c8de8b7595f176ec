// The file-name rules through parseFileName, and what validateBytes makes of a name (the field rules
// are in fields.test.ts; the helpers in test/support/fieldRules.ts).
import { describe, expect, it } from 'vitest';
import { encodeMs932 } from '../../client/check/ms932.js';
import { parseFileName } from './index.js';
import { catalog, check, checkText, edition, layout, sample, serialize } from '../../test/support/fieldRules.js';

// ── file names ───────────────────────────────────────────────────────────────────────────
describe('parseFileName', () => {
  const SEQ = '20250425120002';
  const CM = '1310000011_43';
  const HH = '1310000029_11';

  function validNames(prefix: string): string[] {
    if (prefix === edition.manifest.image.prefix) return [`${prefix}_1310000011_46_1310000029_A2_${SEQ}_0001.jpg`];
    const [from, to] = edition.manifest.directions.fromServiceOffice.includes(prefix) ? [HH, CM] : [CM, HH];
    const part = layout(prefix).fileName.monthPart;
    if (part === 'none') return [`${prefix}_${from}_${to}_${SEQ}.CSV`];
    if (part === 'monthOrZero') return [`${prefix}_000000_${from}_${to}_${SEQ}.CSV`, `${prefix}_202504_${from}_${to}_${SEQ}.CSV`];
    return [`${prefix}_202504_${from}_${to}_${SEQ}.CSV`];
  }

  it('knows every prefix of the spec', () => {
    expect([...catalog.prefixes].sort()).toEqual(
      ['DLT1KYO', 'DLTJSK', 'DLTKIHON', 'DLTPLAN', 'DLTYOBO', 'UP1KYO', 'UP2KYO', 'UP3KYO', 'UPHOSOKU', 'UPJSK', 'UPKIHON', 'UPKIHON_IMAGE', 'UPKIHON_SUB1', 'UPKIHON_SUB2', 'UPPLAN', 'UPSIKYU', 'UPYOBO', 'UPYOBO_SUB'].sort(),
    );
  });

  it.each(catalog.prefixes.flatMap(validNames).map((n) => [n]))('%s is a valid name', (name) => {
    const p = parseFileName(name, catalog);
    expect(p.findings).toEqual([]);
    const prefix = catalog.prefixes.find((x) => name.startsWith(`${x}_`))!;
    expect(p.prefix).toBe(prefix);
    expect(p.isImage).toBe(prefix === 'UPKIHON_IMAGE');
    const tokens = name.replace(/\.[^.]+$/, '').slice(prefix.length + 1).split('_');
    const month = /^\d{6}$/.test(tokens[0]!) ? tokens.shift()! : null;
    expect(p.meta).toMatchObject({
      kind: prefix,
      serviceMonth: month,
      sender: { office: tokens[0], serviceType: tokens[1] },
      receiver: { office: tokens[2], serviceType: tokens[3] },
      sequence: tokens[4],
      extension: name.slice(name.lastIndexOf('.') + 1),
    });
  });

  it.each(
    [...edition.layouts.values()].flatMap((l) => (Array.isArray(l.fileName.example) ? (l.fileName.example as string[]) : [l.fileName.example])).map((n) => [n]),
  )('the spec example %s has no errors', (name) => {
    const p = parseFileName(name, catalog);
    expect(p.findings.filter((f) => f.severity === 'error')).toEqual([]);
    // The spec's own 実績 examples swap the service types; that is a warning.
    const expected = /^(UPJSK|DLTJSK)_/.test(name) ? ['W_NAME_DIRECTION'] : [];
    expect(p.findings.map((f) => f.code)).toEqual(expected);
  });

  const codes = (name: string) => parseFileName(name, catalog).findings.map((f) => [f.code, f.severity, f.value ?? null]);

  it('unknown prefix', () => {
    const p = parseFileName(`UPFOO_202504_${CM}_${HH}_${SEQ}.CSV`, catalog);
    expect(p.findings.map((f) => f.code)).toEqual(['E_NAME_UNKNOWN_PREFIX']);
    expect(p.prefix).toBeNull();
    expect(p.meta).toBeNull();
    expect(codes(`upplan_202504_${CM}_${HH}_${SEQ}.CSV`)).toEqual([['E_NAME_UNKNOWN_PREFIX', 'error', null]]);
    expect(codes(`UPPLAN202504_${CM}_${HH}_${SEQ}.CSV`)).toEqual([['E_NAME_UNKNOWN_PREFIX', 'error', null]]);
  });

  it('9-digit office numbers', () => {
    const sender = parseFileName(`UPPLAN_202504_131000001_43_${HH}_${SEQ}.CSV`, catalog).findings;
    expect(sender.map((f) => [f.code, f.value])).toEqual([['E_NAME_OFFICE_NUMBER', '131000001']]);
    expect(sender[0]!.message).toBe('ファイル名の送信元事業所番号「131000001」が10桁の数字ではありません');
    const receiver = parseFileName(`UPPLAN_202504_${CM}_131000002_11_${SEQ}.CSV`, catalog).findings;
    expect(receiver.map((f) => [f.code, f.value])).toEqual([['E_NAME_OFFICE_NUMBER', '131000002']]);
    expect(receiver[0]!.message).toBe('ファイル名の送信先事業所番号「131000002」が10桁の数字ではありません');
  });

  it('month 202513', () => {
    expect(codes(`UPPLAN_202513_${CM}_${HH}_${SEQ}.CSV`)).toEqual([['E_NAME_MONTH', 'error', '202513']]);
    expect(codes(`UPHOSOKU_202500_${CM}_${HH}_${SEQ}.CSV`)).toEqual([['E_NAME_MONTH', 'error', '202500']]);
  });

  it('000000 is a month only for 利用者補足情報', () => {
    expect(codes(`UPHOSOKU_000000_${CM}_${HH}_${SEQ}.CSV`)).toEqual([]);
    expect(codes(`UPPLAN_000000_${CM}_${HH}_${SEQ}.CSV`)).toEqual([['E_NAME_MONTH', 'error', '000000']]);
  });

  it('a month is required, or forbidden, by the prefix', () => {
    expect(codes(`UPPLAN_${CM}_${HH}_${SEQ}.CSV`)).toEqual([['E_NAME_MONTH_MISSING', 'error', null]]);
    expect(codes(`UP1KYO_202504_${CM}_${HH}_${SEQ}.CSV`)).toEqual([['E_NAME_PATTERN', 'error', null]]);
  });

  it('sequence 20250230120000 is not a real moment', () => {
    expect(codes(`UPPLAN_202504_${CM}_${HH}_20250230120000.CSV`)).toEqual([['E_NAME_SEQUENCE', 'error', '20250230120000']]);
    expect(codes(`UPPLAN_202504_${CM}_${HH}_20250425240000.CSV`)).toEqual([['E_NAME_SEQUENCE', 'error', '20250425240000']]);
    expect(codes(`UPPLAN_202504_${CM}_${HH}_2025042512000.CSV`)).toEqual([['E_NAME_SEQUENCE', 'error', '2025042512000']]);
  });

  it('3.2-style name without service types', () => {
    expect(codes(`UPPLAN_202504_1310000011_1310000029_${SEQ}.CSV`)).toEqual([['E_NAME_V32_FORMAT', 'error', null]]);
    expect(codes(`UP2KYO_1310000011_1310000029_${SEQ}.CSV`)).toEqual([['E_NAME_V32_FORMAT', 'error', null]]);
    expect(parseFileName(`UP2KYO_1310000011_1310000029_${SEQ}.CSV`, catalog).meta).toBeNull();
  });

  it('lower-case .csv is a warning only', () => {
    const p = parseFileName(`UPPLAN_202504_${CM}_${HH}_${SEQ}.csv`, catalog);
    expect(p.findings.map((f) => [f.code, f.severity, f.value])).toEqual([['W_NAME_EXTENSION_CASE', 'warning', '.csv']]);
    expect(p.meta?.extension).toBe('csv');
    // …and through the validator, a valid file so named stays valid.
    const s = sample('UPPLAN');
    const r = checkText(s.name.replace(/\.CSV$/, '.csv'), serialize(s.records));
    expect(r.valid).toBe(true);
    expect(r.errors).toEqual([]);
    expect(r.warnings.map((f) => f.code)).toEqual(['W_NAME_EXTENSION_CASE']);
  });

  it('other extensions are errors', () => {
    expect(codes(`UPPLAN_202504_${CM}_${HH}_${SEQ}.TXT`)).toEqual([['E_NAME_EXTENSION', 'error', 'TXT']]);
    expect(codes(`UPPLAN_202504_${CM}_${HH}_${SEQ}`)).toEqual([['E_NAME_EXTENSION', 'error', '(なし)']]);
  });

  it('UPKIHON_IMAGE with a 4-digit branch', () => {
    for (const ext of ['jpg', 'JPG']) {
      const p = parseFileName(`UPKIHON_IMAGE_1310000011_46_1310000029_A2_${SEQ}_0001.${ext}`, catalog);
      expect(p.findings).toEqual([]);
      expect(p.isImage).toBe(true);
      expect(p.prefix).toBe('UPKIHON_IMAGE');
      expect(p.meta?.imageBranch).toBe('0001');
      expect(p.meta?.serviceMonth).toBeNull();
    }
  });

  it('UPKIHON_IMAGE without a branch, or with a short one', () => {
    const none = parseFileName(`UPKIHON_IMAGE_1310000011_46_1310000029_A2_${SEQ}.jpg`, catalog);
    expect(none.findings.map((f) => f.code)).toEqual(['E_NAME_PATTERN']);
    expect(none.findings[0]!.message).toContain('「_」で区切られた部分が5個（6個のはず）');
    expect(none.isImage).toBe(true);
    const short = parseFileName(`UPKIHON_IMAGE_1310000011_46_1310000029_A2_${SEQ}_001.jpg`, catalog);
    expect(short.findings.map((f) => f.code)).toEqual(['E_NAME_PATTERN']);
    expect(short.findings[0]!.message).toContain('枝番は4桁の数字');
    expect(codes(`UPKIHON_IMAGE_1310000011_46_1310000029_A2_${SEQ}_0001.jpeg`)).toEqual([['E_NAME_EXTENSION', 'error', 'jpeg']]);
  });

  it('UPKIHON_IMAGE content must be a JPEG', () => {
    const name = `UPKIHON_IMAGE_1310000011_46_1310000029_A2_${SEQ}_0001.jpg`;
    expect(check(name, Uint8Array.from([0xff, 0xd8, 0xff, 0xe0])).errors).toEqual([]);
    expect(check(name, encodeMs932('not a jpeg')).errors.map((f) => f.code)).toEqual(['E_IMAGE_NOT_JPEG']);
  });

  it('service types, same office and direction', () => {
    expect(codes(`UPPLAN_202504_1310000011_4_${HH}_${SEQ}.CSV`)).toEqual([['E_NAME_SERVICE_TYPE', 'error', '4']]);
    expect(codes(`UPPLAN_202504_${CM}_1310000029_ZZ_${SEQ}.CSV`)).toEqual([['W_NAME_SERVICE_TYPE_UNKNOWN', 'warning', 'ZZ']]);
    expect(codes(`UPPLAN_202504_${CM}_${CM}_${SEQ}.CSV`)).toEqual([['E_NAME_SAME_OFFICE', 'error', '1310000011_43']]);
    expect(codes(`UPPLAN_202504_${HH}_${CM}_${SEQ}.CSV`)).toEqual([['W_NAME_DIRECTION', 'warning', '11']]);
  });
});
