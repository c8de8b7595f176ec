// A pass with many units (issue 16): each receiver is looked up once, a few submits wait for the
// relay at once, and the spool's writes are group commits off the event loop instead of about ten
// synchronous fsyncs per unit. One pass is run by hand (tick) on units already in processing/, against
// a real relay; the relay client's calls and the fsyncs are counted.
import fs, { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { announce, type Session } from '../transport/session.js';
import { startExchange, type Exchange } from '../../test/support/exchange.js';
import { Agent } from './agent.js';
import { IN_FLIGHT } from './batches.js';
import { NO_RATE_LIMIT, ticketUnit, waitFor } from './testSupport.js';

const UNITS = 12;
const months = Array.from({ length: UNITS }, (_, i) => `2025${String(i + 1).padStart(2, '0')}`);

describe('the agent sending many units in one pass', () => {
  let exchange: Exchange;
  afterEach(async () => {
    vi.restoreAllMocks();
    await exchange.close();
  });

  async function passWith(units: number): Promise<{ agent: Agent; s: Session }> {
    exchange = await startExchange('cpl-agent-batch-', { rate: NO_RATE_LIMIT });
    const [cm, hh] = [exchange.open('care-manager'), exchange.open('home-help')];
    await announce(hh);
    const agent = new Agent(cm, { pollMs: 3_600_000 });
    // Units already claimed: the pass goes straight to checking and sending them.
    const processing = join(cm.config.folders.export, agent.settings.folders.processing);
    for (const m of months.slice(0, units)) for (const f of ticketUnit(m)) writeFileSync(join(processing, f.name), f.data);
    return { agent, s: cm };
  }

  it('looks the receiver up once for the pass, and has several submits waiting for the relay at once', async () => {
    const { agent, s } = await passWith(UNITS);
    const directory = s.client.directory.bind(s.client);
    const submit = s.client.submit.bind(s.client);
    let lookups = 0;
    let waiting = 0;
    let most = 0;
    s.client.directory = (q) => {
      lookups++;
      return directory(q);
    };
    // The relay's answers are held until IN_FLIGHT submits wait together (one at a time never gets
    // there: then a fallback lets them through, and the count below fails).
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const fallback = setTimeout(() => release(), 5_000);
    s.client.submit = async (meta, payload) => {
      waiting++;
      most = Math.max(most, waiting);
      if (waiting >= IN_FLIGHT) release();
      await gate;
      try {
        return await submit(meta, payload);
      } finally {
        waiting--;
      }
    };
    await agent.tick();
    clearTimeout(fallback);
    expect(exchange.store.auditLog(10_000).filter((e) => e.action === 'submit').length).toBe(UNITS);
    expect(lookups).toBe(1);
    expect(most).toBe(IN_FLIGHT);
    expect(agent.status.counts.sent).toBe(UNITS);
  });

  it('writes the spool in group commits off the event loop: no fsync per unit on the event loop, three per unit in all (it was about ten)', async () => {
    const { agent, s } = await passWith(UNITS);
    const handle = await fs.promises.open(s.spool.root, 'r');
    const proto = Object.getPrototypeOf(handle) as { sync: () => Promise<void> };
    await handle.close();
    const onLoop = vi.spyOn(fs, 'fsyncSync');
    // The relay runs in this process too: its own group commits are not the agent's.
    const sync = proto.sync;
    let offLoop = 0;
    vi.spyOn(proto, 'sync').mockImplementation(function (this: unknown) {
      if (!/[\\/]relay[\\/]/.test(new Error().stack ?? '')) offLoop++;
      return sync.call(this);
    });
    await agent.tick();
    expect(agent.status.counts.sent).toBe(UNITS);
    expect(readdirSync(s.spool.dir('sent')).filter((n) => n.endsWith('.json'))).toHaveLength(UNITS);
    // What stays on the event loop, a file and its folder each, per pass and not per unit: the
    // partner's certificate kept in the spool, and the status file after the receive and at the end
    // of the pass. It was about ten per unit.
    expect(onLoop.mock.calls.length).toBeLessThanOrEqual(6);
    // Per unit, off the event loop: its envelope, its record, and its record again once accepted. Per
    // batch: the spool's folders (outbox twice, sent, outbox after the moves) and the move journal of
    // its originals (the file and processing/). Plus the six above.
    expect(offLoop).toBeLessThanOrEqual(3 * UNITS + 7);
    expect(onLoop.mock.calls.length + offLoop).toBeLessThanOrEqual(3 * UNITS + 13);
  });

  it('takes a file when its settle window ends, not at the next rescan (a minute away)', async () => {
    exchange = await startExchange('cpl-agent-batch-', { rate: NO_RATE_LIMIT });
    const [cm, hh] = [exchange.open('care-manager'), exchange.open('home-help')];
    await announce(hh);
    const agent = new Agent(cm, { settleMs: 300, rescanMs: 60_000, pollMs: 3_600_000 });
    await agent.start();
    try {
      await agent.idle();
      for (const f of ticketUnit('202504')) writeFileSync(join(cm.config.folders.export, f.name), f.data);
      await waitFor('the unit to be accepted', () => agent.status.counts.sent === 1, 20_000);
    } finally {
      await agent.stop();
    }
  });
});
