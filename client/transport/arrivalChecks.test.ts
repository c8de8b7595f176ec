// The arrival checks on their own: which names may become files, and which columns name the sender.
// The sender-column list lives in code (the layouts do not mark such columns), so it is held here
// against the spec data: every listed column must be an office-number column of its layout.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { newestEdition } from '../../shared/spec/model.js';
import { parseFileName } from '../../shared/validator/index.js';
import { loadCatalog } from '../check/specs.js';
import { checkContentOffices, checkFileNames, checkNameOffices, isSpecFileName, Quarantine, SENDER_COLUMNS } from './arrivalChecks.js';

const catalog = loadCatalog();
const VALID = join(import.meta.dirname, '..', '..', 'fixtures', 'valid');
const valid = readdirSync(VALID).map((name) => ({ name, data: readFileSync(join(VALID, name)) }));
const PLAN = 'UPPLAN_202504_1310000011_43_1310000029_11_20250425120002.CSV';

function refusal(check: () => void): Quarantine {
  try {
    check();
  } catch (e) {
    expect(e).toBeInstanceOf(Quarantine);
    return e as Quarantine;
  }
  throw new Error('the check passed');
}

describe('the sender columns', () => {
  it('are office-number columns of their layouts, in the newest edition', () => {
    const layouts = newestEdition(catalog).layouts;
    for (const [kind, columns] of Object.entries(SENDER_COLUMNS)) {
      const layout = layouts.get(kind);
      expect(layout, kind).toBeDefined();
      for (const no of columns) expect(layout!.columns[no - 1]?.type, `${kind} No.${no}`).toBe('officeNo');
    }
  });

  it('name the file name’s sender in every valid fixture, in both directions (plans from 43, actuals from 11)', () => {
    for (const f of valid) {
      const meta = parseFileName(f.name, catalog).meta!;
      expect(() => checkContentOffices([f], catalog, { signer: meta.sender.office, me: meta.receiver.office }), f.name).not.toThrow();
    }
  });

  it('catch actuals (UPJSK) carrying another provider’s number', () => {
    const jsk = valid.find((f) => f.name.startsWith('UPJSK_'))!;
    const q = refusal(() => checkContentOffices([jsk], catalog, { signer: '1310000037', me: '1310000011' }));
    expect(q.ja).toContain('「サービス事業者コード」（項目 20）は事業所 1310000029');
    expect(q.en).toContain('names office 1310000029, but office 1310000037 signed it');
  });

  it('let an empty or ALL9 sender column through (it claims no office)', () => {
    const plan = valid.find((f) => f.name === PLAN)!;
    // No.24 (更新業者コード) empty, then ALL9, on every record; No.6 still names the signer.
    for (const value of ['', '9999999999']) {
      const text = plan.data.toString('latin1').replace(/,1310000011,\r\n/g, `,${value},\r\n`);
      expect(text).not.toBe(plan.data.toString('latin1'));
      expect(() => checkContentOffices([{ name: PLAN, data: Buffer.from(text, 'latin1') }], catalog, { signer: '1310000011', me: '1310000029' })).not.toThrow();
    }
  });
});

describe('file names in a unit', () => {
  it('must be spec names: no paths, no dots, no devices, no other names', () => {
    expect(isSpecFileName(PLAN, catalog)).toBe(true);
    expect(isSpecFileName(PLAN.replace('.CSV', '.csv'), catalog)).toBe(true); // a warning only
    for (const bad of ['..', '.', '', 'CON', 'NUL.CSV', `../${PLAN}`, `sub\\${PLAN}`, `${PLAN}.`, `${PLAN} `, PLAN.replace('.CSV', '.exe'), PLAN.replace('_43_', '_4_'), 'UPPLAN_202504_1310000011_43_1310000029_11_20250425120002', 'notes.txt']) {
      expect(isSpecFileName(bad, catalog), JSON.stringify(bad)).toBe(false);
    }
  });

  it('refuses a unit with a name that is no spec name, keeping only the spec-named files', () => {
    const plan = valid.find((f) => f.name === PLAN)!;
    const q = refusal(() => checkFileNames([plan, { name: '..', data: Buffer.from('x') }], catalog));
    expect(q.ja).toContain('標準仕様のファイル名ではない');
    expect(q.en).toContain('".."');
    expect(q.files.map((f) => f.name)).toEqual([PLAN]);
  });

  it('refuses two files whose names differ only in case (one file on Windows)', () => {
    const plan = valid.find((f) => f.name === PLAN)!;
    const q = refusal(() => checkFileNames([plan, { name: PLAN.replace('.CSV', '.csv'), data: plan.data }], catalog));
    expect(q.en).toContain('two files of the same name');
  });

  it('must name the signer as sender and this office as receiver', () => {
    const plan = valid.find((f) => f.name === PLAN)!;
    expect(() => checkNameOffices([plan], catalog, { signer: '1310000011', me: '1310000029' })).not.toThrow();
    expect(refusal(() => checkNameOffices([plan], catalog, { signer: '1310000037', me: '1310000029' })).en).toContain(`File ${PLAN} claims in its name to come from office 1310000011, but office 1310000037 signed it`);
    expect(refusal(() => checkNameOffices([plan], catalog, { signer: '1310000011', me: '1310000037' })).en).toContain('is addressed to office 1310000029, not to this office (1310000037)');
  });
});
