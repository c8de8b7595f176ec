// People by name: the index built from the office's files (names from 利用者補足情報), and the opened
// marks behind 新着. Over the real fixtures and the real spec catalog; the document list is given.
import { copyFileSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../paths.js';
import iconv from 'iconv-lite';
import { encodeMs932 } from '../check/ms932.js';
import { loadCatalog } from '../check/specs.js';
import type { BackendContext, Open } from './context.js';
import { docKey, OpenedStore } from './opened.js';
import { People } from './people.js';
import { validationView } from './views.js';
import { checkPaths } from '../check/validation.js';
import { Profile } from './profile.js';
import type { DocFile, Receiving } from './receiving.js';

const VALID = join(packageRoot(), 'fixtures', 'valid');
const HOSOKU = 'UPHOSOKU_202504_1310000011_43_1310000029_11_20250425120002.CSV';
const PLAN = 'UPPLAN_202504_1310000011_43_1310000029_11_20250425120002.CSV';
const FIRST = 'UP1KYO_1310000011_43_1310000029_11_20250425120001.CSV';

function setup(docs: DocFile[]) {
  const open = { s: { catalog: loadCatalog(), config: { office: '1310000011' } } } as unknown as Open;
  const ctx = { session: {}, agent: {}, records: {}, need: () => open } as unknown as BackendContext;
  const receiving = { documents: () => docs } as unknown as Receiving;
  return { open, people: new People(ctx, receiving) };
}

const doc = (file: string, path = join(VALID, file), source: 'sent' | 'arrival' = 'sent'): DocFile => ({ ref: { source, file }, path, at: '2025-04-25T03:00:00.000Z' });

describe('people by name', () => {
  it('names the people of a 第6表 from the 利用者補足情報 of the same unit, with kana', () => {
    const { open, people } = setup([doc(PLAN), doc(HOSOKU), doc(FIRST)]);
    const who = people.resolver(open).ofFiles([PLAN]);
    expect(who.length).toBeGreaterThan(1);
    // The fixture writes 佐藤, U+3000, ハナ (an ideographic space): shown with a plain one.
    expect(who[0]).toEqual({ insurer: '131010', insured: '1000000000', name: '佐藤 ハナ', kana: 'サトウ ハナ' });
    expect(who.every((p) => p.name !== null)).toBe(true);
  });

  it('knows a person only by number when no file carries the name (第1表 has no 利用者氏名)', () => {
    const { open, people } = setup([doc(FIRST)]);
    const who = people.resolver(open).ofFiles([FIRST]);
    expect(who[0]).toMatchObject({ insurer: '131010', insured: '1000000000', name: null, kana: null });
    expect(people.resolver(open).person('999999', '0000000001')).toEqual({ insurer: '999999', insured: '0000000001', name: null, kana: null });
  });

  it('lists each person once with months and partners, named ones in kana order', async () => {
    const { people } = setup([doc(PLAN), doc(HOSOKU)]);
    const list = await people.handlers.listPeople({});
    const keys = list.map((p) => `${p.insurer}|${p.insured}`);
    expect(new Set(keys).size).toBe(keys.length);
    const sato = list.find((p) => p.insured === '1000000000')!;
    expect(sato).toMatchObject({ name: '佐藤 ハナ', months: ['202504'], partners: ['1310000029'] });
    const kana = list.map((p) => p.kana ?? '');
    expect(kana).toEqual([...kana].sort((a, b) => a.localeCompare(b, 'ja')));
  });

  it('a newer file with a corrected name wins, and a changed file is read again', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cpl-people-'));
    const path = join(dir, HOSOKU);
    copyFileSync(join(VALID, HOSOKU), path);
    const { open, people } = setup([doc(HOSOKU, path)]);
    expect(people.resolver(open).person('131010', '1000000000').name).toBe('佐藤 ハナ');
    const text = iconv.decode(readFileSync(path), 'cp932').replace('佐藤　ハナ', '佐藤　花子');
    writeFileSync(path, encodeMs932(text));
    utimesSync(path, new Date(), new Date(Date.now() + 5000));
    expect(people.resolver(open).person('131010', '1000000000').name).toBe('佐藤 花子');
  });
});

describe('findings by person', () => {
  it('names the person of the record a finding points at, from the 利用者補足情報 checked alongside', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cpl-findings-'));
    const bad = join(dir, PLAN);
    // One bad date in the second person's first record (鈴木 ハナ, 1000007919).
    const text = iconv.decode(readFileSync(join(VALID, PLAN)), 'cp932');
    const lines = text.split('\r\n');
    const at = lines.findIndex((l) => l.includes(',1000007919,'));
    lines[at] = lines[at]!.replace(/,2025040(\d),/, ',20250431,');
    writeFileSync(bad, encodeMs932(lines.join('\r\n')));
    copyFileSync(join(VALID, HOSOKU), join(dir, HOSOKU));
    const { people } = setup([]);
    const report = await checkPaths([bad, join(dir, HOSOKU)], { catalog: loadCatalog(), units: true });
    const view = people.nameFindings(validationView(report, null, () => null, '1310000011'));
    const plan = view.files.find((f) => f.name === PLAN)!;
    const row = plan.errors.find((f) => f.row !== null)!.row!;
    expect(row).toBe(at + 1);
    expect(plan.people?.[row]).toEqual({ insurer: '131011', insured: '1000007919', name: '鈴木 ハナ', kana: 'スズキ ハナ' });
  });
});

describe('opened marks (新着)', () => {
  it('keeps what was opened across a restart, and counts only new keys', () => {
    const root = mkdtempSync(join(tmpdir(), 'cpl-opened-'));
    const first = new OpenedStore(new Profile(root));
    expect(first.has(docKey('arrival', PLAN))).toBe(false);
    expect(first.add([docKey('arrival', PLAN)])).toBe(1);
    expect(first.add([docKey('arrival', PLAN), docKey('arrival', HOSOKU)])).toBe(1);
    const again = new OpenedStore(new Profile(root));
    expect(again.has(docKey('arrival', PLAN))).toBe(true);
    expect(again.has(docKey('arrival', HOSOKU))).toBe(true);
    expect(again.has(docKey('sent', PLAN))).toBe(false);
  });

  it('a damaged file means nothing is opened, not a broken app', () => {
    const root = mkdtempSync(join(tmpdir(), 'cpl-opened-'));
    const profile = new Profile(root);
    writeFileSync(profile.openedPath, '{not json');
    expect(new OpenedStore(profile).has(docKey('arrival', PLAN))).toBe(false);
  });
});
