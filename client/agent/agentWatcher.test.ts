// The watcher only hints, and a burst of its events asks for one pass, not one pass per event: a
// 500-unit burst's 3,000 events started ~130 passes in the settle window, each listing 1,500 names
// (issue 16). The watcher is replaced by one whose events the test sends.
import fs, { type FSWatcher } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startExchange, type Exchange } from '../../test/support/exchange.js';
import { Agent } from './agent.js';

describe('the agent and its watcher', () => {
  let exchange: Exchange | null = null;
  afterEach(async () => {
    vi.restoreAllMocks();
    syncBuiltinESMExports();
    await exchange?.close();
  });

  it('the events of one turn of the event loop ask for one pass', async () => {
    let event: ((type: string, name: string | null) => void) | null = null;
    vi.spyOn(fs, 'watch').mockImplementation(((_dir: string, _options: unknown, listener: (type: string, name: string | null) => void) => {
      event = listener;
      return { close() {}, on() {} } as unknown as FSWatcher;
    }) as typeof fs.watch);
    syncBuiltinESMExports();
    exchange = await startExchange('cpl-agent-watch-');
    const agent = new Agent(exchange.open('care-manager'), { pollMs: 3_600_000, rescanMs: 3_600_000 });
    await agent.start();
    await agent.idle();
    const tick = vi.spyOn(agent, 'tick');
    // As libuv hands them over: one callback after another, the promise jobs of each run in between.
    for (let i = 0; i < 100; i++) {
      event!('rename', `UPPLAN_202504_1310000011_43_1310000029_11_20250425${String(120000 + i)}.CSV`);
      await Promise.resolve();
    }
    await new Promise((r) => setImmediate(r));
    await agent.idle();
    expect(tick).toHaveBeenCalledTimes(1);
    await agent.stop();
  });
});
