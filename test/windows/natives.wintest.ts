// The client side needs no native module: the code that sends, receives and watches folders loads
// under the Windows build of Node without one. (better-sqlite3 belongs to the relay; it has no win32
// build that npm alone can install, and the Electron app must not need one on clerks' PCs.)
// The CLI's own processes are checked run by run in exchange.wintest.ts.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

describe('client code under Windows Node', () => {
  it('the agent and the transport load no native addon and not better-sqlite3', async () => {
    await import('../../client/agent/agent.js');
    await import('../../client/transport/session.js');
    await import('../../client/transport/sender.js');
    await import('../../client/transport/receiver.js');
    await import('../../client/app/spoolRecords.js');
    const commonjs = Object.keys(createRequire(import.meta.url).cache);
    // The check can see a CommonJS package that the client does load (node-forge, for the office's
    // PKCS#12; iconv-lite is loaded only when a file needs it since the CLI-start work).
    expect(commonjs.some((m) => /[\\/]node-forge[\\/]/.test(m))).toBe(true);
    expect(commonjs.filter((m) => /better-sqlite3/i.test(m))).toEqual([]);
    const { sharedObjects } = process.report.getReport() as { sharedObjects: string[] };
    expect(sharedObjects.some((s) => /node\.exe$/i.test(s))).toBe(true);
    expect(sharedObjects.filter((s) => /\.node$/i.test(s))).toEqual([]);
  });
});
