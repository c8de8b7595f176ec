// The app on its embedded defaults: a local linkage service (the open relay, development PKI) and the
// two demo offices it creates — a care-manager office and a home-help provider — each with its own
// app back end and folder. Both the browser launcher and Electron's main process start from here.
import { join, resolve } from 'node:path';
import { DEMO_PASSWORD, ensureDevSetup } from '../../relay/devSetup.js';
import { startRelay, type RunningRelay } from '../../relay/server.js';
import { SqliteStore } from '../../relay/store.js';
import { AppBackend, type BackendOptions, type DemoOfficeOffer } from '../core/app/backend.js';
import { MemorySecretStore, type SecretStore } from '../core/app/profile.js';

export interface EmbeddedOptions {
  dataDir: string;
  relayPort: number;
  shell: BackendOptions['shell'];
  /** Which demo offices get a back end (default: both). */
  offices?: string[];
  secretsFor?: (officeId: string, dir: string) => SecretStore;
  extra?: Partial<BackendOptions>;
  log?: (line: string) => void;
}

/** What a shell runs: one back end per office window. */
export interface AppBackends {
  backends: { id: string; name: string; backend: AppBackend }[];
  close(): Promise<void>;
}

/**
 * A real office's installation: one back end in the app's folder, set up against the office's own
 * linkage service on first run. No embedded relay, no demo offices.
 */
export async function startOffice(o: { dataDir: string; shell: BackendOptions['shell']; secrets: SecretStore; extra?: Partial<BackendOptions>; setupDefaults?: BackendOptions['setupDefaults'] }): Promise<AppBackends> {
  const backend = new AppBackend({ dataDir: join(resolve(o.dataDir), 'office'), shell: o.shell, secrets: o.secrets, ...(o.setupDefaults ? { setupDefaults: o.setupDefaults } : {}), ...(o.extra ?? {}) });
  await backend.start();
  return { backends: [{ id: 'office', name: 'ケアプランリンク', backend }], close: () => backend.stop() };
}

export interface Embedded extends AppBackends {
  relay: RunningRelay;
}

export async function startEmbedded(o: EmbeddedOptions): Promise<Embedded> {
  const dataDir = resolve(o.dataDir);
  const relayDir = join(dataDir, 'relay');
  const store = new SqliteStore(relayDir);
  const firstUrl = `https://127.0.0.1:${o.relayPort}`;
  const dev = ensureDevSetup(relayDir, firstUrl);
  const relay = await startRelay({ store, host: '127.0.0.1', port: o.relayPort, tls: { key: dev.serverKeyPem, cert: dev.serverCertPem, clientCa: dev.caPem }, maxUnitBytes: 20 * 1024 * 1024, retentionDays: 90, rate: { requests: 600, perMs: 60_000 }, ...(o.log ? { log: o.log } : {}) });
  const offers: DemoOfficeOffer[] = dev.offices.map((d) => {
    const dir = join(dataDir, 'offices', d.id);
    return { id: d.id, office: d.office, serviceType: d.serviceType, name: d.name, p12Path: join(relayDir, 'dev-pki', `${d.id}.p12`), password: DEMO_PASSWORD, relayUrl: relay.url, trustPem: dev.caPem, exportDir: join(dir, 'export'), importDir: join(dir, 'import') };
  });
  const backends: Embedded['backends'] = [];
  for (const offer of offers.filter((x) => !o.offices || o.offices.includes(x.id))) {
    const dir = join(dataDir, 'offices', offer.id, 'app');
    // The demo certificates' password is public demo material; a real office's lives only in the SecretStore.
    const secrets = o.secretsFor?.(offer.id, dir) ?? new MemorySecretStore();
    if (!o.secretsFor) secrets.set(DEMO_PASSWORD);
    const backend = new AppBackend({ dataDir: dir, shell: o.shell, secrets, defaultTrustPem: dev.caPem, setupDefaults: { relayUrl: relay.url, exportDir: join(dataDir, 'offices', offer.id, 'export'), importDir: join(dataDir, 'offices', offer.id, 'import') }, demoOffices: [offer], ...(o.extra ?? {}) });
    await backend.start();
    backends.push({ id: offer.id, name: offer.name, backend });
  }
  return {
    relay,
    backends,
    async close() {
      for (const b of backends) await b.backend.stop();
      await relay.close();
      store.close();
    },
  };
}
