// The 効果レポート reads what went on paper from the paper path's own record (client/paper/store.ts):
// it must read it exactly as the paper screen does, not with a copy of the schema that may drift.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PaperStore, type PaperSheet } from '../paper/store.js';
import type { Session } from '../transport/session.js';
import { paperSendsIn } from './effectSources.js';

function spoolWith(sheets: unknown[]): { spool: string; store: PaperStore } {
  const spool = mkdtempSync(join(tmpdir(), 'cpl-effect-src-'));
  mkdirSync(join(spool, 'paper', 'units', 'm1'), { recursive: true });
  writeFileSync(join(spool, 'paper', 'units', 'm1', 'UPPLAN_a.CSV'), '');
  writeFileSync(join(spool, 'paper', 'sheets.json'), JSON.stringify({ sheets }));
  const session = { spool: { root: spool, tmp: join(spool, 'tmp') }, config: { folders: { export: join(spool, 'export') } } } as unknown as Session;
  return { spool, store: new PaperStore(session) };
}

const sheet: PaperSheet = {
  id: '202612-1310000052-1',
  month: '202612',
  partner: '1310000052',
  partnerName: 'みどり訪問看護ステーション',
  units: [{ key: 'k', messageId: 'm1', sequence: '20261201120000', kinds: ['UPPLAN'], files: ['UPPLAN_a.CSV', 'UPSIKYU_gone.CSV'], at: '2026-12-01T03:00:00.000Z' }],
  pdf: '/x/印刷・FAX/202612/a.pdf',
  pages: 6,
  madeAt: '2026-12-01T03:00:00.000Z',
  faxedAt: null,
};

describe('the paper record as the report reads it', () => {
  it('gives each unit of each sheet with its month, partner and kept files (a file gone is null)', () => {
    const { spool, store } = spoolWith([sheet]);
    expect(store.sheets()).toHaveLength(1);
    expect(paperSendsIn(spool)).toEqual([
      { at: sheet.units[0]!.at, month: '202612', partner: '1310000052', partnerName: 'みどり訪問看護ステーション', files: [{ name: 'UPPLAN_a.CSV', path: join(spool, 'paper', 'units', 'm1', 'UPPLAN_a.CSV') }, { name: 'UPSIKYU_gone.CSV', path: null }] },
    ]);
  });

  it('refuses a record the paper screen refuses, instead of counting half of it', () => {
    // A unit without its kinds and a sheet without its PDF: the paper path cannot read this record.
    const { units, pdf: _pdf, ...noPdf } = sheet;
    const { kinds: _kinds, ...noKinds } = units[0]!;
    const { spool, store } = spoolWith([{ ...noPdf, units: [noKinds] }]);
    expect(() => store.sheets()).toThrow();
    expect(() => paperSendsIn(spool)).toThrow();
  });
});
