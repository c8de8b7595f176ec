// Issue 15: what the store guarantees to the server, on both backends — a purge in small batches that
// lets requests through between them, and (PostgreSQL) one rate-limit budget and one receipt outcome
// for every relay process sharing the database.
import { afterEach, describe, expect, it } from 'vitest';
import type { MessageMeta } from '../shared/protocol/index.js';
import { openStore, type RelayStore } from './store.js';
import { BACKENDS, newTestSchema, openTestStore, type TestStore } from './testSupport.js';

const DAY = 86_400_000;
const open: TestStore[] = [];
const others: RelayStore[] = [];
afterEach(async () => {
  for (const s of others.splice(0)) await s.close();
  for (const t of open.splice(0)) await t.dispose();
});

async function fresh(backend: (typeof BACKENDS)[number]): Promise<TestStore> {
  const t = await openTestStore(backend);
  open.push(t);
  await t.store.registerCertificate('1310000029', 'ひまわり', { fingerprint: 'AA', pem: 'pem', notBefore: new Date(), notAfter: new Date(Date.now() + DAY) }, new Date());
  return t;
}

function entry(i: number) {
  const messageId = `m-${String(i).padStart(6, '0')}`;
  const meta: MessageMeta = { messageId, sender: { office: '1310000011', serviceType: '43' }, receiver: { office: '1310000029', serviceType: '11' }, sequence: '20250425120002', month: '202504', kinds: ['UPPLAN'], files: ['UPPLAN.CSV'], size: 3, sha256: 'ab'.repeat(32) };
  return { meta, payload: Buffer.from(`p${i % 10}!`), audit: { office: '1310000011', action: 'submit', messageId, detail: null } };
}

describe.each(BACKENDS)('store guarantees (%s)', (backend) => {
  it('purges in batches and lets a request through before the purge is done', async () => {
    const { store } = await fresh(backend);
    const old = new Date(Date.now() - 100 * DAY);
    // 1,100 old messages (three batches of 500) and one recent one.
    const entries = Array.from({ length: 1100 }, (_, i) => entry(i));
    for (let i = 0; i < entries.length; i += 100) await store.putMessages(entries.slice(i, i + 100), old);
    await store.putMessages([entry(999_999)], new Date());
    let purged: string[] | null = null;
    const purging = store.purgeBefore(new Date(Date.now() - 90 * DAY), 500).then((ids) => (purged = ids));
    // A request that arrives meanwhile is answered while the purge is still going.
    const inbox = await store.inbox('1310000029', 0, 10);
    expect(purged).toBeNull();
    expect(inbox).toHaveLength(10);
    await purging;
    expect(purged!).toHaveLength(1100);
    expect(new Set(purged!).size).toBe(1100);
    expect((await store.inbox('1310000029', 0, 500)).map((m) => m.messageId)).toEqual(['m-999999']);
    expect((await store.readPayload('m-999999')).toString()).toBe('p9!');
  });

  it('fills an inbox page with waiting messages only: the status is filtered in the query, before its limit', async () => {
    const { store } = await fresh(backend);
    const stored = await store.putMessages(Array.from({ length: 30 }, (_, i) => entry(i)), new Date());
    // The first 20 are done with (imported, quarantined, received): a page of 10 must skip all of them.
    const outcomes = ['imported', 'quarantined', 'received'] as const;
    for (const [i, m] of stored.slice(0, 20).entries()) {
      const disposition = outcomes[i % 3]!;
      await store.addReceipt(m.cursor, { disposition, reason: disposition === 'quarantined' ? 'x' : null, at: new Date().toISOString(), statement: '{}', signature: 'c2ln' });
    }
    await store.markDelivered(stored[20]!.cursor, new Date());
    const page = await store.inbox('1310000029', 0, 10);
    expect(page.map((m) => m.messageId)).toEqual(stored.slice(20).map((m) => m.messageId));
    expect(page.map((m) => m.status)).toEqual(['delivered', ...Array<string>(9).fill('queued')]);
  });
});

