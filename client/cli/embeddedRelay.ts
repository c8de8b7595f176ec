// The app on its embedded defaults: a local linkage service (the open relay, development PKI) and the
// two demo offices it creates. The relay runs in plain Node (its storage is a Node native module);
// the browser launcher and the tests run the offices beside it, Electron in its own process.
import { join, resolve } from 'node:path';
import { ensureDevSetup } from '../../relay/dev.js';
import { SqliteStore, startRelay, type RunningRelay } from '../../relay/index.js';
import { startDemoOffices, type AppBackends, type DemoOptions } from '../app/offices.js';
import { listenOn } from './ports.js';

export interface EmbeddedRelay {
  relay: RunningRelay;
  close(): Promise<void>;
}

/**
 * The local linkage service with the development PKI and the demo offices' certificates in dataDir/relay.
 * A port that is taken is a PortError naming --relay-port, and the store is closed again: nothing is
 * left half started.
 */
export async function startEmbeddedRelay(o: { dataDir: string; relayPort: number; log?: (line: string) => void }): Promise<EmbeddedRelay> {
  const relayDir = join(resolve(o.dataDir), 'relay');
  const store = new SqliteStore(relayDir);
  let relay: RunningRelay;
  try {
    const dev = ensureDevSetup(relayDir, `https://127.0.0.1:${o.relayPort}`);
    relay = await listenOn(o.relayPort, '--relay-port', () =>
      startRelay({ store, host: '127.0.0.1', port: o.relayPort, tls: { key: dev.serverKeyPem, cert: dev.serverCertPem, clientCa: dev.caPem }, maxUnitBytes: 20 * 1024 * 1024, retentionDays: 90, rate: { requests: 600, perMs: 60_000 }, ...(o.log ? { log: o.log } : {}) }),
    );
  } catch (e) {
    store.close();
    throw e;
  }
  return {
    relay,
    async close() {
      await relay.close();
      store.close();
    },
  };
}

export interface Embedded extends AppBackends {
  relay: RunningRelay;
}

/** Relay and both demo offices in this process (the browser mode and the tests). */
export async function startEmbedded(o: Omit<DemoOptions, 'relayUrl'> & { relayPort: number; log?: (line: string) => void }): Promise<Embedded> {
  const relay = await startEmbeddedRelay({ dataDir: o.dataDir, relayPort: o.relayPort, ...(o.log ? { log: o.log } : {}) });
  let offices: AppBackends;
  try {
    offices = await startDemoOffices({ ...o, relayUrl: relay.relay.url });
  } catch (e) {
    await relay.close();
    throw e;
  }
  return {
    relay: relay.relay,
    backends: offices.backends,
    async close() {
      await offices.close();
      await relay.close();
    },
  };
}
