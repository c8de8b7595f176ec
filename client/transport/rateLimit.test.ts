// The gate in front of the relay calls of one receive run: it waits out 429 answers as Retry-After
// asks, within its limits, and passes every other failure on at once.
import { describe, expect, it } from 'vitest';
import { RateLimitGate } from './rateLimit.js';
import { RelayError } from './relayClient.js';

const limited = (retryAfterMs: number | null) => new RelayError(429, 'rate_limited', '要求が多すぎます', 'Too many requests', retryAfterMs);

/** A call that is refused `times` times, then answers. */
function refusedTimes(times: number, retryAfterMs: number | null = 1000) {
  let calls = 0;
  const call = () => (++calls <= times ? Promise.reject(limited(retryAfterMs)) : Promise.resolve('ok'));
  return { call, calls: () => calls };
}

function recorder() {
  const waits: number[] = [];
  return { waits, sleep: (ms: number) => (waits.push(ms), Promise.resolve()) };
}

describe('RateLimitGate', () => {
  it('waits as Retry-After says and tries again', async () => {
    const { waits, sleep } = recorder();
    const c = refusedTimes(2, 1000);
    expect(await new RateLimitGate({ sleep }).run(c.call)).toBe('ok');
    expect(waits).toEqual([1000, 1000]);
    expect(c.calls()).toBe(3);
  });

  it('caps a single wait, waits a second without Retry-After and a moment even for Retry-After: 0', async () => {
    const { waits, sleep } = recorder();
    const gate = new RateLimitGate({ sleep, maxWaitMs: 5_000 });
    await gate.run(refusedTimes(1, 3_600_000).call);
    await gate.run(refusedTimes(1, null).call);
    await gate.run(refusedTimes(1, 0).call);
    expect(waits).toEqual([5_000, 1_000, 250]);
    expect(gate.waitedMs).toBe(6_250);
  });

  it('passes the 429 on once the run’s budget is spent, without waiting', async () => {
    const { waits, sleep } = recorder();
    const gate = new RateLimitGate({ sleep, budgetMs: 2_500 });
    const e = await gate.run(refusedTimes(10, 1000).call).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(RelayError);
    expect((e as RelayError).status).toBe(429);
    expect(waits).toEqual([1000, 1000]);
    // The budget belongs to the run: a later call is not waited for either.
    await expect(gate.run(refusedTimes(1, 1000).call)).rejects.toBeInstanceOf(RelayError);
    expect(waits).toHaveLength(2);
  });

  it('passes every other failure on at once', async () => {
    const { waits, sleep } = recorder();
    const gate = new RateLimitGate({ sleep });
    await expect(gate.run(() => Promise.reject(new RelayError(503, 'unavailable', '停止中', 'Unavailable', 1000)))).rejects.toMatchObject({ status: 503 });
    await expect(gate.run(() => Promise.reject(new Error('disk full')))).rejects.toThrow('disk full');
    expect(waits).toEqual([]);
  });
});
