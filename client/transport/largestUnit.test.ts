// Issue 11: the largest unit the documented limit allows (pki/limits.ts MAX_UNIT_BYTES) goes from
// the sender through a real relay to the receiver's import folder, byte for byte; a unit one user
// larger is refused before it is sealed, with the Japanese error that says how to split it.
// Real standard-spec content: the generated 第6/7表 unit (UPPLAN + UPSIKYU + UPHOSOKU), with as many
// users as fit under the limit.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore, startRelay, type RunningRelay } from '../../relay/index.js';
import { MAX_UNIT_BYTES } from '../../pki/limits.js';
import { generateFixtures, toCsv, type GeneratedFile } from '../../shared/fixtures/generate.js';
import { LocalizedError } from '../../shared/errors.js';
import { newestEdition } from '../../shared/spec/model.js';
import { encodeMs932 } from '../check/ms932.js';
import { loadCatalog } from '../check/specs.js';
import { packBundle } from './bundle.js';
import { receiveAll } from './receiver.js';
import { flushOutbox, prepareUnits, spoolUnit } from './sender.js';
import { announce, openSession, type Session } from './session.js';
import { fixturePem, TEST_ENV, writeOfficeConfig } from './testOffices.js';

/** The 第6/7表 unit's sequence in generated fixtures (shared/fixtures/generate.ts, seq(2)). */
const TICKET_SEQUENCE = '20250425120002';
/** Enough users to go over the limit: a user is about 4.8 KB of CSV in this unit, the limit about 12 MiB. */
const USERS = 2800;

/** MS932 bytes of generated text: ASCII and half-width katakana take one byte, everything else two. */
function ms932Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    n += c < 0x80 || (c >= 0xff61 && c <= 0xff9f) ? 1 : 2;
  }
  return n;
}

const base64Length = (bytes: number) => 4 * Math.ceil(bytes / 3);

interface TicketFiles {
  /** The files of the unit with the first `users` users, as the care software would write them. */
  files(users: number): { name: string; data: Buffer }[];
  /** The CSV bytes of each file with the first `users` users, without encoding anything. */
  sizes(users: number): number[];
}

/** The generated 第6/7表 unit, cut to any number of its users. */
function ticketUnit(generated: GeneratedFile[]): TicketFiles {
  const layouts = newestEdition(loadCatalog()).layouts;
  const ticket = generated.filter((f) => f.records !== null && f.name.endsWith(`_${TICKET_SEQUENCE}.CSV`));
  expect(ticket.map((f) => f.kind).sort()).toEqual(['UPHOSOKU', 'UPPLAN', 'UPSIKYU']);
  // Users in the order the generator wrote them; every record names its user by 被保険者番号 (No.3).
  const order = ticket.find((f) => f.kind === 'UPHOSOKU')!.records!.map((r) => r[2]!);
  const rank = new Map(order.map((insured, i) => [insured, i]));
  // Per file, the bytes each user's records add (a record is its CSV line plus CRLF).
  const perUser = ticket.map((f) => {
    const bytes = new Array<number>(order.length).fill(0);
    for (const r of f.records!) bytes[rank.get(r[2]!)!]! += ms932Length(toCsv(layouts.get(f.kind)!, [r]));
    return bytes;
  });
  return {
    sizes: (users) => perUser.map((bytes) => bytes.slice(0, users).reduce((a, b) => a + b, 0)),
    files: (users) =>
      ticket.map((f) => ({ name: f.name, data: encodeMs932(toCsv(layouts.get(f.kind)!, f.records!.filter((r) => rank.get(r[2]!)! < users))) })),
  };
}

