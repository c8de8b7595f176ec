// The agent's sending half when a unit goes wrong, against a real relay (in-process, real TLS) and
// real folders: one unit that cannot be read, is too large, or is refused by the relay is reported
// and filed on its own, and never holds up or hides the others. The validator's reads are observed
// (and made to fail — as root, chmod 000 does not stop a read) where it opens files.
import type * as NodeFs from 'node:fs';
import type * as NodeFsPromises from 'node:fs/promises';
import { existsSync, readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startExchange, type Exchange } from '../../test/support/exchange.js';
import { RelayError } from '../transport/relayClient.js';
import type { Session } from '../transport/session.js';
import { NO_RATE_LIMIT, TestAgents, ticketUnit, waitFor } from './testSupport.js';
import { READ_TRIES } from './troubles.js';

const reads = vi.hoisted(() => ({
  /** Names whose reads fail with EACCES, as a file the agent may not read. */
  unreadable: new Set<string>(),
  /** How many times each name was opened for reading (a stream from node:fs, or a handle from node:fs/promises). */
  opened: new Map<string, number>(),
}));

/** Notes an opening of `path`; the EACCES a read of an unreadable file gets, or null. */
function opening(path: unknown): Error | null {
  const name = basename(String(path));
  reads.opened.set(name, (reads.opened.get(name) ?? 0) + 1);
  if (!reads.unreadable.has(name)) return null;
  return Object.assign(new Error(`EACCES: permission denied, open '${String(path)}'`), { code: 'EACCES', errno: -13, syscall: 'open', path: String(path) });
}

// The validator opens each file one of four ways, depending on the version (a read stream, a
// FileHandle, the callback `open` or, while direct reads are on, `openSync` of client/check/readFiles.ts): all are observed.
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof NodeFs>();
  const open = ((path: string, ...rest: unknown[]) => {
    const error = opening(path);
    const callback = rest[rest.length - 1] as (e: Error | null, fd?: number) => void;
    if (error) {
      process.nextTick(() => callback(error));
      return;
    }
    return (fs.open as (...a: unknown[]) => void)(path, ...rest);
  }) as typeof fs.open;
  const openSync = ((path: string, ...rest: unknown[]) => {
    const error = opening(path);
    if (error) throw error;
    return (fs.openSync as (...a: unknown[]) => number)(path, ...rest);
  }) as typeof fs.openSync;
  const createReadStream = ((path: string, options?: unknown) => {
    const error = opening(path);
    if (!error) return fs.createReadStream(path, options as Parameters<typeof fs.createReadStream>[1]);
    return new Readable({
      read() {
        this.destroy(error);
      },
    });
  }) as typeof fs.createReadStream;
  return { ...fs, createReadStream, open, openSync, default: { ...fs, createReadStream, open, openSync } };
});

vi.mock('node:fs/promises', async (importOriginal) => {
  const fsp = await importOriginal<typeof NodeFsPromises>();
  const open = ((path: string, ...rest: unknown[]) => {
    const error = opening(path);
    return error ? Promise.reject(error) : (fsp.open as (...a: unknown[]) => Promise<NodeFsPromises.FileHandle>)(path, ...rest);
  }) as typeof fsp.open;
  return { ...fsp, open, default: { ...fsp, open } };
});

const names = (unit: { name: string }[]) => unit.map((f) => f.name).sort();
const csvIn = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((n) => n.endsWith('.CSV')).sort() : []);

