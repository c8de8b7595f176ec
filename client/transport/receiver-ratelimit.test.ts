// A burst of arrivals against the relay's per-office rate limit: one receive run waits as the 429
// answers' Retry-After asks and takes everything that is there. The relay's clock (Date) is faked and
// the injected sleep moves it on, so the relay refills its bucket and the test never really waits.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SqliteStore, startRelay, type RunningRelay } from '../../relay/index.js';
import { seal } from '../../pki/cms.js';
import { packBundle, sha256, type UnitHeader } from './bundle.js';
import { RateLimitGate } from './rateLimit.js';
import { receiveAll } from './receiver.js';
import { announce, openSession, type Session } from './session.js';

const ROOT = join(import.meta.dirname, '..', '..');
const PKI = join(ROOT, 'fixtures', 'pki');
const VALID = join(ROOT, 'fixtures', 'valid');
const pem = (f: string) => readFileSync(join(PKI, f), 'utf8');
const env = { CPL_PW: 'test-password' };
const ticketFiles = ['UPPLAN', 'UPSIKYU', 'UPHOSOKU'].map((k) => join(VALID, readdirSync(VALID).find((f) => f.startsWith(`${k}_202504_`))!));

function config(dir: string, id: string, office: string, type: string, url: string): string {
  for (const f of ['export', 'import', 'spool']) mkdirSync(join(dir, id, f), { recursive: true });
  const p = join(dir, `${id}.json`);
  writeFileSync(p, JSON.stringify({ office, serviceType: type, p12: join(PKI, `${id}.p12`), passwordEnv: 'CPL_PW', relay: url, trust: [join(PKI, 'ca.pem')], folders: { export: `${id}/export`, import: `${id}/import`, spool: `${id}/spool` } }));
  return p;
}

describe('receiving a burst from a rate-limited relay', () => {
  let relay: RunningRelay;
  let store: SqliteStore;
  let dir: string;
  let cm: Session, hh: Session;
  const waits: number[] = [];
  /** Instead of waiting: the faked clock moves on by what was asked, so the relay's bucket refills. */
  const sleep = (ms: number) => {
    waits.push(ms);
    vi.setSystemTime(Date.now() + ms);
    return Promise.resolve();
  };

  beforeAll(async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    dir = mkdtempSync(join(tmpdir(), 'cpl-rl-'));
    store = new SqliteStore(join(dir, 'relay'));
    // Three requests at once, then one a second: every burst runs into 429 with Retry-After: 1.
    relay = await startRelay({ store, port: 0, rate: { requests: 3, perMs: 3_000 }, tls: { key: pem('relay-server.key.pem'), cert: pem('relay-server.pem'), clientCa: pem('ca.pem') } });
    cm = openSession(config(dir, 'care-manager', '1310000011', '43', relay.url), env);
    hh = openSession(config(dir, 'home-help', '1310000029', '11', relay.url), env);
    const gate = new RateLimitGate({ sleep, budgetMs: 600_000 });
    for (const s of [cm, hh]) await gate.run(() => announce(s));
    for (let i = 0; i < 5; i++) {
      const seq = `2025050912000${i}`;
      const files = ticketFiles.map((p) => ({ name: p.split('/').pop()!.replace('20250425120002', seq), data: readFileSync(p) }));
      const header: UnitHeader = { messageId: `burst-unit-${i}`, sender: { office: '1310000011', serviceType: '43' }, receiver: { office: '1310000029', serviceType: '11' }, sequence: seq, month: '202504', kinds: ['UPPLAN', 'UPSIKYU', 'UPHOSOKU'] };
      const envelope = await seal(packBundle(header, files), cm.identity, hh.identity.certificate);
      await gate.run(() => cm.client.submit({ ...header, files: files.map((f) => f.name), sha256: sha256(envelope) }, envelope));
    }
    waits.length = 0;
  });
  afterAll(async () => {
    for (const s of [cm, hh]) s.close();
    await relay.close();
    store.close();
    vi.useRealTimers();
  });

  it('takes every unit in one run, waiting as Retry-After says', async () => {
    const summary = await receiveAll(hh, { rateLimit: { sleep } });
    expect(summary.pending).toEqual([]);
    expect(summary.quarantined).toEqual([]);
    expect(summary.imported.map((m) => m.messageId).sort()).toEqual([0, 1, 2, 3, 4].map((i) => `burst-unit-${i}`));
    // 2 inbox pages, 5 downloads, 1 directory look-up and 10 receipts against a bucket of 3.
    expect(waits.length).toBeGreaterThan(0);
    expect(new Set(waits)).toEqual(new Set([1000]));
    const statuses = (await new RateLimitGate({ sleep }).run(() => cm.client.outbox())).messages.map((m) => m.status);
    expect(statuses).toEqual(Array(5).fill('imported'));
  });
});
