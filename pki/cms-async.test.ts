// seal() signs on libuv's thread pool (signCmsAsync), so the agent's 8 seals in flight do not hold the
// event loop for each RSA operation. The bytes must be those of the synchronous signCms, and OpenSSL and
// our own open() must read what seal() makes.
import { createHook } from 'node:async_hooks';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { certsFromPem } from './certs.js';
import { open, seal, signCms, signCmsAsync, verifyCms } from './cms.js';
import { loadPkcs12 } from './pkcs12.js';

const PKI = join(import.meta.dirname, '..', 'fixtures', 'pki');
const load = (id: string) => loadPkcs12(readFileSync(join(PKI, `${id}.p12`)), 'test-password', { requireUsable: false });
const anchors = certsFromPem(readFileSync(join(PKI, 'ca.pem'), 'utf8'));
const content = Buffer.from('202504,131010,1000000000,20250401\r\n', 'utf8');

/**
 * How many crypto.sign jobs finished on the thread pool while `run` went: Node makes a SIGNREQUEST for
 * every sign (a synchronous one too), but only a job run on the pool comes back through a callback,
 * which async_hooks sees as `before`.
 */
async function signsOnThePool(run: () => Promise<unknown>): Promise<number> {
  const signJobs = new Set<number>();
  let called = 0;
  const hook = createHook({
    init: (id, type) => void (type === 'SIGNREQUEST' && signJobs.add(id)),
    before: (id) => void (signJobs.has(id) && called++),
  });
  hook.enable();
  try {
    await run();
  } finally {
    hook.disable();
  }
  return called;
}

describe('signing off the event loop', () => {
  it('signCmsAsync writes the same bytes as signCms (RSA PKCS#1 v1.5 is deterministic), attached and detached', async () => {
    const manager = load('care-manager');
    const signingTime = new Date(); // inside the test certificates' validity
    for (const detached of [true, false]) {
      const sync = signCms(content, manager, { signingTime, detached });
      const async = await signCmsAsync(content, manager, { signingTime, detached });
      expect(async.equals(sync)).toBe(true);
      expect(verifyCms(async, { trustAnchors: anchors, ...(detached ? { content } : {}) }).status).toBe('valid');
    }
  });

  it('seal() hands the RSA signature to the thread pool, and what it seals opens and verifies', async () => {
    const manager = load('care-manager');
    const homeHelp = load('home-help');
    let sealed: Buffer | null = null;
    const onPool = await signsOnThePool(async () => {
      sealed = await seal(content, manager, homeHelp.certificate);
    });
    expect(onPool).toBe(1);
    const opened = await open(sealed!, homeHelp, anchors);
    expect(opened.verification.status).toBe('valid');
    expect(opened.content?.equals(content)).toBe(true);
  });

  it('signCms stays synchronous for its callers (receipts, the CLI): no job on the pool', async () => {
    const manager = load('care-manager');
    expect(await signsOnThePool(async () => signCms(content, manager))).toBe(0);
    expect(await signsOnThePool(() => signCmsAsync(content, manager))).toBe(1); // the probe does see a pool job
  });
});