describe('the agent when one unit goes wrong', () => {
  let exchange: Exchange;
  let cm: Session, hh: Session;
  const agents = new TestAgents();
  const agent = (s: Session) => agents.start(s);
  let exp: string;

  async function setup(relayOptions: { maxUnitBytes?: number } = {}): Promise<void> {
    reads.unreadable.clear();
    reads.opened.clear();
    exchange = await startExchange('cpl-agent-send-', { rate: NO_RATE_LIMIT, ...relayOptions });
    [cm, hh] = [exchange.open('care-manager'), exchange.open('home-help')];
    exp = cm.config.folders.export;
    await agent(hh); // the provider is on the directory
  }

  afterEach(async () => {
    await agents.stopAll();
    await exchange.close();
  });

  const submitted = () => exchange.store.auditLog(100_000).filter((e) => e.action === 'submit' && e.office === '1310000011').map((e) => e.messageId);
  const drop = (unit: { name: string; data: Buffer }[]) => {
    for (const f of unit) writeFileSync(join(exp, f.name), f.data);
  };

  it('sends the other units while one cannot be read; retries it, then moves it to errors/ with the reason', async () => {
    await setup();
    const [blocked, flaky, fine] = [ticketUnit('202504'), ticketUnit('202505'), ticketUnit('202506')];
    // The earliest sequence cannot be read at all; the next one only at first.
    reads.unreadable.add(blocked[0]!.name);
    reads.unreadable.add(flaky[0]!.name);
    for (const u of [blocked, flaky, fine]) drop(u);
    const a = await agent(cm);
    const readFailures = (unit: { name: string }[]) => a.status.recent.filter((e) => e.event === 'read-failed' && e.detail.includes(unit[0]!.name.split('_').pop()!.slice(0, 14)));

    await waitFor('the readable unit to be accepted', () => submitted().length >= 1);
    // It went out while the blocked unit, first in line, was failing: not after it gave up.
    expect(readFailures(blocked).length).toBeGreaterThanOrEqual(1);
    expect(readFailures(blocked).length).toBeLessThan(READ_TRIES);
    expect(csvIn(join(exp, 'processing'))).toEqual(expect.arrayContaining(names(blocked)));
    // The status is written at the end of a pass: the blocked unit is reported there, to be tried again.
    const heldBlocked = () => a.status.held.find((h) => h.files.includes(blocked[0]!.name));
    await waitFor('the blocked unit to be reported', () => heldBlocked() !== undefined);
    expect(heldBlocked()?.reason).toContain('ファイルを読めません');
    expect(heldBlocked()?.reason).toContain('EACCES');
    expect(readFileSync(join(cm.spool.root, 'logs', 'agent.log'), 'utf8')).toContain('read-failed');

    // The flaky file becomes readable: its unit goes out on a later try.
    reads.unreadable.delete(flaky[0]!.name);
    await waitFor('the flaky unit to be accepted', () => submitted().length === 2);

    // The blocked one is given up after READ_TRIES tries: errors/, with the reason beside each file.
    const errors = join(exp, 'errors');
    await waitFor('the unreadable unit to be moved to errors/', () => csvIn(errors).length === 3, 60_000);
    expect(csvIn(errors)).toEqual(names(blocked));
    const report = readFileSync(join(errors, `${blocked[0]!.name}.errors.txt`), 'utf8');
    expect(report).toContain('このファイルは送信していません');
    expect(report).toContain(`${READ_TRIES} 回読もうとしましたが読めませんでした`);
    expect(report).toContain('EACCES');
    // Japanese only, and a system error by its code, never with the path of the agent's folders.
    expect(report).not.toContain('This file was not sent');
    expect(report).not.toContain('processing');
    expect(existsSync(join(errors, `${blocked[2]!.name}.errors.json`))).toBe(true);
    await waitFor('the hold to clear', () => a.status.held.length === 0);
    expect(readFailures(blocked)).toHaveLength(READ_TRIES);
    expect(submitted()).toHaveLength(2);
    const sentMonths = readdirSync(join(exp, 'sent'));
    expect(sentMonths.flatMap((m) => csvIn(join(exp, 'sent', m))).sort()).toEqual([...names(flaky), ...names(fine)].sort());
  }, 90_000);

  it('refuses a unit too large to send by its size, before reading it, and files it in errors/ saying how to split it', async () => {
    await setup();
    const big = ticketUnit('202504');
    const fine = ticketUnit('202505');
    drop(big);
    // 200 MB on disk without writing 200 MB (sparse): the size alone must decide.
    truncateSync(join(exp, big[0]!.name), 200 * 1024 * 1024);
    drop(fine);
    await agent(cm);
    const errors = join(exp, 'errors');
    await waitFor('the large unit to be moved to errors/', () => csvIn(errors).length === 3);
    await waitFor('the other unit to be accepted', () => submitted().length === 1);
    expect(csvIn(errors)).toEqual(names(big));
    const report = readFileSync(join(errors, `${big[0]!.name}.errors.txt`), 'utf8');
    expect(report).toContain('送信単位が大きすぎます');
    expect(report).toContain('月や利用者で分けて書き出してください');
    expect(report).not.toContain('The send unit is too large');
    // Not read, not validated, not sealed.
    expect(reads.opened.get(big[0]!.name) ?? 0).toBe(0);
    expect(cm.spool.list('failed')).toEqual([]);
  });

  it('checks the direction itself: a unit that came to this office goes to errors/ saying so, never sealed or offered to the relay', async () => {
    await setup();
    // The care manager's unit, dropped into the provider's export folder (whose agent is running).
    const hexp = hh.config.folders.export;
    const unit = ticketUnit('202504');
    for (const f of unit) writeFileSync(join(hexp, f.name), f.data);
    const errors = join(hexp, 'errors');
    await waitFor('the unit to be moved to errors/', () => csvIn(errors).length === 3);
    expect(csvIn(errors)).toEqual(names(unit));
    const report = readFileSync(join(errors, `${unit[0]!.name}.errors.txt`), 'utf8');
    expect(report).toContain('これは 1310000011 からこの事業所（1310000029）に届いたファイルです');
    expect(report).not.toContain('連携サービスが受け付けませんでした');
    // Not sealed, not submitted: the relay never saw it.
    expect(hh.spool.list('failed')).toEqual([]);
    expect(hh.spool.list('outbox')).toEqual([]);
    expect(exchange.store.auditLog(100_000).filter((e) => e.action === 'submit' && e.office === '1310000029')).toEqual([]);
  });

  it('never shows a unit the relay refuses for good (413) as sent: errors/ with the reason, failed/ in the spool', async () => {
    // A relay configured far below our own limit: it answers 413 to any real unit.
    await setup({ maxUnitBytes: 1024 });
    const unit = ticketUnit('202504');
    drop(unit);
    const a = await agent(cm);
    const errors = join(exp, 'errors');
    await waitFor('the refused unit to be moved to errors/', () => csvIn(errors).length === 3);
    expect(csvIn(errors)).toEqual(names(unit));
    const report = readFileSync(join(errors, `${unit[0]!.name}.errors.txt`), 'utf8');
    expect(report).toContain('連携サービスが受け付けませんでした');
    expect(report).toContain('送信単位が大きすぎます（上限 1024 バイト）');
    expect(report).not.toContain('The unit is too large');
    expect(readdirSync(join(exp, 'sent'))).toEqual([]);
    expect(cm.spool.list('sent')).toEqual([]);
    expect(cm.spool.list('outbox')).toEqual([]);
    expect(cm.spool.list('failed')).toHaveLength(1);
    expect(a.status.counts.sent).toBe(0);
    expect(a.status.counts.errors).toBe(3);
    // Said in the status (lastError says what is wrong now: a later clean pass with a receive, which
    // may come at once after the refusal, clears it, so the refusal is looked up in the recent events).
    expect(a.status.recent.find((e) => e.event === 'send-failed')?.detail).toContain('The unit is too large');
  });

  it('keeps the originals of a unit waiting for the relay in processing/, shown as held; refused later, they go to errors/', async () => {
    await setup();
    const unit = ticketUnit('202504');
    const submit = cm.client.submit.bind(cm.client);
    let answer: RelayError | null = new RelayError(503, 'unavailable', '連携サービスが混み合っています', 'The relay is busy');
    cm.client.submit = (meta, payload) => (answer ? Promise.reject(answer) : submit(meta, payload));
    drop(unit);
    const a = await agent(cm);
    await waitFor('the unit to wait in the outbox, held', () => a.status.held.some((h) => h.reason.includes('The relay is busy')));
    expect(cm.spool.list('outbox')).toHaveLength(1);
    expect(csvIn(join(exp, 'processing'))).toEqual(names(unit));
    expect(readdirSync(join(exp, 'sent'))).toEqual([]);
    // The relay now refuses it for good.
    answer = new RelayError(400, 'bad_meta', '送信単位の情報が正しくありません', 'Careplan-Meta is invalid');
    const errors = join(exp, 'errors');
    await waitFor('the refused unit to be moved to errors/', () => csvIn(errors).length === 3);
    expect(readFileSync(join(errors, `${unit[1]!.name}.errors.txt`), 'utf8')).toContain('送信単位の情報が正しくありません');
    expect(cm.spool.list('failed')).toHaveLength(1);
    expect(readdirSync(join(exp, 'sent'))).toEqual([]);
    await waitFor('the hold to clear', () => a.status.held.length === 0);
  });

  it('reads each file once to check it, not twice', async () => {
    await setup();
    const unit = ticketUnit('202504');
    drop(unit);
    await agent(cm);
    await waitFor('the unit to be accepted', () => submitted().length === 1);
    for (const f of unit) expect(reads.opened.get(f.name)).toBe(1);
  });

  it('files what it sends at 08:30 on 1 December in Japan under sent/202612 (the local month, not UTC)', async () => {
    const tz = process.env.TZ;
    process.env.TZ = 'Asia/Tokyo';
    // Only Date is faked, and it keeps moving: the settle window and the relay's timers run as usual.
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-11-30T23:30:00Z'), shouldAdvanceTime: true });
    try {
      expect(new Date().getMonth()).toBe(11);
      await setup();
      const unit = ticketUnit('202611');
      drop(unit);
      await agent(cm);
      await waitFor('the unit to be filed as sent', () => csvIn(join(exp, 'sent', '202612')).length === 3);
      expect(readdirSync(join(exp, 'sent'))).toEqual(['202612']);
    } finally {
      vi.useRealTimers();
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    }
  });
});
