// The soak's send units: generated standard-spec files (shared/fixtures/generate.ts), each unit with
// its own 14-digit sequence in the file names so that no two units share a name, and the measurements
// of where they ended up.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateFixtures, type GeneratedFile } from '../shared/fixtures/generate.js';
import type { SpecCatalog } from '../shared/spec/model.js';
import { encodeMs932 } from '../client/check/ms932.js';

export type Direction = 'cm-hh' | 'hh-cm';


export interface SoakFile {
  name: string;
  data: Buffer;
  hash: string;
}

export interface SoakUnit {
  direction: Direction;
  sequence: string;
  files: SoakFile[];
}

export const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

const MONTHS = ['202504', '202505', '202506', '202507', '202508', '202509', '202510', '202511', '202512', '202601', '202602', '202603'];

/** A 14-digit sequence (YYYYMMDDHHMMSS), one second apart per unit, the directions twelve hours apart. */
function sequence(direction: Direction, i: number): string {
  const at = Date.UTC(2026, 0, 1) + (direction === 'hh-cm' ? 12 * 3_600_000 : 0) + i * 1000;
  return new Date(at).toISOString().replace(/[-T:]/g, '').slice(0, 14);
}

export class UnitMaker {
  private readonly templates = new Map<string, GeneratedFile[]>();
  private readonly count: Record<Direction, number> = { 'cm-hh': 0, 'hh-cm': 0 };

  constructor(private readonly catalog: SpecCatalog) {}

  /**
   * The next unit of a direction: a care plan (UPPLAN + UPSIKYU + UPHOSOKU) from the care manager to the
   * provider, or the provider's actuals (UPJSK) back. Month and number of users vary, so contents differ.
   */
  next(direction: Direction): SoakUnit {
    const i = this.count[direction]++;
    const month = MONTHS[i % MONTHS.length]!;
    const users = 1 + (Math.floor(i / MONTHS.length) % 2);
    const key = `${month}/${users}`;
    let all = this.templates.get(key);
    if (!all) {
      all = generateFixtures(this.catalog, { month, users });
      this.templates.set(key, all);
    }
    const picked = direction === 'cm-hh' ? all.filter((f) => ['UPPLAN', 'UPSIKYU'].includes(f.kind) || (f.kind === 'UPHOSOKU' && f.name.includes(`_${month}_`))) : all.filter((f) => f.kind === 'UPJSK');
    const seq = sequence(direction, i);
    const files = picked.map((f) => {
      const data = encodeMs932(f.text!);
      return { name: f.name.replace(/_\d{14}(\.[A-Za-z]+)$/, `_${seq}$1`), data, hash: sha256(data) };
    });
    return { direction, sequence: seq, files };
  }
}

/** Names in a folder, or none when it does not exist (yet). */
export const list = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir) : []);

/** What is left where it should not be once everything has run quietly: the exchange did not finish. */
export function stuckEntries(o: { export: string; spool: string }): Record<string, string[]> {
  const csv = (n: string) => /\.(csv|jpg)$/i.test(n);
  return {
    exportFolder: list(o.export).filter(csv),
    processing: list(join(o.export, 'processing')).filter((n) => !n.startsWith('.')),
    errors: list(join(o.export, 'errors')),
    outbox: list(join(o.spool, 'outbox')).filter((n) => n.endsWith('.json')),
    failed: list(join(o.spool, 'failed')).filter((n) => n.endsWith('.json')),
    inbox: list(join(o.spool, 'inbox')),
    quarantine: list(join(o.spool, 'quarantine')).filter((n) => n.endsWith('.json')),
  };
}

/** Units the receiver journaled as imported more than once (by sender and sequence). */
export function journalDuplicates(spool: string): string[] {
  const seen = new Map<string, number>();
  for (const n of list(join(spool, 'received')).filter((x) => x.endsWith('.json'))) {
    try {
      const r = JSON.parse(readFileSync(join(spool, 'received', n), 'utf8')) as { sender: { office: string }; sequence: string };
      const k = `${r.sender.office}#${r.sequence}`;
      seen.set(k, (seen.get(k) ?? 0) + 1);
    } catch {
      /* a record that cannot be read is counted by the stuck/half-written checks, not here */
    }
  }
  return [...seen].filter(([, c]) => c > 1).map(([k]) => k);
}

export type OfficeName = 'care-manager' | 'home-help';
export const TO: Record<Direction, OfficeName> = { 'cm-hh': 'home-help', 'hh-cm': 'care-manager' };

export interface Take {
  office: OfficeName;
  name: string;
  hash: string;
}

/** Every file of the unit reached the receiving office's care software, byte for byte. */
export const arrived = (u: SoakUnit, takes: readonly Take[]): boolean => u.files.every((f) => takes.some((t) => t.office === TO[u.direction] && t.name === f.name && t.hash === f.hash));

/**
 * The count per direction. Lost: a unit not all of whose files arrived. Duplicated: a unit whose file the
 * care software received more than once, that the receiver journaled as imported twice, or that the relay
 * holds under two messages. Unknown content: something arrived that nobody sent (a damaged or partial file).
 */
export function tally(units: readonly SoakUnit[], takes: readonly Take[], journalDups: readonly string[], relayDups: readonly string[]) {
  const times = new Map<string, number>();
  for (const t of takes) times.set(`${t.office}|${t.name}|${t.hash}`, (times.get(`${t.office}|${t.name}|${t.hash}`) ?? 0) + 1);
  const expected = new Set(units.flatMap((u) => u.files.map((f) => `${TO[u.direction]}|${f.name}|${f.hash}`)));
  const rows = (['cm-hh', 'hh-cm'] as const).map((d) => {
    const us = units.filter((u) => u.direction === d);
    const lost = us.filter((u) => !arrived(u, takes));
    const duplicated = us.filter((u) => u.files.some((f) => (times.get(`${TO[d]}|${f.name}|${f.hash}`) ?? 0) > 1) || journalDups.some((k) => k.endsWith(`#${u.sequence}`)) || relayDups.some((k) => k.includes(`#${u.sequence}×`)));
    return { direction: d, sent: us.length, received: us.length - lost.length, lost: lost.length, duplicated: duplicated.length, lostUnits: lost.map((u) => u.sequence), duplicatedUnits: duplicated.map((u) => u.sequence) };
  });
  const unknownContent = takes.filter((t) => !expected.has(`${t.office}|${t.name}|${t.hash}`)).map((t) => `${t.office}/${t.name}`);
  return { rows, unknownContent };
}
