// A burst of arrivals against the relay's per-office rate limit: one receive run waits as the 429
// answers' Retry-After asks and takes everything that is there. The relay's clock (Date) is faked and
// the injected sleep moves it on, so the relay refills its bucket and the test never really waits.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startExchange, type Exchange } from '../../test/support/exchange.js';
import { seal } from '../../pki/cms.js';
import { packBundle, sha256 } from './bundle.js';
import { RateLimitGate } from './rateLimit.js';
import { receiveAll } from './receiver.js';
import { announce, type Session } from './session.js';
import { ticket, ticketHeader } from './testOffices.js';

describe('receiving a burst from a rate-limited relay', () => {
  let exchange: Exchange;
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
    // Three requests at once, then one a second: every burst runs into 429 with Retry-After: 1.
    exchange = await startExchange('cpl-rl-', { rate: { requests: 3, perMs: 3_000 } });
    cm = exchange.open('care-manager');
    hh = exchange.open('home-help');
    const gate = new RateLimitGate({ sleep, budgetMs: 600_000 });
    for (const s of [cm, hh]) await gate.run(() => announce(s));
    for (let i = 0; i < 5; i++) {
      const seq = `2025050912000${i}`;
      const files = ticket(seq);
      const header = ticketHeader(`burst-unit-${i}`, seq, ['UPPLAN', 'UPSIKYU', 'UPHOSOKU']);
      // Sealed once, submitted until the relay lets it in: a retry sends the same envelope.
      const envelope = await seal(packBundle(header, files), cm.identity, hh.identity.certificate);
      await gate.run(() => cm.client.submit({ ...header, files: files.map((f) => f.name), sha256: sha256(envelope) }, envelope));
    }
    waits.length = 0;
  });
  afterAll(async () => {
    await exchange.close();
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
