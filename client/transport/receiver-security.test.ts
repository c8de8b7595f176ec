// The receiving side against a sender that holds a valid certificate but lies in what it sends:
// files that claim another office (in their names or in their records), files for another office,
// file names that are paths; and a unit whose quarantine cannot be written still gets finished.
import { existsSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useExchange } from '../../test/support/exchange.js';
import type { BundleFile, UnitHeader } from './bundle.js';
import { receiveAll } from './receiver.js';
import type { Session } from './session.js';
import { submitUnit, ticket as fixtureTicket } from './testOffices.js';

const A = '1310000011'; // the care manager whose number office C borrows
const B = '1310000029'; // this office, the receiver
const C = '1310000037'; // a legitimate office with its own certificate

/** The fixture ticket (from A to B, sequence 20250425120002) with its names rewritten. */
function ticket(rename: (name: string) => string): BundleFile[] {
  return fixtureTicket('20250425120002').map((f) => ({ ...f, name: rename(f.name) }));
}

describe('receiving units whose files speak for another office', () => {
  let cm: Session, hh: Session, third: Session;
  const exchange = useExchange('cpl-rs-', async (x) => {
    [cm, hh, third] = await x.announced('care-manager', 'home-help', 'third-office');
  });

  /** Signs with the sender's own certificate and submits as the sender: only the files lie. */
  async function submit(from: Session, header: UnitHeader, files: BundleFile[]): Promise<void> {
    await submitUnit(from, header, files, hh.identity.certificate);
  }

  const header = (messageId: string, sender: Session, sequence: string): UnitHeader => ({
    messageId,
    sender: { office: sender.config.office, serviceType: sender.config.serviceType },
    receiver: { office: B, serviceType: '11' },
    sequence,
    month: '202504',
    kinds: ['UPPLAN', 'UPSIKYU', 'UPHOSOKU'],
  });

  const imported = () => readdirSync(join(exchange.dir, 'home-help', 'import'));
  const statusAtRelay = async (from: Session, id: string) => (await from.client.outbox()).messages.find((m) => m.messageId === id)?.status;

  // Each unit is quarantined with a reason naming the file and the offices (`reason`, and in reason.txt
  // where `reasonFile` says); `told`: the sender sees it quarantined at the relay.
  it.each<{ title: string; from: 'cm' | 'third'; id: string; seq: string; rename: (name: string) => string; reason: string[]; reasonFile?: string; told: boolean }>([
    {
      title: 'from office C whose file names carry office A’s number, naming the file and both offices',
      from: 'third',
      id: 'c-names-a',
      seq: '20250501090000',
      rename: (n) => n,
      reason: [`UPPLAN_202504_${A}_43_${B}_11_20250501090000.CSV`, `事業所 ${A} からのもの`, `署名した事業所は ${C}`, `claims in its name to come from office ${A}, but office ${C} signed it`],
      reasonFile: `office ${C} signed it`,
      told: true,
    },
    {
      title: 'from office C named as C but whose records name office A as the sender',
      from: 'third',
      id: 'c-content-a',
      seq: '20250502090000',
      rename: (n) => n.replace(`${A}_43`, `${C}_15`),
      reason: [`UPPLAN_202504_${C}_15_${B}_11_20250502090000.CSV`, `「プラン担当業者コード」（項目 6）は事業所 ${A}`, `署名した事業所は ${C}`, `names office ${A}, but office ${C} signed it`],
      told: true,
    },
    {
      title: 'delivered here whose file names address another office',
      from: 'cm',
      id: 'to-other',
      seq: '20250503090000',
      rename: (n) => n.replace(`${B}_11`, `${C}_15`),
      reason: [`送信先は事業所 ${C} で、この事業所（${B}）あてではありません`, `is addressed to office ${C}, not to this office (${B})`],
      told: false,
    },
  ])('quarantines a unit $title', async ({ from, id, seq, rename, reason, reasonFile, told }) => {
    const sender = { cm, third }[from];
    await submit(sender, header(id, sender, seq), ticket((n) => rename(n).replace('20250425120002', seq)));
    const summary = await receiveAll(hh);
    expect(summary.imported).toEqual([]);
    expect(summary.quarantined.map((q) => q.messageId)).toEqual([id]);
    for (const text of reason) expect(summary.quarantined[0]!.reason).toContain(text);
    if (reasonFile) expect(readFileSync(join(exchange.dir, 'home-help', 'spool', 'quarantine', id, 'reason.txt'), 'utf8')).toContain(reasonFile);
    expect(imported().some((n) => n.includes(seq))).toBe(false);
    if (told) expect(await statusAtRelay(sender, id)).toBe('quarantined');
  });

  it('imports a unit whose names and records all name the signing office, as before', async () => {
    const seq = '20250504090000';
    const files = ticket((n) => n.replace('20250425120002', seq));
    await submit(cm, header('honest-unit', cm, seq), files);
    const summary = await receiveAll(hh);
    expect(summary.quarantined).toEqual([]);
    expect(summary.imported.map((m) => m.messageId)).toEqual(['honest-unit']);
    expect(imported().filter((n) => n.includes(seq)).sort()).toEqual(files.map((f) => f.name).sort());
    expect(await statusAtRelay(cm, 'honest-unit')).toBe('imported');
    // Written through the file layer (tmp + rename): no tmp left beside them, and the mode any program
    // gets in the clerk's folder, not the spool's owner-only one (the care software may be another user).
    expect(imported().filter((n) => n.startsWith('.'))).toEqual([]);
    if (process.platform !== 'win32') {
      const probe = join(exchange.dir, 'home-help', 'import', 'probe.txt');
      writeFileSync(probe, '');
      expect(statSync(join(exchange.dir, 'home-help', 'import', files[0]!.name)).mode & 0o777).toBe(statSync(probe).mode & 0o777);
      rmSync(probe);
    }
  });

  it('quarantines a signed unit holding a file named "..", finishes it and tells the sender', async () => {
    const seq = '20250505090000';
    const files = [...ticket((n) => n.replace('20250425120002', seq)), { name: '..', data: Buffer.from('x') }];
    await submit(cm, header('dot-dot-unit', cm, seq), files);
    const summary = await receiveAll(hh);
    expect(summary.pending).toEqual([]);
    expect(summary.quarantined.map((q) => q.messageId)).toEqual(['dot-dot-unit']);
    expect(summary.quarantined[0]!.reason).toContain('標準仕様のファイル名ではないファイル');
    expect(summary.quarantined[0]!.reason).toContain('".."');
    const spool = join(exchange.dir, 'home-help', 'spool');
    expect(existsSync(join(spool, 'inbox', 'dot-dot-unit.json'))).toBe(false);
    expect(JSON.parse(readFileSync(join(spool, 'quarantine', 'dot-dot-unit.json'), 'utf8')).state).toBe('quarantined');
    // The spec-named files are kept beside the reason as evidence; the ".." is not written anywhere.
    expect(readdirSync(join(spool, 'quarantine', 'dot-dot-unit')).sort()).toEqual([...files.slice(0, 3).map((f) => f.name), 'reason.txt', '理由.txt'].sort());
    expect(await statusAtRelay(cm, 'dot-dot-unit')).toBe('quarantined');
    // Finished: the next receive has nothing left to retry.
    expect(await receiveAll(hh)).toEqual({ imported: [], quarantined: [], pending: [] });
  });

  it('quarantines units holding a name that is no spec name: a plain name, ".", a Windows device', async () => {
    const cases = [
      ['not-spec-name', 'notes.txt', '20250506090000'],
      ['single-dot-name', '.', '20250506100000'],
      ['device-name-con', 'CON', '20250506110000'],
    ] as const;
    for (const [id, name, seq] of cases) await submit(cm, header(id, cm, seq), [...ticket((n) => n.replace('20250425120002', seq)), { name, data: Buffer.from('x') }]);
    const summary = await receiveAll(hh);
    expect(summary.pending).toEqual([]);
    expect(summary.imported).toEqual([]);
    expect(summary.quarantined.map((q) => q.messageId).sort()).toEqual(cases.map((c) => c[0]).sort());
    for (const [id, name] of cases) expect(summary.quarantined.find((q) => q.messageId === id)!.reason).toContain(JSON.stringify(name));
    for (const [id] of cases) expect(readdirSync(join(exchange.dir, 'home-help', 'spool', 'quarantine', id))).toHaveLength(5);
  });

  it('finishes a unit whose quarantine folder cannot be written: recorded, moved, and the sender told', async () => {
    const seq = '20250507090000';
    const files = ticket((n) => n.replace('20250425120002', seq));
    files[0]!.data = Buffer.from(files[0]!.data.toString('latin1').replace(/,20250402,/, ',20250532,'), 'latin1');
    // A file where the unit's quarantine folder should go: creating the folder fails (EEXIST).
    writeFileSync(join(exchange.dir, 'home-help', 'spool', 'quarantine', 'unwritable'), 'in the way');
    await submit(cm, header('unwritable', cm, seq), files);
    const summary = await receiveAll(hh);
    expect(summary.pending).toEqual([]);
    expect(summary.quarantined.map((q) => q.messageId)).toEqual(['unwritable']);
    const reason = summary.quarantined[0]!.reason;
    expect(reason).toContain('標準仕様に合っていません');
    expect(reason).toContain('隔離フォルダに保存できませんでした');
    expect(reason).toContain('could not be saved in the quarantine folder');
    const record = JSON.parse(readFileSync(join(exchange.dir, 'home-help', 'spool', 'quarantine', 'unwritable.json'), 'utf8'));
    expect(record.state).toBe('quarantined');
    expect(record.receipts).toContain('quarantined');
    expect(existsSync(join(exchange.dir, 'home-help', 'spool', 'inbox', 'unwritable.json'))).toBe(false);
    expect(await statusAtRelay(cm, 'unwritable')).toBe('quarantined');
  });

  it('never follows an "imported" receipt with a "quarantined" one for the same message', async () => {
    const seq = '20250508090000';
    await submit(cm, header('imported-stays', cm, seq), ticket((n) => n.replace('20250425120002', seq)));
    expect((await receiveAll(hh)).imported.map((m) => m.messageId)).toEqual(['imported-stays']);
    // A journal that says "quarantined" after the import was acknowledged (a damaged or hand-edited
    // record, a future bug): the receipt already given stands.
    const spool = join(exchange.dir, 'home-help', 'spool');
    const record = JSON.parse(readFileSync(join(spool, 'received', 'imported-stays.json'), 'utf8'));
    expect(record.receipts).toEqual(['received', 'imported']);
    writeFileSync(join(spool, 'inbox', 'imported-stays.json'), JSON.stringify({ ...record, state: 'quarantined', reason: 'later / later' }));
    writeFileSync(join(spool, 'inbox', 'imported-stays.cms'), readFileSync(join(spool, 'received', 'imported-stays.cms')));
    expect((await receiveAll(hh)).pending).toEqual([]);
    const atRelay = (await cm.client.outbox()).messages.find((m) => m.messageId === 'imported-stays')!;
    expect(atRelay.status).toBe('imported');
    expect(atRelay.receipts.map((r) => r.disposition)).toEqual(['received', 'imported']);
  });

  it('clears what a receive killed mid-write left in the import folder, and only that', async () => {
    const importDir = join(exchange.dir, 'home-help', 'import');
    const old = new Date(Date.now() - 10 * 60_000);
    const names = { ourOld: '.cpl-tmp-4242-old-0badf00d', ourYoung: '.cpl-tmp-4242-young-0badf00d', olderVersion: `UPPLAN_202504_${A}_43_${B}_11_20250509090000.CSV.abcd1234.part`, notOurs: 'notes.part' };
    for (const n of Object.values(names)) writeFileSync(join(importDir, n), 'half');
    for (const n of [names.ourOld, names.olderVersion, names.notOurs]) utimesSync(join(importDir, n), old, old);
    expect((await receiveAll(hh)).pending).toEqual([]);
    const left = imported();
    expect(left).not.toContain(names.ourOld);
    expect(left).not.toContain(names.olderVersion);
    // Young enough to be a write in progress, or not a name we ever write: left alone.
    expect(left).toContain(names.ourYoung);
    expect(left).toContain(names.notOurs);
  });
});
