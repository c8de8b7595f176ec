// The fixes of the spec audit (docs/spec-audit.md §1) that the fixture cases cannot pin on their own:
// message texts, units that must stay quiet, and the spec data loader's checks of the new rules.
// The fixture cases (fixtures/invalid/*, see scripts/fixtures/audit*.ts) pin codes and positions.
import iconv from 'iconv-lite';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeMs932 } from '../../client/check/ms932.js';
import { loadCatalog } from '../../client/check/specs.js';
import { generateFixtures, toCsv } from '../fixtures/generate.js';
import { newestEdition, SpecDataError } from '../spec/model.js';
import { checkLayout } from '../spec/modelCheck.js';
import { CODE_DOCS } from './codeDocs.js';
import { CODES } from './codes.js';
import { buildReport, validateBytes } from './index.js';

const catalog = loadCatalog();
const layouts = newestEdition(catalog).layouts;
const opts = { catalog, decoder: decodeMs932 };
const gen = generateFixtures(catalog, { month: '202504', users: 2 });
const pick = (kind: string) => gen.find((g) => g.kind === kind)!;
const encode = (kind: string, records: string[][]) => iconv.encode(toCsv(layouts.get(kind)!, records), 'cp932');
const copy = (kind: string) => pick(kind).records!.map((r) => [...r]);

describe('spec audit fixes', () => {
  it('F29: out-of-scope types are named as S2 §1.3/1.4 prints them', () => {
    const r = copy('UPPLAN');
    r[0]![14] = '321111';
    r[1]![14] = '591111';
    const messages = validateBytes(pick('UPPLAN').name, encode('UPPLAN', r), opts).report.errors.map((e) => e.message);
    expect(messages).toEqual([
      'サービス種類「32」（認知症対応型共同生活介護（短期利用以外））はデータ連携の対象外です',
      'サービス種類「59」（特定介護サービス等）はデータ連携の対象外です',
    ]);
  });

  it('F30: the gaiji hint no longer offers 髙, an MS932 character that passes', () => {
    expect(CODES.E_ENCODING_GAIJI.hintJa).not.toContain('髙→');
    const r = copy('UPPLAN');
    r[0]![6] = '髙﨑\u3000花子';
    const report = validateBytes(pick('UPPLAN').name, encode('UPPLAN', r), opts).report;
    expect([...report.errors, ...report.warnings]).toEqual([]);
  });

  it('F14: an end time of 2400 warns and says why', () => {
    const r = copy('UPPLAN');
    r[0]![12] = '2400';
    const report = validateBytes(pick('UPPLAN').name, encode('UPPLAN', r), opts).report;
    expect(report.errors).toEqual([]);
    expect(report.warnings.map((w) => [w.code, w.column, w.value])).toEqual([['W_FIELD_VALUE_UNCERTAIN', 13, '2400']]);
    expect(report.warnings[0]!.hint).toContain('24:00');
  });

  it('F12: the subtotal error quotes the reading; 31 without a subtotal only warns', () => {
    const r = copy('UPSIKYU').filter((x) => x[8] !== '11AAAA');
    const report = validateBytes(pick('UPSIKYU').name, encode('UPSIKYU', r), opts).report;
    expect(report.errors.map((e) => [e.code, e.value])).toEqual([
      ['E_TABLE7_SUBTOTAL_MISSING', '11'],
      ['E_TABLE7_SUBTOTAL_MISSING', '11'],
    ]);
    expect(report.errors[0]!.hint).toContain('サービスコードが複数行の場合は必須');
  });

  it('F24/F25: a 介護予防 unit warns about a missing annex only where its main file is sent', () => {
    const yobo = pick('UPYOBO');
    const report = buildReport([validateBytes(yobo.name, encode('UPYOBO', yobo.records!), opts)], catalog, { units: true });
    expect(report.units[0]!.errors).toEqual([]);
    expect(report.units[0]!.warnings.map((w) => w.message)).toEqual([expect.stringContaining('UPYOBO_SUB がありません')]);
  });

  it('F23: a complete 介護予防 unit names each image once and has no findings', () => {
    const files = gen.filter((g) => g.name.includes('_20250425120005'));
    const results = files.map((g) => validateBytes(g.name, g.text === null ? Uint8Array.from([0xff, 0xd8, 0xff, 0xe0]) : iconv.encode(g.text, 'cp932'), opts));
    const unit = buildReport(results, catalog, { units: true }).units[0]!;
    expect([...unit.errors, ...unit.warnings]).toEqual([]);
    expect(unit.files.filter((n) => n.startsWith('UPKIHON_IMAGE_')).length).toBe(2);
  });

  it('issue 13: generated 実績 never end before they start (they do not cross midnight)', () => {
    for (const r of pick('UPJSK').records!) if (r[11] !== '9999') expect(r[12]! > r[11]!, `${r[11]}〜${r[12]}`).toBe(true);
  });

  it('the loader refuses a new rule that points outside the layout', () => {
    const raw = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'specs', '202407', 'UPHOSOKU.json'), 'utf8')) as { rules: { rule: string; slotColumns?: number[] }[] };
    const slots = raw.rules.find((x) => x.rule === 'slotsInOrder')!;
    slots.slotColumns = [...slots.slotColumns!, 64];
    expect(() => checkLayout(raw, 't')).toThrow(SpecDataError);
    expect(() => checkLayout(raw, 't')).toThrow(/slotsInOrder/);
  });

  it('every finding code links to a row that exists in docs/spec-audit.md', () => {
    const audit = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'spec-audit.md'), 'utf8');
    for (const [code, doc] of Object.entries(CODE_DOCS)) if (doc.audit !== null) expect(audit, code).toContain(`<a id="${doc.audit}"></a>`);
    expect(Object.keys(CODE_DOCS).sort()).toEqual(Object.keys(CODES).sort());
  });
});