describe.each(BACKENDS)('directory search (%s)', (backend) => {
  it('matches any part of an office number or name, takes % and _ literally, and filters by service type', async () => {
    const { store } = await fresh(backend);
    const now = new Date().toISOString();
    await store.upsertOffice({ office: '1310000037', name: 'さくら_デイサービス', serviceTypes: ['15'], lastSeen: now });
    await store.upsertOffice({ office: '2710000045', name: '100%ケア訪問介護', serviceTypes: ['11'], lastSeen: now });
    await store.upsertOffice({ office: '1310000029', name: 'ひまわり訪問介護ステーション', serviceTypes: ['11'], lastSeen: now });
    const find = async (q: string, serviceType?: string) => (await store.findOffices({ q, ...(serviceType ? { serviceType } : {}) })).map((o) => o.office);
    expect(await find('')).toEqual(['1310000029', '1310000037', '2710000045']);
    expect(await find('1310')).toEqual(['1310000029', '1310000037']);
    expect(await find('0045')).toEqual(['2710000045']);
    expect(await find('訪問介護')).toEqual(['1310000029', '2710000045']);
    expect(await find('_')).toEqual(['1310000037']);
    expect(await find('%')).toEqual(['2710000045']);
    expect(await find('9 ひ')).toEqual([]);
    expect(await find('訪問', '11')).toEqual(['1310000029', '2710000045']);
    expect(await find('', '15')).toEqual(['1310000037']);
    expect((await store.findOffices({ limit: 1 })).map((o) => o.office)).toEqual(['1310000029']);
  });
});

describe.runIf(BACKENDS.includes('postgres'))('several processes on one PostgreSQL schema', () => {
  it('share one rate-limit budget per office', async () => {
    const schema = await newTestSchema();
    const [a, b] = [await openStore({ databaseUrl: schema.url }), await openStore({ databaseUrl: schema.url })];
    others.push(a, b);
    try {
      const rate = { requests: 4, perMs: 3_600_000 };
      const waits = [await a.takeToken('1310000011', rate), await b.takeToken('1310000011', rate), await a.takeToken('1310000011', rate), await b.takeToken('1310000011', rate)];
      expect(waits).toEqual([0, 0, 0, 0]);
      // The budget is spent, whichever process asks next; another office has its own.
      expect(await a.takeToken('1310000011', rate)).toBeGreaterThan(0);
      expect(await b.takeToken('1310000011', rate)).toBeGreaterThan(0);
      expect(await b.takeToken('1310000029', rate)).toBe(0);
    } finally {
      for (const s of others.splice(0)) await s.close();
      await schema.drop();
    }
  });

  it('let one final receipt win when two processes take opposite ones at the same moment', async () => {
    const schema = await newTestSchema();
    const [a, b] = [await openStore({ databaseUrl: schema.url }), await openStore({ databaseUrl: schema.url })];
    others.push(a, b);
    try {
      for (let round = 0; round < 5; round++) {
        const [m] = await a.putMessages([entry(round)], new Date());
        const receipt = (disposition: 'imported' | 'quarantined') => ({ disposition, reason: disposition === 'quarantined' ? 'x' : null, at: new Date().toISOString(), statement: '{}', signature: 'c2ln' });
        const [x, y] = await Promise.all([a.addReceipt(m!.cursor, receipt('imported')), b.addReceipt(m!.cursor, receipt('quarantined'))]);
        // Exactly one is added; the other is refused as final; the stored status is the winner's.
        expect([x.result, y.result].sort()).toEqual(['added', 'final']);
        const winner = x.result === 'added' ? 'imported' : 'quarantined';
        const stored = (await b.message(m!.messageId))!;
        expect([stored.status, stored.receipts.map((r) => r.disposition)]).toEqual([winner, [winner]]);
      }
    } finally {
      for (const s of others.splice(0)) await s.close();
      await schema.drop();
    }
  });
});