describe('the largest unit the size limit allows', () => {
  let relay: RunningRelay;
  let store: SqliteStore;
  let dir: string;
  let cm: Session;
  let hh: Session;
  let unit: TicketFiles;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cpl-largest-'));
    store = new SqliteStore(join(dir, 'relay'));
    relay = await startRelay({ store, port: 0, tls: { key: fixturePem('relay-server.key.pem'), cert: fixturePem('relay-server.pem'), clientCa: fixturePem('ca.pem') } });
    cm = openSession(writeOfficeConfig(dir, 'care-manager', '1310000011', '43', relay.url), TEST_ENV);
    hh = openSession(writeOfficeConfig(dir, 'home-help', '1310000029', '11', relay.url), TEST_ENV);
    await announce(cm);
    await announce(hh);
    unit = ticketUnit(generateFixtures(loadCatalog(), { month: '202504', users: USERS }));
  });
  afterAll(async () => {
    cm?.close();
    hh?.close();
    await relay?.close();
    store?.close();
  });

  function write(into: string, files: { name: string; data: Buffer }[]): string[] {
    mkdirSync(into, { recursive: true });
    return files.map((f) => {
      const p = join(into, f.name);
      writeFileSync(p, f.data);
      return p;
    });
  }

  it('arrives byte for byte just under the limit, and one user more is refused before sealing with how to split it', async () => {
    // The packed unit (pki's limit) is the files in base64 plus a JSON header of a few hundred bytes:
    // the most users whose files leave 1 KiB for that header.
    const packedFiles = (users: number) => unit.sizes(users).reduce((n, s) => n + base64Length(s), 0);
    let under = 0;
    while (under < USERS && packedFiles(under + 1) <= MAX_UNIT_BYTES - 1024) under++;
    let over = under + 1;
    while (over <= USERS && packedFiles(over) <= MAX_UNIT_BYTES) over++;
    expect(over).toBeLessThanOrEqual(USERS); // the generated users do reach past the limit

    const largest = unit.files(under);
    expect(largest.map((f) => f.data.length)).toEqual(unit.sizes(under));
    // Just under: a packed unit within one user (and its header) of MAX_UNIT_BYTES, about 12 MiB of CSV.
    const packed = packBundle({ messageId: 'x'.repeat(64), sender: { office: '1310000011', serviceType: '43' }, receiver: { office: '1310000029', serviceType: '11' }, sequence: TICKET_SEQUENCE, month: '202504', kinds: ['UPHOSOKU', 'UPPLAN', 'UPSIKYU'] }, largest).length;
    expect(packed).toBeLessThanOrEqual(MAX_UNIT_BYTES);
    expect(packed).toBeGreaterThan(MAX_UNIT_BYTES - 16 * 1024);

    const sent = write(join(dir, 'largest'), largest);
    const { report, units } = await prepareUnits(sent, cm);
    expect(report.files.map((f) => [f.name, f.valid])).toEqual(largest.map((f) => [f.name, true]));
    expect(units).toHaveLength(1);
    expect((await spoolUnit(units[0]!, cm)).state).toBe('spooled');
    const flushed = await flushOutbox(cm);
    expect(flushed.failed).toEqual([]);
    expect(flushed.accepted).toHaveLength(1);
    const received = await receiveAll(hh);
    expect(received.quarantined).toEqual([]);
    expect(received.imported).toHaveLength(1);
    for (const f of largest) expect(readFileSync(join(dir, 'home-help', 'import', f.name)).equals(f.data), f.name).toBe(true);

    // The smallest number of users whose files cannot fit: refused by their sizes, before anything is sealed.
    const tooLarge = write(join(dir, 'too-large'), unit.files(over));
    const refused = await prepareUnits(tooLarge, cm).then(
      () => null,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(LocalizedError);
    // The files' check (client/transport/unitSize.ts), not seal()'s: it names the file to split.
    const largestFile = unit.files(1).sort((a, b) => b.data.length - a.data.length)[0]!.name;
    expect(refused).toMatchObject({
      code: 'UNIT_TOO_LARGE',
      ja: expect.stringMatching(new RegExp(`^送信単位が大きすぎます（ファイルの合計.*月や利用者で分けて書き出してください: ${largestFile}$`)),
      hint: { ja: expect.stringContaining('分けて') },
    });
    expect(cm.spool.list('outbox')).toEqual([]);
  });
});
